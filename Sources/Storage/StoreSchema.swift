import GRDB

/// The store's tables, built by migrations in order; a store written by an older build is brought
/// up to date when it is opened, and one from a newer build is refused.
enum StoreSchema {
    /// The columns a call's CDR row and a leg's row share.
    static let cdrColumns = """
        direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        trunk_group TEXT NOT NULL,
        backend TEXT NOT NULL,
        channel INTEGER,
        calling TEXT,
        calling_type INTEGER,
        calling_presentation INTEGER,
        calling_name TEXT,
        called TEXT NOT NULL,
        called_type INTEGER NOT NULL,
        redirecting TEXT,
        redirecting_reason INTEGER,
        offered_at REAL NOT NULL,
        answered_at REAL,
        released_at REAL,
        cause INTEGER,
        released_by TEXT,
        destination TEXT,
        application TEXT,
        recording_id TEXT,
        state TEXT NOT NULL CHECK (state IN ('open', 'closed', 'interrupted'))
        """

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, calls, legs, call events") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    started_at REAL NOT NULL,
                    pid INTEGER NOT NULL
                );
                CREATE TABLE calls (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    call_ref INTEGER NOT NULL,
                    \(cdrColumns)
                );
                CREATE INDEX calls_offered_at ON calls(offered_at);
                CREATE INDEX calls_calling ON calls(calling);
                CREATE INDEX calls_called ON calls(called);
                CREATE INDEX calls_cause ON calls(cause);
                CREATE INDEX calls_open ON calls(state) WHERE state = 'open';
                CREATE TABLE legs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    call_id INTEGER NOT NULL REFERENCES calls(id),
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    leg_ref INTEGER NOT NULL,
                    \(cdrColumns)
                );
                CREATE INDEX legs_call ON legs(call_id);
                CREATE INDEX legs_open ON legs(state) WHERE state = 'open';
                CREATE TABLE call_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    call_id INTEGER NOT NULL REFERENCES calls(id),
                    leg_ref INTEGER NOT NULL,
                    at REAL NOT NULL,
                    kind TEXT NOT NULL,
                    detail TEXT NOT NULL CHECK (json_valid(detail))
                );
                CREATE INDEX call_events_call ON call_events(call_id, at);
                """)
        }
        return migrator
    }
}
