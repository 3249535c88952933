import CallControl
import GRDB

/// A recording the engine made: a call recorded by policy or on request, a voicemail message, or
/// a message recorded by an IVR node. The audio is in `path`; the row links it to its call's CDR.
public struct RecordingRecord: Sendable, Equatable, Codable {
    /// What the recording is.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case call, voicemail, message
    }

    /// Where the file stands.
    public enum State: String, Sendable, Codable {
        /// Being written (or the engine stopped before closing it: see `repaired`).
        case recording
        case closed
        /// Cut by a crash and made playable again at the next start.
        case repaired
        /// Cut by a crash and could not be made playable.
        case damaged
    }

    public var id: Int64
    /// The CDR row of the call it belongs to.
    public var callID: Int64?
    public var runID: Int64
    public var callRef: CallID
    public var kind: Kind
    /// The voicemail box, for voicemail.
    public var box: String?
    public var path: String
    /// `wav-alaw`, `wav-mulaw`, `wav-pcm16`, `mp3`.
    public var format: String
    /// `mono` or `stereo`.
    public var layout: String
    /// Why it was recorded: the policy that matched, `request`, the box.
    public var reason: String?
    public var calling: String?
    public var called: String?
    public var startedAt: WallTime
    public var endedAt: WallTime?
    /// Sample periods in the file, once closed.
    public var frames: Int?
    public var state: State
    public var error: String?
    /// For voicemail: whether the box's owner has listened to it.
    public var heard: Bool

    /// Length in seconds, once known.
    public var seconds: Double? { frames.map { Double($0) / 8000 } }

    init(row: Row) {
        id = row["id"]
        callID = row["call_id"]
        runID = row["run_id"]
        callRef = CallID(UInt64(bitPattern: row["call_ref"]))
        kind = Kind(rawValue: row["kind"]) ?? .call
        box = row["box"]
        path = row["path"]
        format = row["format"]
        layout = row["layout"]
        reason = row["reason"]
        calling = row["calling"]
        called = row["called"]
        startedAt = WallTime(secondsSince1970: row["started_at"])
        endedAt = (row["ended_at"] as Double?).map(WallTime.init(secondsSince1970:))
        frames = row["frames"]
        state = State(rawValue: row["state"]) ?? .recording
        error = row["error"]
        heard = row["heard"]
    }
}

/// A recording that has just begun, for the recorder to write (its row links to the call's CDR).
public struct RecordingStart: Sendable, Equatable {
    public var call: CallID
    public var kind: RecordingRecord.Kind
    public var box: String?
    public var path: String
    public var format: String
    public var layout: String
    public var reason: String?
    public var calling: String?
    public var called: String?
    public var at: WallTime

    public init(call: CallID, kind: RecordingRecord.Kind, box: String? = nil, path: String, format: String,
                layout: String, reason: String?, calling: String?, called: String?, at: WallTime = .now()) {
        self.call = call
        self.kind = kind
        self.box = box
        self.path = path
        self.format = format
        self.layout = layout
        self.reason = reason
        self.calling = calling
        self.called = called
        self.at = at
    }
}

/// A recording whose file the media layer has closed.
public struct RecordingEnd: Sendable, Equatable {
    public var path: String
    public var frames: Int
    public var error: String?
    public var at: WallTime

    public init(path: String, frames: Int, error: String?, at: WallTime = .now()) {
        self.path = path
        self.frames = frames
        self.error = error
        self.at = at
    }
}

/// Which recordings to list; every condition given must hold.
public struct RecordingQuery: Sendable, Equatable {
    public var kind: RecordingRecord.Kind?
    public var box: String?
    public var from: WallTime?
    public var before: WallTime?
    /// Recordings whose calling or called number starts with these digits.
    public var numberPrefix: String?
    /// The CDR row id.
    public var callID: Int64?
    /// Only messages not yet heard.
    public var unheard: Bool
    public var limit: Int

    public init(kind: RecordingRecord.Kind? = nil, box: String? = nil, from: WallTime? = nil, before: WallTime? = nil,
                numberPrefix: String? = nil, callID: Int64? = nil, unheard: Bool = false, limit: Int = 1000) {
        self.kind = kind
        self.box = box
        self.from = from
        self.before = before
        self.numberPrefix = numberPrefix
        self.callID = callID
        self.unheard = unheard
        self.limit = limit
    }

    var condition: (sql: String, arguments: StatementArguments) {
        var terms: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let kind { terms.append("kind = ?"); arguments.append(kind.rawValue) }
        if let box { terms.append("box = ?"); arguments.append(box) }
        if let from { terms.append("started_at >= ?"); arguments.append(from.secondsSince1970) }
        if let before { terms.append("started_at < ?"); arguments.append(before.secondsSince1970) }
        if let numberPrefix {
            let pattern = CDRQuery.escapedForLike(numberPrefix) + "%"
            terms.append("(calling LIKE ? ESCAPE '\\' OR called LIKE ? ESCAPE '\\')")
            arguments += [pattern, pattern]
        }
        if let callID { terms.append("call_id = ?"); arguments.append(callID) }
        if unheard { terms.append("heard = 0") }
        return (terms.isEmpty ? "1" : terms.joined(separator: " AND "), StatementArguments(arguments))
    }
}

