import CallControl
import GRDB

/// A fax the engine received, or a fax job it sends: the document, what T.30 agreed and how
/// it ended, linked to the call's CDR. A job keeps its attempts and the time of the next one.
public struct FaxRecord: Sendable, Equatable, Codable {
    public enum Direction: String, Sendable, Codable {
        case inbound, outbound
    }

    /// Where a fax stands. Received faxes: receiving -> received | partial | failed. Jobs:
    /// queued -> sending -> (queued again for a retry) -> sent | failed | cancelled.
    public enum State: String, Sendable, Codable, CaseIterable {
        case receiving, received, partial, failed, queued, sending, sent, cancelled

        /// Whether nothing more will happen to it.
        public var isFinal: Bool { ![.receiving, .queued, .sending].contains(self) }
    }

    public var id: Int64
    /// The CDR row of the (last) call it went over.
    public var callID: Int64?
    public var callRef: CallID?
    public var direction: Direction
    public var state: State
    public var calling: String?
    public var called: String?
    public var remoteIdent: String?
    /// Pages moved (received, or sent by the last attempt).
    public var pages: Int
    /// A job's pages to send.
    public var documentPages: Int?
    public var xDPI: Int?
    public var yDPI: Int?
    public var bitRate: Int?
    public var ecm: Bool?
    public var seconds: Double?
    /// spandsp's T.30 result (0 OK) of the last attempt.
    public var resultCode: Int?
    /// Why it ended as it did (T.30's words, or the call's failure, or the document's problem).
    public var result: String?
    /// The fax pages: as received, or the converted document being sent.
    public var tiffPath: String?
    public var pdfPath: String?
    /// A job's original document.
    public var source: String?
    public var trunkGroup: String?
    public var attempts: Int
    public var maxAttempts: Int?
    public var nextAttemptAt: WallTime?
    /// The time zone a job's send window is read in (the recipient's, as an IANA name); nil:
    /// the configured one.
    public var timeZone: String?
    public var createdAt: WallTime
    public var endedAt: WallTime?

    init(row: Row) {
        id = row["id"]
        callID = row["call_id"]
        callRef = (row["call_ref"] as Int64?).map { CallID(UInt64(bitPattern: $0)) }
        direction = Direction(rawValue: row["direction"]) ?? .inbound
        state = State(rawValue: row["state"]) ?? .failed
        calling = row["calling"]
        called = row["called"]
        remoteIdent = row["remote_ident"]
        pages = row["pages"]
        documentPages = row["document_pages"]
        xDPI = row["x_dpi"]
        yDPI = row["y_dpi"]
        bitRate = row["bit_rate"]
        ecm = row["ecm"]
        seconds = row["seconds"]
        resultCode = row["result_code"]
        result = row["result"]
        tiffPath = row["tiff_path"]
        pdfPath = row["pdf_path"]
        source = row["source"]
        trunkGroup = row["trunk_group"]
        attempts = row["attempts"]
        maxAttempts = row["max_attempts"]
        nextAttemptAt = (row["next_attempt_at"] as Double?).map(WallTime.init(secondsSince1970:))
        timeZone = row["time_zone"]
        createdAt = WallTime(secondsSince1970: row["created_at"])
        endedAt = (row["ended_at"] as Double?).map(WallTime.init(secondsSince1970:))
    }
}

/// How one fax session (or attempt) ended, to be written against its row.
public struct FaxResultUpdate: Sendable, Equatable {
    public var state: FaxRecord.State
    public var call: CallID?
    public var remoteIdent: String?
    public var pages: Int
    public var xDPI: Int?
    public var yDPI: Int?
    public var bitRate: Int?
    public var ecm: Bool?
    public var seconds: Double?
    public var resultCode: Int?
    public var result: String?
    public var pdfPath: String?
    /// For a job queued again: when to try next.
    public var nextAttemptAt: WallTime?
    /// For a job: attempts made so far, when an attempt that placed no call counts too.
    public var attempts: Int?
    public var at: WallTime

    public init(state: FaxRecord.State, call: CallID? = nil, remoteIdent: String? = nil, pages: Int = 0, xDPI: Int? = nil,
                yDPI: Int? = nil, bitRate: Int? = nil, ecm: Bool? = nil, seconds: Double? = nil, resultCode: Int? = nil,
                result: String? = nil, pdfPath: String? = nil, nextAttemptAt: WallTime? = nil, at: WallTime = .now()) {
        self.state = state
        self.call = call
        self.remoteIdent = remoteIdent
        self.pages = pages
        self.xDPI = xDPI
        self.yDPI = yDPI
        self.bitRate = bitRate
        self.ecm = ecm
        self.seconds = seconds
        self.resultCode = resultCode
        self.result = result
        self.pdfPath = pdfPath
        self.nextAttemptAt = nextAttemptAt
        self.at = at
    }
}

