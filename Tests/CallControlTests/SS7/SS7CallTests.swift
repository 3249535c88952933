import CallControl
import Foundation
import Testing

@Suite("SS7 linksets over socketpairs", .serialized)
struct SS7CallTests {
    func incoming(_ i: SignallingIndication) -> (CallID, Int?, CallSetup)? {
        if case let .incoming(id, ch, setup) = i { return (id, ch, setup) }
        return nil
    }

    @Test("GRS at start-up brings every circuit to idle; an IAM is answered and released on the right CIC with the cause both ways")
    func callAcross() throws {
        let pair = try SS7Pair()
        #expect(pair.waitUntilReady(), "links aligned and GRS done: \(pair.engineSide.all.prefix(5))")
        let out = CallID.next()
        let setup = CallSetup(calling: PartyNumber("13800138000", type: .national), called: PartyNumber("95588", type: .subscriber),
                              channel: ChannelSelection(channel: 217, exclusive: true))
        try pair.on(pair.far) { b throws(CallControlError) in try b.place(out, setup) }
        let (id, channel, got) = try #require(pair.engineSide.wait { incoming($0) != nil }.flatMap(incoming), "\(pair.engineSide.all.suffix(5))")
        #expect(channel == 117, "CIC 17 is DAHDI channel 117 on the engine's side")
        #expect(got.calling?.digits == "13800138000")
        #expect(got.calling?.type == .national)
        #expect(got.called.digits == "95588")
        try pair.on(pair.engine) { $0.alert(id, inbandAudio: false); $0.answer(id) }
        #expect(pair.farSide.wait { if case .alerting(out, _) = $0 { true } else { false } } != nil)
        #expect(pair.farSide.wait { $0 == .answered(out) } != nil)
        try pair.on(pair.far) { $0.release(out, cause: .userBusy) }
        #expect(pair.engineSide.wait { $0 == .released(id, cause: .userBusy, by: .remote) } != nil, "\(pair.engineSide.all.suffix(4))")
        #expect(pair.farSide.wait { $0 == .released(out, cause: .userBusy, by: .local) } != nil, "\(pair.farSide.all.suffix(4))")
        usleep(200_000)
        #expect(pair.idle(pair.engine) == 30 && pair.idle(pair.far) == 30)
    }

    @Test("dual seizure (Q.764 2.9.1.4): the end that controls the circuit keeps it, the other takes that call and tries its own again on a circuit it controls",
          arguments: [6, 7])
    func dualSeizure(cic: Int) throws {
        let pair = try SS7Pair()
        #expect(pair.waitUntilReady(), "links aligned and GRS done")
        // Point code 2 (the far end) is the higher: it controls the even circuits.
        let farControls = cic.isMultiple(of: 2)
        let fromEngine = CallID.next()
        let fromFar = CallID.next()
        let barrier = SimultaneousSeizure()
        barrier.place(on: pair.engine, fromEngine, CallSetup(called: PartyNumber("1001"),
                                                             channel: ChannelSelection(channel: 100 + cic, exclusive: true)))
        barrier.place(on: pair.far, fromFar, CallSetup(called: PartyNumber("2002"),
                                                       channel: ChannelSelection(channel: 200 + cic, exclusive: true)))
        // The far end's call arrives at the engine, and the engine's at the far end: on the
        // seized circuit for the controlling end's call, on the backing-off end's lowest own
        // circuit (odd for the engine: 1; even for the far end: 2) for the other.
        let atEngine = try #require(pair.engineSide.wait { incoming($0) != nil }.flatMap(incoming), "\(pair.engineSide.all.suffix(6))")
        let atFar = try #require(pair.farSide.wait { incoming($0) != nil }.flatMap(incoming), "\(pair.farSide.all.suffix(6))")
        #expect(atEngine.2.called.digits == "2002" && atFar.2.called.digits == "1001")
        #expect(atEngine.1 == (farControls ? 100 + cic : 102), "engine offered on \(String(describing: atEngine.1))")
        #expect(atFar.1 == (farControls ? 201 : 200 + cic), "far end offered on \(String(describing: atFar.1))")
        let backingOff = farControls ? pair.engineSide : pair.farSide
        #expect(backingOff.all.contains { if case let .protocolError(text) = $0 { text.contains("dual seizure of CIC \(cic)") } else { false } })
        // Both calls complete normally and every circuit is free afterwards.
        try pair.on(pair.engine) { $0.answer(atEngine.0) }
        try pair.on(pair.far) { $0.answer(atFar.0) }
        #expect(pair.farSide.wait { $0 == .answered(fromFar) } != nil, "\(pair.farSide.all.suffix(4))")
        #expect(pair.engineSide.wait { $0 == .answered(fromEngine) } != nil, "\(pair.engineSide.all.suffix(4))")
        try pair.on(pair.engine) { $0.release(fromEngine, cause: .normalClearing) }
        try pair.on(pair.far) { $0.release(fromFar, cause: .normalClearing) }
        #expect(pair.engineSide.wait { $0 == .released(atEngine.0, cause: .normalClearing, by: .remote) } != nil)
        #expect(pair.farSide.wait { $0 == .released(atFar.0, cause: .normalClearing, by: .remote) } != nil)
        let deadline = Date().addingTimeInterval(5)
        while (pair.idle(pair.engine) < 30 || pair.idle(pair.far) < 30) && Date() < deadline { usleep(50_000) }
        #expect(pair.idle(pair.engine) == 30 && pair.idle(pair.far) == 30, "no circuit stuck")
    }

