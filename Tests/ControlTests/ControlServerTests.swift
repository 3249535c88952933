@testable import Control
import Foundation
import Glibc
import Testing

/// A handler with a few commands, for exercising the server without a daemon.
struct TestHandler: ControlHandler {
    let commands: [String: ControlCommand] = [
        "echo": ControlCommand(.operator, "the arguments back"),
        "fail": ControlCommand(.operator, "always fails"),
        "admin.only": ControlCommand(.admin, "needs admin"),
    ]

    func handle(_ request: ControlRequest, from client: ControlPeer) async -> Result<JSONValue, ControlFailure> {
        switch request.command {
        case "echo": return .success(.object(request.arguments))
        case "admin.only": return .success(.string("done"))
        default: return .failure(ControlFailure(id: .null, code: .failed, message: "it failed, as asked"))
        }
    }
}

@Suite("Control socket server", .serialized)
struct ControlServerTests {
    func temporarySocket() -> String {
        NSTemporaryDirectory() + "pstn-control-\(UUID().uuidString.prefix(8)).sock"
    }

    func started(_ path: String, maxQueued: Int = 4 * 1024 * 1024, maxLine: Int = 1024) async throws -> ControlServer {
        let server = ControlServer(ControlServerConfiguration(path: path, maxLineBytes: maxLine, maxQueuedBytes: maxQueued),
                                   handler: TestHandler())
        try await server.start()
        return server
    }

