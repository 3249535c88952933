import CallControl
import Foundation
import Glibc
import Testing

@Suite("SS7 bad input", .serialized)
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
}
