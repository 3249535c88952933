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
