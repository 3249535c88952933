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
        migrator.registerMigration("v2: blocked numbers, IVR steps, recordings and voicemail") { db in
            try db.execute(sql: """
                CREATE TABLE blocked_numbers (
                    number TEXT PRIMARY KEY,
                    action TEXT NOT NULL CHECK (action IN ('reject', 'message')),
                    note TEXT,
                    added_at REAL NOT NULL
                );
                CREATE TABLE ivr_steps (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    call_id INTEGER REFERENCES calls(id),
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    call_ref INTEGER NOT NULL,
                    flow TEXT NOT NULL,
                    node TEXT NOT NULL,
                    input TEXT,
                    at REAL NOT NULL
                );
                CREATE INDEX ivr_steps_flow ON ivr_steps(flow, at);
                CREATE INDEX ivr_steps_call ON ivr_steps(call_id);
                CREATE TABLE recordings (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    call_id INTEGER REFERENCES calls(id),
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    call_ref INTEGER NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('call', 'voicemail', 'message')),
                    box TEXT,
                    path TEXT NOT NULL UNIQUE,
                    format TEXT NOT NULL,
                    layout TEXT NOT NULL,
                    reason TEXT,
                    calling TEXT,
                    called TEXT,
                    started_at REAL NOT NULL,
                    ended_at REAL,
                    frames INTEGER,
                    state TEXT NOT NULL CHECK (state IN ('recording', 'closed', 'repaired', 'damaged')),
                    error TEXT,
                    heard INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX recordings_started ON recordings(started_at);
                CREATE INDEX recordings_box ON recordings(box) WHERE box IS NOT NULL;
                CREATE INDEX recordings_open ON recordings(state) WHERE state = 'recording';
                """)
        }
        migrator.registerMigration("v3: queue log, agent state log and surveys") { db in
            try db.execute(sql: """
                CREATE TABLE queue_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    call_id INTEGER REFERENCES calls(id),
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    call_ref INTEGER NOT NULL,
                    queue TEXT NOT NULL,
                    event TEXT NOT NULL,
                    agent TEXT,
                    position INTEGER,
                    wait_s REAL,
                    detail TEXT,
                    at REAL NOT NULL
                );
                CREATE INDEX queue_log_queue ON queue_log(queue, at);
                CREATE INDEX queue_log_agent ON queue_log(agent, at) WHERE agent IS NOT NULL;
                CREATE TABLE agent_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    agent TEXT NOT NULL,
                    agent_group TEXT NOT NULL,
                    from_state TEXT NOT NULL,
                    to_state TEXT NOT NULL,
                    reason TEXT,
                    station TEXT,
                    at REAL NOT NULL
                );
                CREATE INDEX agent_log_agent ON agent_log(agent, at);
                CREATE TABLE surveys (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    call_id INTEGER REFERENCES calls(id),
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    call_ref INTEGER NOT NULL,
                    flow TEXT NOT NULL,
                    queue TEXT,
                    agent TEXT,
                    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
                    at REAL NOT NULL
                );
                CREATE INDEX surveys_agent ON surveys(agent, at);
                """)
        }
        migrator.registerMigration("v4: faxes received and fax jobs") { db in
            try db.execute(sql: """
                CREATE TABLE faxes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    call_id INTEGER REFERENCES calls(id),
                    run_id INTEGER NOT NULL REFERENCES runs(id),
                    call_ref INTEGER,
                    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
                    state TEXT NOT NULL CHECK (state IN ('receiving', 'received', 'partial', 'failed',
                                                         'queued', 'sending', 'sent', 'cancelled')),
                    calling TEXT,
                    called TEXT,
                    remote_ident TEXT,
                    pages INTEGER NOT NULL DEFAULT 0,
                    document_pages INTEGER,
                    x_dpi INTEGER,
                    y_dpi INTEGER,
                    bit_rate INTEGER,
                    ecm INTEGER,
                    seconds REAL,
                    result_code INTEGER,
                    result TEXT,
                    tiff_path TEXT,
                    pdf_path TEXT,
                    source TEXT,
                    trunk_group TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    max_attempts INTEGER,
                    next_attempt_at REAL,
                    created_at REAL NOT NULL,
                    ended_at REAL
                );
                CREATE INDEX faxes_created ON faxes(created_at);
                CREATE INDEX faxes_pending ON faxes(state) WHERE state IN ('queued', 'sending', 'receiving');
                """)
        }
        migrator.registerMigration("v5: a fax job's time zone") { db in
            try db.execute(sql: "ALTER TABLE faxes ADD COLUMN time_zone TEXT")
        }
        migrator.registerMigration("v6: outbound campaigns' contacts and state") { db in
            try db.execute(sql: """
                CREATE TABLE campaign_contacts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    campaign TEXT NOT NULL,
                    number TEXT NOT NULL,
                    reference TEXT,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'dialling', 'done', 'failed', 'removed')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    outcome TEXT,
                    cause INTEGER,
                    agent TEXT,
                    call_ref INTEGER,
                    call_id INTEGER REFERENCES calls(id),
                    talk_seconds REAL,
                    in_attempt INTEGER NOT NULL DEFAULT 0,
                    added_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    UNIQUE (campaign, number)
                );
                CREATE INDEX campaign_contacts_due ON campaign_contacts(campaign, next_attempt_at) WHERE state = 'pending';
                CREATE TABLE campaigns (
                    name TEXT PRIMARY KEY,
                    running INTEGER NOT NULL,
                    changed_at REAL NOT NULL
                );
                """)
        }
        return migrator
    }
}
