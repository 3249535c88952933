import Testing
@testable import CallControl

@Suite("Call leg state machine")
struct CallLegTests {
    func leg() -> CallLeg {
        CallLeg(id: CallID.next(), backend: "span1", trunkGroup: "carrier", direction: .inbound, channel: 1,
                setup: CallSetup(calling: PartyNumber("13800000000"), called: PartyNumber("95588")),
                at: WallTime(secondsSince1970: 0))
    }

    @Test("offered, routing, alerting, answered, releasing, released, with the cause we gave")
    func happyPath() throws {
        var l = leg()
        try l.routing()
        try l.alerting()
        try l.answered(at: WallTime(secondsSince1970: 5))
        try l.releasing(cause: .normalClearing)
        l.released(cause: .normalUnspecified, by: .remote, at: WallTime(secondsSince1970: 9))
        #expect(l.state == .released)
        #expect(l.cause == .normalClearing, "a local release keeps its own cause")
        #expect(l.releasedBy == .local)
        #expect(l.answeredAt == WallTime(secondsSince1970: 5))
    }

    @Test("a remote release records the far end's cause")
    func remoteRelease() throws {
        var l = leg()
        try l.alerting()
        l.released(cause: .userBusy, by: .remote, at: WallTime(secondsSince1970: 1))
        #expect(l.cause == .userBusy)
        #expect(l.releasedBy == .remote)
    }

    @Test("transitions out of order are refused, not obeyed")
    func refused() throws {
        var l = leg()
        try l.answered(at: WallTime(secondsSince1970: 1))
        #expect(throws: CallLeg.RefusedTransition.self) { try l.alerting() }
        #expect(throws: CallLeg.RefusedTransition.self) { try l.answered(at: WallTime(secondsSince1970: 2)) }
        try l.releasing(cause: .normalClearing)
        #expect(throws: CallLeg.RefusedTransition.self) { try l.releasing(cause: .normalClearing) }
        #expect(throws: CallLeg.RefusedTransition.self) { try l.routing() }
        #expect(l.state == .releasing)
    }

    @Test("overlap digits accumulate until complete")
    func digits() {
        var l = leg()
        l.addDigits("1", complete: false)
        l.addDigits("2", complete: true)
        #expect(l.setup.called.digits == "9558812")
        #expect(l.setup.numberComplete)
    }
}