extension CallStore {
    /// Recordings matching `query`, oldest first (the order a box's messages are played in).
    public func recordings(matching query: RecordingQuery) throws(StorageError) -> [RecordingRecord] {
        let (condition, arguments) = query.condition
        return try read("list recordings") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM recordings WHERE \(condition) ORDER BY started_at, id LIMIT \(max(0, query.limit))",
                             arguments: arguments).map(RecordingRecord.init(row:))
        }
    }

    public func recording(id: Int64) throws(StorageError) -> RecordingRecord? {
        try read("look up recording \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM recordings WHERE id = ?", arguments: [id]).map(RecordingRecord.init(row:))
        }
    }

    /// Marks a voicemail message heard (or new again); false when there is no such recording.
    public func setHeard(_ id: Int64, _ heard: Bool) throws(StorageError) -> Bool {
        try write("mark recording \(id) \(heard ? "heard" : "new")") { db in
            try db.execute(sql: "UPDATE recordings SET heard = ? WHERE id = ?", arguments: [heard, id])
            return db.changesCount > 0
        }
    }

    /// Forgets a recording (the caller removes the file); false when there is no such recording.
    public func deleteRecording(_ id: Int64) throws(StorageError) -> Bool {
        try write("delete recording \(id)") { db in
            try db.execute(sql: "UPDATE calls SET recording_id = NULL WHERE recording_id = ?", arguments: [String(id)])
            try db.execute(sql: "DELETE FROM recordings WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// Recordings an earlier run left being written (it stopped without closing them).
    public func recordingsLeftOpen() throws(StorageError) -> [RecordingRecord] {
        try read("find recordings left open") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM recordings WHERE state = 'recording' AND run_id <> ?", arguments: [runID])
                .map(RecordingRecord.init(row:))
        }
    }

    /// Records what the repair of a recording left open found: playable with `frames`, or damaged.
    public func setRepaired(_ id: Int64, frames: Int?, error: String?) throws(StorageError) {
        try write("mark recording \(id) repaired") { db in
            try db.execute(sql: """
                UPDATE recordings SET state = ?, frames = ?, error = ?, ended_at = COALESCE(ended_at, ?) WHERE id = ?
                """, arguments: [frames == nil ? "damaged" : "repaired", frames, error, WallTime.now().secondsSince1970, id])
        }
    }
}

extension CallStore {
    /// Adds the row of a recording that is starting, linked to its call's CDR (flush the
    /// `CDRRecorder` first so that the call's row exists); its id.
    public func insertRecording(_ start: RecordingStart) throws(StorageError) -> Int64 {
        try write("add recording \(start.path)") { db in
            let callRow = try Int64.fetchOne(db, sql: """
                SELECT call_id FROM legs WHERE run_id = ? AND leg_ref = ? ORDER BY id DESC LIMIT 1
                """, arguments: [runID, Int64(bitPattern: start.call.value)])
            try db.execute(sql: """
                INSERT INTO recordings (call_id, run_id, call_ref, kind, box, path, format, layout, reason, calling, called,
                                        started_at, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'recording')
                """, arguments: [callRow, runID, Int64(bitPattern: start.call.value), start.kind.rawValue, start.box,
                                 start.path, start.format, start.layout, start.reason, start.calling, start.called,
                                 start.at.secondsSince1970])
            let id = db.lastInsertedRowID
            if let callRow, start.kind == .call {
                try db.execute(sql: "UPDATE calls SET recording_id = ? WHERE id = ?", arguments: [String(id), callRow])
            }
            return id
        }
    }

    /// Records that a recording's file is closed, with its length; false when no recording has that path.
    @discardableResult
    public func closeRecording(_ end: RecordingEnd) throws(StorageError) -> Bool {
        try write("close recording \(end.path)") { db in
            try db.execute(sql: """
                UPDATE recordings SET state = 'closed', ended_at = ?, frames = ?, error = ? WHERE path = ?
                """, arguments: [end.at.secondsSince1970, end.frames, end.error, end.path])
            return db.changesCount > 0
        }
    }
}

extension CDRWriter {
    /// The CDR row of a leg's call: from the ledger while it is open, from the store after.
    static func callRow(of leg: CallID, _ ledger: CDRLedger, _ db: Database) throws -> Int64? {
        if let row = ledger.legs[leg]?.callRow { return row }
        return try Int64.fetchOne(db, sql: """
            SELECT call_id FROM legs WHERE run_id = ? AND leg_ref = ? ORDER BY id DESC LIMIT 1
            """, arguments: [ledger.runID, Int64(bitPattern: leg.value)])
    }

    static func insert(_ step: IVRStepRecord, _ ledger: CDRLedger, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO ivr_steps (call_id, run_id, call_ref, flow, node, input, at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [try Self.callRow(of: step.call, ledger, db), ledger.runID, Int64(bitPattern: step.call.value), step.flow,
                             step.node, step.input, step.at.secondsSince1970])
    }
}