/// Which faxes to list; every condition given must hold.
public struct FaxQuery: Sendable, Equatable {
    public var direction: FaxRecord.Direction?
    public var state: FaxRecord.State?
    public var from: WallTime?
    public var limit: Int

    public init(direction: FaxRecord.Direction? = nil, state: FaxRecord.State? = nil, from: WallTime? = nil, limit: Int = 100) {
        self.direction = direction
        self.state = state
        self.from = from
        self.limit = limit
    }
}

extension CallStore {
    /// Adds an inbound fax being received on `call` into `tiffPath`; its id.
    public func insertReceivedFax(call: CallID, calling: String?, called: String?, tiffPath: String,
                                  at: WallTime = .now()) throws(StorageError) -> Int64 {
        try write("add fax received on \(call)") { db in
            try db.execute(sql: """
                INSERT INTO faxes (call_id, run_id, call_ref, direction, state, calling, called, tiff_path, created_at)
                VALUES (?, ?, ?, 'inbound', 'receiving', ?, ?, ?, ?)
                """, arguments: [try Self.callRow(call, runID, db), runID, Int64(bitPattern: call.value), calling, called,
                                 tiffPath, at.secondsSince1970])
            return db.lastInsertedRowID
        }
    }

    /// Adds a fax job to `called` on `trunkGroup`, its pages in `tiffPath`: queued, or failed at
    /// once with `failure` (a document that could not be converted). `timeZone`: the zone its
    /// send window is read in (nil: the configured one). Its id.
    public func insertFaxJob(called: String, trunkGroup: String, source: String, tiffPath: String?, pages: Int,
                             maxAttempts: Int, notBefore: WallTime, timeZone: String? = nil, failure: String? = nil,
                             at: WallTime = .now()) throws(StorageError) -> Int64 {
        try write("add fax job to \(called)") { db in
            try db.execute(sql: """
                INSERT INTO faxes (run_id, direction, state, called, source, tiff_path, document_pages, trunk_group, max_attempts,
                                   next_attempt_at, time_zone, result, created_at, ended_at)
                VALUES (?, 'outbound', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [runID, failure == nil ? "queued" : "failed", called, source, tiffPath, pages, trunkGroup, maxAttempts,
                                 failure == nil ? notBefore.secondsSince1970 : nil, timeZone, failure, at.secondsSince1970,
                                 failure == nil ? nil : at.secondsSince1970])
            return db.lastInsertedRowID
        }
    }

    /// Adds a fax being sent on `call` now (fax-on-demand on the caller's own call): sending,
    /// one attempt, no retries. Its id.
    public func insertFaxOnCall(call: CallID, called: String?, source: String, tiffPath: String, pages: Int,
                                at: WallTime = .now()) throws(StorageError) -> Int64 {
        try write("add fax sent on \(call)") { db in
            try db.execute(sql: """
                INSERT INTO faxes (call_id, run_id, call_ref, direction, state, called, source, tiff_path, document_pages,
                                   attempts, max_attempts, created_at)
                VALUES (?, ?, ?, 'outbound', 'sending', ?, ?, ?, ?, 1, 1, ?)
                """, arguments: [try Self.callRow(call, runID, db), runID, Int64(bitPattern: call.value), called, source, tiffPath,
                                 pages, at.secondsSince1970])
            return db.lastInsertedRowID
        }
    }

    /// A job starts an attempt on `call`: sending, attempts + 1. False when it is no longer
    /// queued (cancelled meanwhile).
    public func startFaxAttempt(_ id: Int64, call: CallID) throws(StorageError) -> Bool {
        try write("start an attempt of fax \(id)") { db in
            try db.execute(sql: """
                UPDATE faxes SET state = 'sending', attempts = attempts + 1, call_ref = ?, call_id = ?, next_attempt_at = NULL
                WHERE id = ? AND state = 'queued'
                """, arguments: [Int64(bitPattern: call.value), try Self.callRow(call, runID, db), id])
            return db.changesCount > 0
        }
    }

    /// Writes how a session or attempt ended.
    public func finishFax(_ id: Int64, _ update: FaxResultUpdate) throws(StorageError) {
        try write("record the end of fax \(id)") { db in
            let callRow: Int64? = try update.call.flatMap { try Self.callRow($0, runID, db) }
            try db.execute(sql: """
                UPDATE faxes SET state = ?, call_id = COALESCE(?, call_id), remote_ident = COALESCE(?, remote_ident), pages = ?,
                    x_dpi = ?, y_dpi = ?, bit_rate = ?, ecm = ?, seconds = ?, result_code = ?, result = ?,
                    pdf_path = COALESCE(?, pdf_path), next_attempt_at = ?, attempts = COALESCE(?, attempts), ended_at = ?
                WHERE id = ?
                """, arguments: [update.state.rawValue, callRow, update.remoteIdent, update.pages, update.xDPI, update.yDPI,
                                 update.bitRate, update.ecm, update.seconds, update.resultCode, update.result, update.pdfPath,
                                 update.nextAttemptAt?.secondsSince1970, update.attempts,
                                 update.state.isFinal ? update.at.secondsSince1970 : nil, id])
        }
    }

    /// Sets the PDF made from a fax's pages.
    public func setFaxPDF(_ id: Int64, path: String) throws(StorageError) {
        try write("record the PDF of fax \(id)") { db in
            try db.execute(sql: "UPDATE faxes SET pdf_path = ? WHERE id = ?", arguments: [path, id])
        }
    }

    /// Cancels a job that has not finished; false when there is no such job or it has ended.
    /// An attempt in progress finishes its call but is not retried.
    public func cancelFaxJob(_ id: Int64) throws(StorageError) -> Bool {
        try write("cancel fax job \(id)") { db in
            try db.execute(sql: """
                UPDATE faxes SET state = 'cancelled', next_attempt_at = NULL, ended_at = ?, result = 'cancelled by an operator'
                WHERE id = ? AND direction = 'outbound' AND state IN ('queued', 'sending')
                """, arguments: [WallTime.now().secondsSince1970, id])
            return db.changesCount > 0
        }
    }

    public func fax(id: Int64) throws(StorageError) -> FaxRecord? {
        try read("look up fax \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM faxes WHERE id = ?", arguments: [id]).map(FaxRecord.init(row:))
        }
    }

    /// Faxes matching `query`, newest first.
    public func faxes(matching query: FaxQuery) throws(StorageError) -> [FaxRecord] {
        var terms: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let d = query.direction { terms.append("direction = ?"); arguments.append(d.rawValue) }
        if let s = query.state { terms.append("state = ?"); arguments.append(s.rawValue) }
        if let f = query.from { terms.append("created_at >= ?"); arguments.append(f.secondsSince1970) }
        let condition = terms.isEmpty ? "1" : terms.joined(separator: " AND ")
        let args = StatementArguments(arguments)
        return try read("list faxes") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM faxes WHERE \(condition) ORDER BY created_at DESC, id DESC LIMIT \(max(0, query.limit))",
                             arguments: args).map(FaxRecord.init(row:))
        }
    }

    /// Jobs waiting for an attempt (queued), soonest first.
    public func queuedFaxJobs() throws(StorageError) -> [FaxRecord] {
        try read("list queued fax jobs") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM faxes WHERE state = 'queued' ORDER BY next_attempt_at, id")
                .map(FaxRecord.init(row:))
        }
    }

    /// Faxes an earlier run left receiving or sending: received ones become partial or failed
    /// by the pages they have, jobs go back to the queue (the attempt was cut short).
    public func recoverFaxesLeftOpen(pagesOf: (String) -> Int) throws(StorageError) -> Int {
        let open = try read("find faxes left open") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM faxes WHERE state IN ('receiving', 'sending') AND run_id <> ?", arguments: [runID])
                .map(FaxRecord.init(row:))
        }
        for fax in open {
            if fax.direction == .outbound, fax.trunkGroup == nil {
                // Sent on a caller's own call: that call is gone, there is nobody to dial.
                try finishFax(fax.id, FaxResultUpdate(state: .failed, pages: fax.pages, result: "the engine stopped during sending"))
            } else if fax.direction == .inbound {
                let pages = fax.tiffPath.map(pagesOf) ?? 0
                try finishFax(fax.id, FaxResultUpdate(state: pages > 0 ? .partial : .failed, pages: pages,
                                                      result: "the engine stopped during reception"))
            } else {
                try write("queue fax job \(fax.id) again") { db in
                    try db.execute(sql: "UPDATE faxes SET state = 'queued', next_attempt_at = ? WHERE id = ?",
                                   arguments: [WallTime.now().secondsSince1970, fax.id])
                }
            }
        }
        return open.count
    }

    /// The CDR row of the call `call` (a leg of this run) belongs to.
    static func callRow(_ call: CallID, _ runID: Int64, _ db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT call_id FROM legs WHERE run_id = ? AND leg_ref = ? ORDER BY id DESC LIMIT 1",
                           arguments: [runID, Int64(bitPattern: call.value)])
    }
}
