@testable import CallControl
import Testing

@Suite("FSK caller ID through spandsp, no line")
struct FSKModemTests {
    /// Run `transmitter` into `receiver` in 160-sample chunks; the messages received.
    func carry(_ transmitter: FSKCallerIDTransmitter, to receiver: FSKCallerIDReceiver) -> [[UInt8]] {
        var chunk = [Int16](repeating: 0, count: 160)
        var messages: [[UInt8]] = []
        for _ in 0..<200 {
            let n = chunk.withUnsafeMutableBufferPointer { transmitter.render(into: $0) }
            if n < chunk.count { for i in n..<chunk.count { chunk[i] = 0 } }
            chunk.withUnsafeBufferPointer { receiver.process($0) }
            while let m = receiver.nextMessage() { messages.append(m) }
        }
        return messages
    }

    @Test("Bell 202 and V.23 carry number and name", arguments: [CallerIDSignalling.bell202, .v23])
    func roundTrip(signalling: CallerIDSignalling) throws {
        let sent = CallerID(number: "861087654321", name: "ZHANG SAN")
        let tx = try #require(FSKCallerIDTransmitter(sent, signalling: signalling))
        let rx = try #require(FSKCallerIDReceiver(signalling: signalling))
        let messages = carry(tx, to: rx)
        #expect(messages.count == 1)
        #expect(try FSKCallerIDMessage.parse(try #require(messages.first)) == sent)
    }

    @Test("noise and a burst cut off half way give no message", arguments: [CallerIDSignalling.bell202, .v23])
    func garbage(signalling: CallerIDSignalling) throws {
        let rx = try #require(FSKCallerIDReceiver(signalling: signalling))
        var state: UInt32 = 12345
        var noise = [Int16](repeating: 0, count: 160)
        for _ in 0..<100 {
            for i in noise.indices {
                state = state &* 1_103_515_245 &+ 12345
                noise[i] = Int16(truncatingIfNeeded: Int32(state >> 16) - 32768) / 4
            }
            noise.withUnsafeBufferPointer { rx.process($0) }
        }
        #expect(rx.nextMessage() == nil)

        let tx = try #require(FSKCallerIDTransmitter(CallerID(number: "5551234567", name: "CUT OFF"), signalling: signalling))
        var chunk = [Int16](repeating: 0, count: 160)
        // Seizure and mark take about 250 ms; stop 150 ms into the message.
        for _ in 0..<25 {
            _ = chunk.withUnsafeMutableBufferPointer { tx.render(into: $0) }
            chunk.withUnsafeBufferPointer { rx.process($0) }
        }
        let silence = [Int16](repeating: 0, count: 160)
        for _ in 0..<50 { silence.withUnsafeBufferPointer { rx.process($0) } }
        #expect(rx.nextMessage() == nil)
    }

    @Test("no FSK kind, no modem")
    func notFSK() {
        #expect(FSKCallerIDReceiver(signalling: .dtmf) == nil)
        #expect(FSKCallerIDTransmitter(CallerID(number: "1"), signalling: .none) == nil)
    }
}
