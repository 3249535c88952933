@testable import CallControl
import Foundation
@testable import Storage
import Testing

@Suite("Recovering the store after a crash")
struct CrashRecoveryTests {
    @Test("kill -9 of a process with 20 calls up: the next open closes 20 CDRs as interrupted, store intact")
    func killedWriter() async throws {
        let dir = ScratchDirectory()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: try Self.helper())
        child.arguments = [dir.storePath, "20"]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }

        let line = try Self.readLine(output.fileHandleForReading)
        #expect(line.hasPrefix("ready"), "the writer said \(line.debugDescription) instead of ready")
        // While it holds the store, no one else may open it.
        do {
            let store = try CallStore.open(at: dir.storePath)
            try? store.close()
            Issue.record("opened a store another process holds")
        } catch {
            #expect(error.reason.contains("pid \(child.processIdentifier)"))
        }

        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL)

        let store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        #expect(store.recovery == RecoveryReport(interruptedCalls: 20, interruptedLegs: 20))
        #expect(try store.integrityCheck() == ["ok"])
        let calls = try store.calls(matching: CDRQuery())
        #expect(calls.count == 20)
        #expect(calls.allSatisfy { $0.fields.state == .interrupted })
        #expect(calls.allSatisfy { $0.fields.cause == .temporaryFailure && $0.fields.releasedBy == .system })
        #expect(calls.allSatisfy { ($0.fields.releasedAt ?? WallTime(secondsSince1970: 0)) >= $0.fields.offeredAt })
        // Nothing else lost: numbers, channels and the answers written before the kill are all there.
        #expect(Set(calls.compactMap(\.fields.calling)) == Set((0..<20).map { "55510\($0)" }))
        #expect(Set(calls.compactMap(\.fields.channel)) == Set(1...20))
        #expect(calls.filter { $0.fields.answeredAt != nil }.count == 10)
        for call in calls {
            #expect(try store.legs(ofCall: call.id).map(\.fields.state) == [.interrupted])
            #expect(try store.events(ofCall: call.id).last?.kind == "interrupted")
        }
        #expect(store.runID > (calls.first?.runID ?? .max))

        // A second restart finds nothing more to recover.
        try store.close()
        let again = try CallStore.open(at: dir.storePath)
        #expect(again.recovery == RecoveryReport())
        try again.close()
    }

    @Test("recovery keeps what was written: a released leg's cause and a call's last event time")
    func partialCallsRecovered() async throws {
        let dir = ScratchDirectory()
        let inbound = Legs.inbound(at: 1_000)
        let out = Legs.outbound(called: "0401111", at: 1_001)
        let quiet = Legs.inbound(calling: "777", at: 1_100)
        let first = try await CallStore.recording(at: dir.storePath) { recorder in
            recorder.record(.offered(inbound))
            recorder.record(.placed(out, for: inbound.id))
            recorder.record(.released(Legs.released(inbound, cause: .noAnswer, by: .remote, at: 1_050)))
            recorder.record(.offered(quiet))
        }
        // Not closed: the lock is dropped as a dead process's would be, the database left as it was.
        try first.pool.close()
        first.lock.release()

        let store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        #expect(store.recovery == RecoveryReport(interruptedCalls: 2, interruptedLegs: 2))
        let call = try #require(try store.calls(matching: CDRQuery(numberPrefix: "5551234")).first)
        #expect(call.fields.state == .interrupted)
        #expect(call.fields.cause == .noAnswer && call.fields.releasedBy == .remote)
        let legs = try store.legs(ofCall: call.id)
        #expect(legs.map(\.fields.state) == [.closed, .interrupted])
        #expect(legs[1].fields.cause == .temporaryFailure && legs[1].fields.releasedBy == .system)
        #expect(call.fields.releasedAt?.secondsSince1970 == 1_050)
        // The placed leg's last known moment was its placement.
        #expect(legs[1].fields.releasedAt?.secondsSince1970 == 1_001)

        let lone = try #require(try store.calls(matching: CDRQuery(numberPrefix: "777")).first)
        #expect(lone.fields.releasedAt?.secondsSince1970 == 1_100)
        #expect(try store.integrityCheck() == ["ok"])
    }

    private static func helper() throws -> String {
        let name = "pstn-store-crashtest"
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        for dir in candidates {
            let path = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw HelperMissing(description: "\(name) is not built (looked in \(candidates.map(\.path))); run `swift build` first")
    }

    private struct HelperMissing: Error, CustomStringConvertible { let description: String }

    /// The first line the child prints, waiting at most a generous minute for it.
    private static func readLine(_ handle: FileHandle) throws -> String {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            var poller = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 1000) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(handle.fileDescriptor, &byte, 1) == 1 else { break }
            if byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
