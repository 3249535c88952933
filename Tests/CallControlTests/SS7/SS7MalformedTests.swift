import CallControl
import Foundation
import Glibc
import LabTestSupport
import Testing

@Suite("SS7 bad input", .serialized, .lab)
struct SS7MalformedTests {
    @Test("an IAM on a CIC the engine does not have is answered with UCIC and the caller's call ends with cause 44")
    func unknownCIC() throws {
        let pair = try SS7Pair(circuits: 4, extraFarCircuit: true)
        // The far end's extra CIC 5 is never reset by the engine, so it stays resetting there;
        // wait for the four shared circuits.
        let deadline = Date().addingTimeInterval(20)
        while pair.idle(pair.engine) < 4 && Date() < deadline { usleep(50_000) }
        #expect(pair.idle(pair.engine) == 4)
        let out = CallID.next()
        let exclusive = CallSetup(called: PartyNumber("1"), channel: ChannelSelection(channel: 300, exclusive: true))
        // CIC 5 is only idle on the far side once its own GRS is answered; try until it is.
        var placed = false
        while !placed && Date() < deadline {
            do {
                try pair.on(pair.far) { b throws(CallControlError) in try b.place(out, exclusive) }
                placed = true
            } catch { usleep(100_000) }
        }
        #expect(placed)
        #expect(pair.engineSide.wait { if case .protocolError(let t) = $0 { t.contains("unknown CIC 5") } else { false } } != nil,
                "\(pair.engineSide.all.suffix(4))")
        #expect(pair.farSide.wait { $0 == .released(out, cause: .requestedCircuitNotAvailable, by: .remote) } != nil,
                "\(pair.farSide.all.suffix(4))")
    }

    @Test("random and mutated frames from the far end are dropped or answered, never crash libss7; calls work afterwards")
    func garbage() throws {
        let pair = try SS7Pair(circuits: 4)
        #expect(pair.waitUntilReady(circuits: 4))
        var generator = SystemRandomNumberGenerator()
        let templates: [[UInt8]] = [
            SS7Frames.iam(optional: [0x0a, 5, 0x03, 0x13, 0x21, 0x43, 0x05]), SS7Frames.rel(),
            SS7Frames.mtp2(SS7Frames.label(si: 5) + [1, 0, 0x18, 0, 1, 2, 3, 0x0f]),
            SS7Frames.mtp2(SS7Frames.label(si: 5) + [1, 0, 0x17, 1, 1, 3]),
            SS7Frames.mtp2(SS7Frames.label(si: 0) + [0x11, 5]),
            SS7Frames.mtp2(SS7Frames.label(si: 1) + [0x21, 0x40, 1, 2, 3, 4]),
        ]
        for i in 0..<6000 {
            var frame: [UInt8]
            if i % 2 == 0 {
                frame = (0..<Int.random(in: 0...80, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) } + [0, 0]
            } else {
                frame = templates[i / 2 % templates.count]
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    frame[Int.random(in: 0..<frame.count - 2, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                if Bool.random(using: &generator) { frame.removeLast(Int.random(in: 0...min(6, frame.count - 2), using: &generator)) }
            }
            // Every frame reaches the engine: wait for room rather than lose it.
            var tries = 0
            while frame.withUnsafeBytes({ write(pair.fds[0][1], $0.baseAddress, $0.count) }) < 0, errno == EAGAIN, tries < 2000 {
                usleep(500)
                tries += 1
            }
        }
        #expect(pair.engineSide.wait(10) { if case .protocolError(let t) = $0 { t.contains("dropped") } else { false } } != nil,
                "the drops are reported")
        let out = CallID.next()
        var placed = false
        let deadline = Date().addingTimeInterval(40)
        while Date() < deadline {
            if pair.idle(pair.far) == 4, pair.idle(pair.engine) == 4 {
                do {
                    try pair.on(pair.far) { b throws(CallControlError) in try b.place(out, CallSetup(called: PartyNumber("2"))) }
                    placed = true
                    break
                } catch {}
            }
            usleep(100_000)
        }
        #expect(placed, "the linkset came back: \(pair.engineSide.all.filter { if case .link = $0 { true } else { false } })")
        #expect(pair.engineSide.wait(20) { if case let .incoming(_, _, s) = $0 { s.called.digits == "2" } else { false } } != nil)
    }
}
