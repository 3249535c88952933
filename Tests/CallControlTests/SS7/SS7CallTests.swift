import CallControl
import Foundation
import LabTestSupport
import Testing

@Suite("SS7 linksets over socketpairs", .serialized, .lab)
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

    @Test("dual seizure (Q.764 2.9.1.4): the end that controls the circuit keeps it; the other takes that call and sends its own again on a circuit it controls, or ends it when it asked for that circuit alone",
          arguments: [(6, false), (7, false), (6, true), (7, true)])
    func dualSeizure(cic: Int, exclusive: Bool) throws {
        let pair = try SS7Pair()
        #expect(pair.waitUntilReady(), "links aligned and GRS done")
        // Point code 2 (the far end) is the higher: it controls the even circuits.
        let farControls = cic.isMultiple(of: 2)
        let fromEngine = CallID.next()
        let fromFar = CallID.next()
        let barrier = SimultaneousSeizure()
        barrier.place(on: pair.engine, fromEngine, CallSetup(calling: PartyNumber("1111"), called: PartyNumber("1001"),
                                                             channel: ChannelSelection(channel: 100 + cic, exclusive: exclusive)))
        barrier.place(on: pair.far, fromFar, CallSetup(called: PartyNumber("2002"),
                                                       channel: ChannelSelection(channel: 200 + cic, exclusive: exclusive)))
        let (winner, winnerSide, loser, loserSide) = farControls
            ? (fromFar, pair.farSide, fromEngine, pair.engineSide) : (fromEngine, pair.engineSide, fromFar, pair.farSide)
        // The controlling end's call arrives on the seized circuit, with its own numbers only.
        let taken = try #require(loserSide.wait { incoming($0) != nil }.flatMap(incoming), "\(loserSide.all.suffix(6))")
        #expect(taken.1 == (farControls ? 100 : 200) + cic, "offered on \(String(describing: taken.1))")
        #expect(taken.2.called.digits == (farControls ? "2002" : "1001"))
        #expect(taken.2.calling?.digits == (farControls ? nil : "1111"), "not our own calling number: \(String(describing: taken.2.calling))")
        #expect(loserSide.all.contains { if case let .protocolError(text) = $0 { text.contains("dual seizure of CIC \(cic)") } else { false } })
        if exclusive {
            // Asked for that circuit alone: the backing-off end's call ends, as glare does on PRI.
            #expect(loserSide.wait { $0 == .released(loser, cause: .requestedCircuitNotAvailable, by: .remote) } != nil,
                    "\(loserSide.all.suffix(6))")
            usleep(300_000)
            #expect(!winnerSide.all.contains { incoming($0) != nil }, "the lost call never reaches the controlling end")
        } else {
            // Sent again on the backing-off end's lowest own circuit: odd for the engine (1), even for the far end (2).
            let repeated = try #require(winnerSide.wait { incoming($0) != nil }.flatMap(incoming), "\(winnerSide.all.suffix(6))")
            #expect(repeated.1 == (farControls ? 201 : 102), "repeated on \(String(describing: repeated.1))")
            #expect(loserSide.all.contains { $0 == .proceeding(loser, channel: farControls ? 101 : 202) },
                    "call control learns the new circuit: \(loserSide.all.suffix(8))")
            try pair.on(farControls ? pair.far : pair.engine) { $0.answer(repeated.0) }
            #expect(loserSide.wait { $0 == .answered(loser) } != nil)
            try pair.on(farControls ? pair.engine : pair.far) { $0.release(loser, cause: .normalClearing) }
        }
        try pair.on(farControls ? pair.engine : pair.far) { $0.answer(taken.0) }
        #expect(winnerSide.wait { $0 == .answered(winner) } != nil, "\(winnerSide.all.suffix(4))")
        try pair.on(farControls ? pair.far : pair.engine) { $0.release(winner, cause: .normalClearing) }
        #expect(loserSide.wait { $0 == .released(taken.0, cause: .normalClearing, by: .remote) } != nil)
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
