import CallControl
import Foundation
import LabTestSupport
import Testing

@Suite("PRI procedures over a socketpair", .serialized, .lab)
struct PRIProcedureTests {
    func incoming(_ i: SignallingIndication) -> (CallID, Int?, CallSetup)? {
        if case let .incoming(id, ch, setup) = i { return (id, ch, setup) }
        return nil
    }

    @Test("overlap receiving: SETUP without a complete number, then the digits one by one")
    func overlap() throws {
        let pair = try PRIPair(overlap: true)
        #expect(pair.waitUntilReady())
        let out = CallID.next()
        var setup = CallSetup(called: PartyNumber("9"))
        setup.numberComplete = false
        let carried = setup
        try pair.on(pair.network) { b throws(CallControlError) in try b.place(out, carried) }
        let (id, _, got) = try #require(pair.userSide.wait { incoming($0) != nil }.flatMap(incoming))
        #expect(got.called.digits == "9")
        #expect(!got.numberComplete)
        try pair.on(pair.user) { $0.requestMoreDigits(id) }
        try pair.on(pair.network) { $0.sendDigits(out, "5588") }
        var digits = ""
        let deadline = Date().addingTimeInterval(10)
        while digits.count < 4 && Date() < deadline {
            digits = pair.userSide.all.compactMap { i -> String? in
                if case let .moreDigits(c, d, _) = i, c == id { return d }
                return nil
            }.joined()
            usleep(10_000)
        }
        #expect(digits == "5588", "\(pair.userSide.all.suffix(8))")
        try pair.on(pair.user) { $0.release(id, cause: .normalClearing) }
        #expect(pair.networkSide.wait { if case .released(out, _, _) = $0 { true } else { false } } != nil)
    }

    @Test("glare: both ends seize the same B-channel at once; the network's call wins, ours ends with cause 44, no channel is stuck")
    func glare() throws {
        let pair = try PRIPair()
        #expect(pair.waitUntilReady())
        let fromUser = CallID.next()
        let fromNetwork = CallID.next()
        // Both exclusive on the same channel: the user side's DAHDI channel 107 is PRI channel 7,
        // the network side's is 207.
        let userSetup = CallSetup(called: PartyNumber("1001"), channel: ChannelSelection(channel: 107, exclusive: true))
        let networkSetup = CallSetup(called: PartyNumber("2002"), channel: ChannelSelection(channel: 207, exclusive: true))
        let barrier = SimultaneousSeizure()
        barrier.place(on: pair.user, fromUser, userSetup)
        barrier.place(on: pair.network, fromNetwork, networkSetup)
        #expect(pair.userSide.wait { $0 == .released(fromUser, cause: .requestedCircuitNotAvailable, by: .remote) } != nil,
                "the user side's call is refused: \(pair.userSide.all.suffix(6))")
        let (id, channel, _) = try #require(pair.userSide.wait { incoming($0) != nil }.flatMap(incoming),
                                            "the network's call arrives: \(pair.userSide.all.suffix(6))")
        #expect(channel == 107)
        try pair.on(pair.user) { $0.answer(id) }
        #expect(pair.networkSide.wait { $0 == .answered(fromNetwork) } != nil)
        try pair.on(pair.user) { $0.release(id, cause: .normalClearing) }
        #expect(pair.userSide.wait { $0 == .released(id, cause: .normalClearing, by: .local) } != nil)
        usleep(200_000)
        #expect(pair.idleCount(pair.user) == 30 && pair.idleCount(pair.network) == 30, "every channel idle again")
    }

    @Test("garbage and truncated frames from the far end are survived; calls still work afterwards")
    func garbage() throws {
        let pair = try PRIPair()
        #expect(pair.waitUntilReady())
        // Inject frames straight onto the user side's descriptor, as if the network sent them.
        var generator = SystemRandomNumberGenerator()
        let frames: [[UInt8]] = [
            [], [0x00], [0x02, 0x01], [0x02, 0x01, 0x00, 0x00, 0x08, 0x02, 0x00, 0x01, 0x05],
            [0x02, 0x01, 0x00, 0x00, 0x08, 0x02, 0x00, 0x01, 0x05, 0x04, 0x03, 0x80, 0x90, 0xA3, 0x70, 0xFF],
        ] + (0..<200).map { _ in (0..<Int.random(in: 3...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        for f in frames {
            let framed = f + [0, 0]
            _ = framed.withUnsafeBytes { write(pair.fds[1], $0.baseAddress, $0.count) }
            usleep(1000)
        }
        usleep(500_000)
        let out = CallID.next()
        let setup = CallSetup(calling: PartyNumber("1"), called: PartyNumber("2"))
        // The link may have been reset by the garbage; allow it to come back.
        var placed = false
        let deadline = Date().addingTimeInterval(20)
        while !placed && Date() < deadline {
            do {
                try pair.on(pair.network) { b throws(CallControlError) in try b.place(out, setup) }
                placed = true
            } catch {
                usleep(200_000)
            }
        }
        #expect(placed)
        #expect(pair.userSide.wait(20) { incoming($0)?.2.called.digits == "2" } != nil, "a call still gets through")
    }
}

@Suite("PRI refusals over a socketpair", .serialized, .lab)
struct PRIRefusalTests {
    @Test("a call refused on arrival, while another call is up, ends at the caller with the refusal's cause")
    func refuseWhileBusy() throws {
        let pair = try PRIPair()
        #expect(pair.waitUntilReady())
        let first = CallID.next()
        let second = CallID.next()
        try pair.on(pair.network) { b throws(CallControlError) in try b.place(first, CallSetup(called: PartyNumber("1"))) }
        let firstIn = try #require(pair.userSide.wait { if case .incoming = $0 { true } else { false } }.flatMap { i -> CallID? in
            if case let .incoming(id, _, _) = i { return id }
            return nil
        })
        try pair.on(pair.user) { $0.answer(firstIn) }
        #expect(pair.networkSide.wait { $0 == .answered(first) } != nil)
        try pair.on(pair.network) { b throws(CallControlError) in try b.place(second, CallSetup(called: PartyNumber("2"))) }
        let secondIn = try #require(pair.userSide.wait { i in
            if case let .incoming(id, _, _) = i { return id != firstIn }
            return false
        }.flatMap { i -> CallID? in
            if case let .incoming(id, _, _) = i { return id }
            return nil
        })
        try pair.on(pair.user) { $0.release(secondIn, cause: .userBusy) }
        #expect(pair.networkSide.wait { $0 == .released(second, cause: .userBusy, by: .remote) } != nil, "\(pair.networkSide.all.suffix(5))")
        #expect(pair.userSide.wait { if case .released(secondIn, _, _) = $0 { true } else { false } } != nil, "\(pair.userSide.all.suffix(5))")
    }
}
