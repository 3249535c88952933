@testable import CallControl
@testable import Storage
import Testing

@Suite("Looking up CDRs")
struct CDRQueryTests {
    /// Five calls: offered at 100, 200, 300, 400, 500 with these numbers and causes.
    private func filledStore(_ dir: ScratchDirectory) async throws -> CallStore {
        let calls: [(String?, String, Q850Cause)] = [
            ("0301111", "2000", .normalClearing), ("0302222", "2001", .userBusy), (nil, "0309999", .noAnswer),
            ("0401111", "2000", .normalClearing), ("%_1", "2002", .userBusy),
        ]
        return try await CallStore.recording(at: dir.storePath) { recorder in
            for (n, (calling, called, cause)) in calls.enumerated() {
                let leg = Legs.inbound(calling: calling, called: called, at: Double(n + 1) * 100)
                recorder.record(.offered(leg))
                recorder.record(.released(Legs.released(leg, cause: cause, at: Double(n + 1) * 100 + 10)))
            }
        }
    }

    @Test("by time range, newest first")
    func byTime() async throws {
        let dir = ScratchDirectory()
        let store = try await filledStore(dir)
        defer { try? store.close() }
        let found = try store.calls(matching: CDRQuery(offeredFrom: WallTime(secondsSince1970: 200),
                                                       offeredBefore: WallTime(secondsSince1970: 400)))
        #expect(found.map(\.fields.offeredAt.secondsSince1970) == [300, 200])
    }

    @Test("by number prefix, calling or called, with % and _ taken literally")
    func byNumber() async throws {
        let dir = ScratchDirectory()
        let store = try await filledStore(dir)
        defer { try? store.close() }
        let thirty = try store.calls(matching: CDRQuery(numberPrefix: "030"))
        #expect(thirty.map(\.fields.offeredAt.secondsSince1970) == [300, 200, 100])
        #expect(try store.calls(matching: CDRQuery(numberPrefix: "2000")).count == 2)
        #expect(try store.calls(matching: CDRQuery(numberPrefix: "%")).map(\.fields.calling) == ["%_1"])
        #expect(try store.calls(matching: CDRQuery(numberPrefix: "_")).isEmpty)
        #expect(try store.calls(matching: CDRQuery(numberPrefix: "' OR 1=1 --")).isEmpty)
    }

    @Test("by cause and state, with a limit")
    func byCause() async throws {
        let dir = ScratchDirectory()
        let store = try await filledStore(dir)
        defer { try? store.close() }
        let busy = try store.calls(matching: CDRQuery(cause: .userBusy))
        #expect(busy.map(\.fields.offeredAt.secondsSince1970) == [500, 200])
        #expect(try store.calls(matching: CDRQuery(cause: .userBusy, limit: 1)).count == 1)
        #expect(try store.calls(matching: CDRQuery(state: .closed)).count == 5)
        #expect(try store.calls(matching: CDRQuery(state: .interrupted)).isEmpty)
        #expect(try store.calls(matching: CDRQuery(limit: -3)).isEmpty)
    }

    @Test("a row holding a value the model has no meaning for is an error naming the column, not a crash")
    func unreadableRow() async throws {
        let dir = ScratchDirectory()
        let store = try await filledStore(dir)
        defer { try? store.close() }
        try await store.pool.write { db in try db.execute(sql: "UPDATE calls SET cause = 500 WHERE offered_at = 100") }
        do {
            _ = try store.calls(matching: CDRQuery())
            Issue.record("a cause of 500 was read as a cause")
        } catch {
            #expect(error.operation == "look up CDRs")
            #expect(error.reason.contains("column cause holds 500"))
        }
        try await store.pool.write { db in try db.execute(sql: "UPDATE calls SET channel = 'x' WHERE offered_at = 200") }
        #expect(throws: StorageError.self) { try store.call(id: 2) }
    }
}
