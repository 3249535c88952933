import CallControl
import Foundation
import LabTestSupport
import Testing

@Suite("PRI spans over a socketpair", .serialized, .lab)
struct PRICallTests {
    func incoming(_ i: SignallingIndication) -> (CallID, Int?, CallSetup)? {
        if case let .incoming(id, ch, setup) = i { return (id, ch, setup) }
        return nil
    }

    @Test("a call with numbers from the network reaches the user side, is answered, and both ends see the cause")
    func inboundCall() throws {
        let pair = try PRIPair()
        #expect(pair.waitUntilReady(), "links up and RESTART done: \(pair.userSide.all)")
        let out = CallID.next()
        var setup = CallSetup(calling: PartyNumber("13800138000", type: .national, presentation: .restricted),
                              called: PartyNumber("95588", type: .subscriber))
        setup.redirecting = RedirectingNumber(number: PartyNumber("95566"), reason: .busy)
        let carried = setup
        try pair.on(pair.network) { b throws(CallControlError) in try b.place(out, carried) }
        let arrived = try #require(pair.userSide.wait { incoming($0) != nil }.flatMap(incoming), "\(pair.userSide.all)")
        let (id, channel, got) = arrived
        #expect(got.calling?.digits == "13800138000")
        #expect(got.calling?.type == .national)
        #expect(got.calling?.presentation == .restricted)
        #expect(got.called.digits == "95588")
        #expect(got.called.type == .subscriber)
        #expect(got.redirecting?.number.digits == "95566")
        #expect(got.redirecting?.reason == .busy)
        #expect(channel != nil)
        try pair.on(pair.user) { $0.proceeding(id); $0.alert(id, inbandAudio: false); $0.answer(id) }
        #expect(pair.networkSide.wait { $0 == .answered(out) } != nil, "\(pair.networkSide.all)")
        try pair.on(pair.user) { $0.release(id, cause: .userBusy) }
        #expect(pair.networkSide.wait { $0 == .released(out, cause: .userBusy, by: .remote) } != nil, "\(pair.networkSide.all)")
        #expect(pair.userSide.wait { $0 == .released(id, cause: .userBusy, by: .local) } != nil, "\(pair.userSide.all)")
    }
}