    /// Run a client's blocking socket calls on a thread of their own: blocking a thread of the
    /// test's (cooperative) pool can starve the server's tasks on a two-core machine, and the
    /// client then times out. Expectations stay in the test's task, on what this returns.
    func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { done in
            Thread { done.resume(with: Result { try body() }) }.start()
        }
    }

    @Test("every request line gets one response with its id; bad lines get their own error codes and the connection goes on")
    func requestsAndErrors() async throws {
        let path = temporarySocket()
        let server = try await started(path)
        let lines = [("not json", "invalid_json"), ("[1,2]", "invalid_request"), (#"{"id":5}"#, "invalid_request"),
                     (#"{"id":6,"cmd":"nope"}"#, "unknown_command"), (#"{"id":7,"cmd":"echo","args":3}"#, "invalid_arguments"),
                     (#"{"id":8,"cmd":"fail"}"#, "failed"), (#"{"id":{"x":1},"cmd":"echo"}"#, "invalid_request"),
                     (String(repeating: "x", count: 5000), "line_too_long")]
        let (echo, responses, last, whoami) = try await offPool {
            let client = try ControlClient(path: path)
            let echo = try client.request("echo", ["a": .number(1)])
            let deadline = Date().addingTimeInterval(10)
            var responses: [JSONValue] = []
            for (line, _) in lines {
                try client.send(Array((line + "\n").utf8))
                responses.append(try client.nextLine(until: deadline))
            }
            try client.send(Array(#"{"id":"x","cmd":"echo","args":{"b":true}}"#.utf8) + [0x0A])
            let last = try client.nextLine(until: deadline)
            return (echo, responses, last, try client.request("whoami"))
        }
        #expect(echo == .object(["a": .number(1)]))
        for ((line, code), response) in zip(lines, responses) {
            #expect(response["ok"] == .bool(false), "\(line)")
            #expect(response["error"]?["code"]?.stringValue == code, "\(line): \(response)")
        }
        #expect(last["id"] == .string("x") && last["ok"] == .bool(true))
        #expect(whoami["role"] == .string("admin"), "root is always admin")
        await server.stop()
    }

    @Test("events reach only the subscriptions whose filters take them")
    func subscriptions() async throws {
        let path = temporarySocket()
        let server = try await started(path)
        let (refused, first, more, all) = try await offPool {
            let calls = try ControlClient(path: path)
            _ = try calls.request("events.subscribe", ["kinds": .array([.string("call.")]), "spans": .string("e1")])
            let everything = try ControlClient(path: path)
            _ = try everything.request("events.subscribe")
            let bad = try ControlClient(path: path)
            let refused = (try? bad.request("events.subscribe", ["colour": .string("red")])) == nil
            server.publish(ControlEvent(kind: "link.down", span: "e1", body: .object(["n": .number(1)])))
            server.publish(ControlEvent(kind: "call.offered", span: "t1", body: .object(["n": .number(2)])))
            server.publish(ControlEvent(kind: "call.offered", span: "e1", body: .object(["n": .number(3)])))
            let first = try calls.nextEvent(timeout: 5)
            let more = try calls.nextEvent(timeout: 0.5)
            let all = try (0..<3).compactMap { _ in try everything.nextEvent(timeout: 5)?["n"] }
            return (refused, first, more, all)
        }
        #expect(refused, "a subscription with an unknown filter is refused")
        #expect(first?["n"] == .number(3) && first?["kind"] == .string("call.offered"))
        #expect(more == nil)
        #expect(all == [.number(1), .number(2), .number(3)])
        await server.stop()
    }

    @Test("a subscriber that never reads is cut off; other clients keep being served")
    func slowReader() async throws {
        let path = temporarySocket()
        let server = try await started(path, maxQueued: 64 * 1024)
        let (echoes, remaining, still) = try await offPool {
            let sleeper = try ControlClient(path: path)
            _ = try sleeper.request("events.subscribe")
            let worker = try ControlClient(path: path)
            let big = JSONValue.object(["payload": .string(String(repeating: "y", count: 2000))])
            var echoes: [JSONValue?] = []
            for i in 0..<3000 {
                server.publish(ControlEvent(kind: "call.dtmf", body: big))
                if i % 500 == 0 { echoes.append(try worker.request("echo", ["i": .number(Double(i))])["i"]) }
            }
            let deadline = Date().addingTimeInterval(10)
            while server.clientCount > 1, Date() < deadline { usleep(50_000) }
            let remaining = server.clientCount
            let still = try worker.request("echo", ["still": .bool(true)])["still"]
            withExtendedLifetime(sleeper) {}
            return (echoes, remaining, still)
        }
        #expect(echoes == stride(from: 0, to: 3000, by: 500).map { JSONValue.number(Double($0)) })
        #expect(remaining == 1, "the sleeper was dropped")
        #expect(still == .bool(true))
        await server.stop()
    }

    @Test("a stale socket file is replaced; a second server on a live socket is refused")
    func singleServer() async throws {
        let path = temporarySocket()
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = try #require(UnixSocketAddress(path: path))
        #expect(address.bind(fd) == 0)
        close(fd)
        #expect(FileManager.default.fileExists(atPath: path), "a socket file nobody listens on")
        let server = try await started(path)
        #expect(try await offPool { try ControlClient(path: path).request("echo") } == .object([:]))
        let second = ControlServer(ControlServerConfiguration(path: path), handler: TestHandler())
        await #expect(throws: ControlServerError.self) { try await second.start() }
        #expect(try await offPool { try ControlClient(path: path).request("echo") } == .object([:]), "the first still serves")
        await server.stop()
        #expect(!FileManager.default.fileExists(atPath: path), "stop removes the socket")
    }

    @Test("clients that disconnect in the middle of a line or of a response leave the server serving")
    func abruptClients() async throws {
        let path = temporarySocket()
        let server = try await started(path)
        let answer = try await offPool {
            for i in 0..<50 {
                let c = try ControlClient(path: path)
                try c.send(Array(#"{"id":1,"cmd":"ec"#.utf8))
                if i % 2 == 0 { try c.send(Array(#"ho"}"#.utf8) + [0x0A]) }
            }
            return try ControlClient(path: path).request("echo", ["ok": .bool(true)])
        }
        #expect(answer["ok"] == .bool(true))
        await server.stop()
    }
}