    @Test("outgoing calls take the lowest free circuit this end controls, then the highest the far end controls")
    func circuitSelection() throws {
        let pair = try SS7Pair(circuits: 4)
        #expect(pair.waitUntilReady(circuits: 4))
        var offered: [Int] = []
        var placed: [CallID] = []
        for _ in 0..<4 {
            let out = CallID.next()
            placed.append(out)
            try pair.on(pair.engine) { b throws(CallControlError) in try b.place(out, CallSetup(called: PartyNumber("1"))) }
            let got = try #require(pair.farSide.wait { i in
                if case let .incoming(_, channel, _) = i { return channel.map { !offered.contains($0) } ?? false }
                return false
            }.flatMap(incoming))
            offered.append(got.1 ?? 0)
        }
        // The engine (point code 1, the lower) controls the odd circuits: 1, 3, then 4, 2.
        #expect(offered == [201, 203, 204, 202], "\(offered)")
        for out in placed { try pair.on(pair.engine) { $0.release(out, cause: .normalClearing) } }
    }

    @Test("a circuit the engine blocks is not used by the far end for the next calls; group blocking covers a range")
    func blocking() throws {
        let pair = try SS7Pair(circuits: 4)
        #expect(pair.waitUntilReady(circuits: 4))
        try pair.on(pair.engine) { b throws(CallControlError) in try b.maintain(.block(channels: [101])) }
        #expect(pair.farSide.wait { $0 == .channelState(channel: 201, .blockedRemotely) } != nil, "BLO reaches the far end")
        var used: Set<Int> = []
        for _ in 0..<3 {
            let out = CallID.next()
            try pair.on(pair.far) { b throws(CallControlError) in try b.place(out, CallSetup(called: PartyNumber("1"))) }
            let (id, channel, _) = try #require(pair.engineSide.wait { i in
                if case let .incoming(cid, _, _) = i { return !used.contains(Int(cid.value)) }
                return false
            }.flatMap(incoming))
            used.insert(Int(id.value))
            #expect(channel != 101, "the blocked CIC is never offered")
            try pair.on(pair.engine) { $0.release(id, cause: .normalClearing) }
            #expect(pair.farSide.wait { if case .released(out, _, _) = $0 { true } else { false } } != nil)
        }
        try pair.on(pair.engine) { b throws(CallControlError) in try b.maintain(.block(channels: [102, 103, 104])) }
        #expect(pair.farSide.wait { $0 == .channelState(channel: 204, .blockedRemotely) } != nil, "CGB reaches the far end")
        #expect(throws: CallControlError.self) {
            try pair.on(pair.far) { b throws(CallControlError) in try b.place(CallID.next(), CallSetup(called: PartyNumber("1"))) }
        }
        try pair.on(pair.engine) { b throws(CallControlError) in try b.maintain(.unblock(channels: [101, 102, 103, 104])) }
        #expect(pair.farSide.wait { $0 == .channelState(channel: 201, .idle) } != nil, "UBL/CGU reach the far end")
    }
}
