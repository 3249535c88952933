import Control
import Foundation
import LabTestSupport
import Synchronization
import Testing

/// Random and mutated requests against a running `pstnd`, while a well-behaved client keeps
/// asking for its status.
@Suite("pstnd control socket under fuzzing", .lab)
struct ControlFuzzLabTests {
    /// Requests worth mutating: read-only commands and refusals (the fuzzer runs as root, who is
    /// admin, so nothing here may change the daemon's state for long).
    static let templates: [String] = [
        #"{"id":1,"cmd":"status"}"#, #"{"id":2,"cmd":"calls.list","args":{}}"#, #"{"id":3,"cmd":"channels","args":{"trunk":"e1"}}"#,
        #"{"id":4,"cmd":"cdr.query","args":{"from":"2026-01-01","limit":5,"number":"138","cause":16}}"#,
        #"{"id":5,"cmd":"calls.show","args":{"call":12}}"#, #"{"id":6,"cmd":"calls.hangup","args":{"call":987654,"cause":16}}"#,
        #"{"id":"s","cmd":"spans"}"#, #"{"id":7,"cmd":"channels.block","args":{"trunk":"nope","channels":"1-3"}}"#,
        #"{"id":8,"cmd":"span.maintenance","args":{"span":99,"mode":"warp"}}"#, #"{"id":9,"cmd":"metrics"}"#,
        #"{"id":10,"cmd":"events.subscribe","args":{"kinds":["link."]}}"#, #"{"id":11,"cmd":"help"}"#,
    ]

    static func mutate(_ template: String, _ g: inout some RandomNumberGenerator) -> [UInt8] {
        var bytes = Array(template.utf8)
        switch Int.random(in: 0..<6, using: &g) {
        case 0: // random bytes
            bytes = (0..<Int.random(in: 1...300, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
        case 1: // flip some bytes
            for _ in 0..<Int.random(in: 1...6, using: &g) { bytes[Int.random(in: 0..<bytes.count, using: &g)] = UInt8.random(in: 0...255, using: &g) }
        case 2: // cut short
            bytes = Array(bytes.prefix(Int.random(in: 1..<bytes.count, using: &g)))
        case 3: // splice two requests
            let other = Array(templates.randomElement(using: &g)!.utf8)
            bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &g))) + Array(other.suffix(Int.random(in: 1..<other.count, using: &g)))
        case 4: // wrong types and deep nesting in args
            let junk = [#"[]"#, #"null"#, #"-1e309"#, #""\u0000""#, String(repeating: "[", count: 200), #"{"a":{"b":{"c":[1,2,{}]}}}"#]
            bytes = Array(#"{"id":\#(Int.random(in: 0...99, using: &g)),"cmd":"calls.show","args":{"call":\#(junk.randomElement(using: &g)!)}}"#.utf8)
        default: // unknown fields and commands
            bytes = Array(#"{"id":1,"cmd":"\#(UUID().uuidString)","args":{},"extra":true}"#.utf8)
        }
        return bytes.filter { $0 != 0x0A && $0 != 0x0D }
    }

    @Test("10,000 random and mutated requests are each answered or dropped; a well-behaved client is served throughout")
    func fuzz() throws {
        let lab = try LabInstance(lab: ControlLabTests.lab)
        let engine = try EngineProcess(lab: lab, config: ControlLabTests.engine())
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let socket = engine.controlSocket
        let stop = Atomic<Bool>(false)
        let goodFailures = Mutex<[String]>([])
        let goodRequests = Atomic<Int>(0)
        let good = Thread {
            do {
                let client = try ControlClient(path: socket)
                while !stop.load(ordering: .relaxed) {
                    let status = try client.request("status", timeout: 10)
                    if status["version"] == nil { goodFailures.withLock { $0.append("status without a version: \(status)") } }
                    goodRequests.add(1, ordering: .relaxed)
                    usleep(20_000)
                }
            } catch {
                goodFailures.withLock { $0.append("\(error)") }
            }
        }
        good.start()

        var g = SystemRandomNumberGenerator()
        var answered = 0, dropped = 0, sent = 0
        var client = try ControlClient(path: socket)
        while sent < 10_000 {
            let line = Self.mutate(Self.templates.randomElement(using: &g)!, &g)
            sent += 1
            let blank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 } || line.isEmpty
            do {
                try client.send(line + [0x0A])
                if blank { continue }
                let response = try client.nextLine(until: Date().addingTimeInterval(10))
                if response["event"] != nil { continue }
                #expect(response["ok"] != nil, "every response says ok or not: \(response)")
                answered += 1
            } catch {
                // The daemon may hang up on a client; a new one goes on.
                dropped += 1
                client = try ControlClient(path: socket)
            }
            if sent % 1000 == 0 {
                // Some clients vanish half way through a line.
                let c = try ControlClient(path: socket)
                try c.send(Array(#"{"id":1,"cmd":"sta"#.utf8))
            }
        }
        stop.store(true, ordering: .relaxed)
        while good.isExecuting { usleep(10_000) }
        #expect(goodFailures.withLock { $0 }.isEmpty, "\(goodFailures.withLock { $0 })")
        #expect(goodRequests.load(ordering: .relaxed) > 10, "the well-behaved client kept getting answers")
        #expect(answered + dropped >= 9_000, "answered \(answered), dropped \(dropped) of \(sent)")
        #expect(engine.process.isRunning, "the daemon survived: \(engine.log)")
        #expect(try ControlClient(path: socket).request("status")["version"] != nil)
    }
}
