import CallControl
import GRDB

/// What the control socket asks the store: CDRs by time, number and cause; one call's legs and
/// event log.
extension CallStore {
    /// CDRs matching `query`, newest first.
    public func calls(matching query: CDRQuery) throws(StorageError) -> [CallRecord] {
        let (condition, arguments) = query.condition
        let limit = max(0, query.limit)
        return try read("look up CDRs") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM calls WHERE \(condition) ORDER BY offered_at DESC, id DESC LIMIT \(limit)",
                             arguments: arguments).map(CallRecord.init(row:))
        }
    }

    /// One CDR by its row id.
    public func call(id: Int64) throws(StorageError) -> CallRecord? {
        try read("look up call \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM calls WHERE id = ?", arguments: [id]).map(CallRecord.init(row:))
        }
    }

    /// The CDR of a call of this run, by the `CallID` of its first leg.
    public func call(ref: CallID) throws(StorageError) -> CallRecord? {
        try read("look up \(ref)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM calls WHERE run_id = ? AND call_ref = ?",
                             arguments: [runID, Int64(bitPattern: ref.value)]).map(CallRecord.init(row:))
        }
    }

    /// A call's legs, in the order they were offered or placed.
    public func legs(ofCall id: Int64) throws(StorageError) -> [LegRecord] {
        try read("look up the legs of call \(id)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM legs WHERE call_id = ? ORDER BY id", arguments: [id])
                .map(LegRecord.init(row:))
        }
    }

    /// A call's event log, in the order the events were recorded.
    public func events(ofCall id: Int64) throws(StorageError) -> [CallEventRecord] {
        try read("look up the events of call \(id)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM call_events WHERE call_id = ? ORDER BY id", arguments: [id])
                .map(CallEventRecord.init(row:))
        }
    }
}
