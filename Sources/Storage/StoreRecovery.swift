import CallControl
import GRDB

/// What opening a store found left over from a run that did not stop cleanly.
public struct RecoveryReport: Sendable, Equatable {
    /// Calls whose rows were still open, now closed as `interrupted`.
    public var interruptedCalls: Int
    /// Legs whose rows were still open, now closed as `interrupted`.
    public var interruptedLegs: Int

    public init(interruptedCalls: Int = 0, interruptedLegs: Int = 0) {
        self.interruptedCalls = interruptedCalls
        self.interruptedLegs = interruptedLegs
    }
}

/// Closes the rows a crash, kill or power loss left open. Such a call ended at some moment after
/// the last thing the store knows of it, so its release time is that last known time (offer,
/// answer, last event, last leg release), its cause 41 (temporary failure), released by `system`,
/// and its state `interrupted`; a cause or time already written (a leg released before the crash)
/// is kept. Each interrupted call gets an `interrupted` entry in its event log.
enum StoreRecovery {
    static let cause = Q850Cause.temporaryFailure

    static func closeOpenRows(_ db: Database, now: WallTime) throws -> RecoveryReport {
        var report = RecoveryReport()
        try db.execute(sql: """
            UPDATE legs SET
                state = 'interrupted',
                cause = COALESCE(cause, ?),
                released_by = COALESCE(released_by, 'system'),
                released_at = COALESCE(released_at, MAX(offered_at, COALESCE(answered_at, offered_at),
                    COALESCE((SELECT MAX(at) FROM call_events e
                              WHERE e.call_id = legs.call_id AND e.leg_ref = legs.leg_ref), offered_at)))
            WHERE state = 'open'
            """, arguments: [cause.rawValue])
        report.interruptedLegs = db.changesCount

        let open = try Row.fetchAll(db, sql: """
            SELECT id, call_ref, COALESCE(released_at, MAX(offered_at, COALESCE(answered_at, offered_at),
                COALESCE((SELECT MAX(at) FROM call_events e WHERE e.call_id = calls.id), offered_at),
                COALESCE((SELECT MAX(released_at) FROM legs l WHERE l.call_id = calls.id), offered_at))) AS ended
            FROM calls WHERE state = 'open'
            """)
        for row in open {
            let id = try row.decode(Int64.self, forColumn: "id")
            let ended = try row.decode(Double.self, forColumn: "ended")
            try db.execute(sql: """
                INSERT INTO call_events (call_id, leg_ref, at, kind, detail)
                VALUES (?, ?, ?, 'interrupted', json_object('cause', ?, 'recoveredAt', ?))
                """, arguments: [id, try row.decode(Int64.self, forColumn: "call_ref"), ended, cause.rawValue,
                                 now.secondsSince1970])
            try db.execute(sql: """
                UPDATE calls SET state = 'interrupted', cause = COALESCE(cause, ?),
                    released_by = COALESCE(released_by, 'system'), released_at = ?
                WHERE id = ?
                """, arguments: [cause.rawValue, ended, id])
        }
        report.interruptedCalls = open.count
        return report
    }
}
