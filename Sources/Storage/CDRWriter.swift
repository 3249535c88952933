import CallControl
import GRDB

/// Turns one call event into the rows it changes: opens the call and leg rows on offer or
/// placement, fills in routing and answer, logs every call event, and closes the rows on release.
enum CDRWriter {
    /// An event for a leg this run never opened (or already closed).
    struct UnknownLeg: Error, CustomStringConvertible {
        let leg: CallID
        var description: String { "no open call has a leg \(leg) in this run" }
    }

    /// `time` is when the event was reported; an offer or placement is logged at the leg's own time.
    static func apply(_ event: CallEvent, at time: WallTime, to ledger: inout CDRLedger, _ db: Database) throws {
        var time = time
        switch event {
        case let .offered(leg):
            time = leg.offeredAt
            try openCall(leg, &ledger, db)
        case let .placed(leg, parent):
            time = leg.offeredAt
            if let parent, let open = ledger.legs[parent] {
                let legRow = try insertLeg(leg, callRow: open.callRow, ledger, db)
                ledger.added(leg: leg.id, legRow: legRow, to: open.callRow)
            } else {
                try openCall(leg, &ledger, db)
            }
        case let .routed(id, destination, _):
            var application: String?
            if case let .application(name, _) = destination { application = name }
            try update(id, ledger, db, "destination = ?, application = ?", [destination.description, application])
        case let .answered(id):
            try update(id, ledger, db, "answered_at = COALESCE(answered_at, ?)", [time.secondsSince1970])
        case let .released(leg):
            if ledger.legs[leg.id] == nil {
                // Released without our having seen it opened: keep its record all the same.
                try openCall(leg, &ledger, db)
            }
            try close(leg, time, &ledger, db)
            return
        case .alerting, .progress, .bridged, .dtmf, .tone, .flash, .playFinished:
            break
        case .channelState, .link, .protocolError, .recordingClosed, .silence:
            return
        }
        try log(event, at: time, ledger, db)
    }

    private static func openCall(_ leg: CallLeg, _ ledger: inout CDRLedger, _ db: Database) throws {
        let columns = [("run_id", ledger.runID as (any DatabaseValueConvertible)?),
                       ("call_ref", Int64(bitPattern: leg.id.value))] + CDRFields(leg, state: .open).columns
        try insert(into: "calls", columns, db)
        let callRow = db.lastInsertedRowID
        let legRow = try insertLeg(leg, callRow: callRow, ledger, db)
        ledger.opened(call: callRow, leg: leg.id, legRow: legRow)
    }

    private static func insertLeg(_ leg: CallLeg, callRow: Int64, _ ledger: CDRLedger, _ db: Database) throws -> Int64 {
        let columns = [("call_id", callRow as (any DatabaseValueConvertible)?), ("run_id", ledger.runID),
                       ("leg_ref", Int64(bitPattern: leg.id.value))] + CDRFields(leg, state: .open).columns
        try insert(into: "legs", columns, db)
        return db.lastInsertedRowID
    }

    private static func insert(into table: String, _ columns: [(name: String, value: (any DatabaseValueConvertible)?)],
                               _ db: Database) throws {
        let names = columns.map(\.name).joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        try db.execute(sql: "INSERT INTO \(table) (\(names)) VALUES (\(marks))",
                       arguments: StatementArguments(columns.map(\.value)))
    }

    /// Sets columns on the leg's row, and on its call's row when it is the call's primary leg.
    private static func update(_ id: CallID, _ ledger: CDRLedger, _ db: Database, _ assignments: String,
                               _ values: [(any DatabaseValueConvertible)?]) throws {
        guard let open = ledger.legs[id] else { throw UnknownLeg(leg: id) }
        try db.execute(sql: "UPDATE legs SET \(assignments) WHERE id = ?",
                       arguments: StatementArguments(values + [open.legRow]))
        if ledger.isPrimary(id) {
            try db.execute(sql: "UPDATE calls SET \(assignments) WHERE id = ?",
                           arguments: StatementArguments(values + [open.callRow]))
        }
    }

    /// Writes the leg's outcome; the call's row takes the primary leg's outcome and closes when
    /// its last leg has gone.
    private static func close(_ leg: CallLeg, _ time: WallTime, _ ledger: inout CDRLedger, _ db: Database) throws {
        guard let open = ledger.legs[leg.id] else { throw UnknownLeg(leg: leg.id) }
        var fields = CDRFields(leg, state: .closed)
        if fields.releasedAt == nil { fields.releasedAt = time }
        try setColumns(fields.releaseColumns, table: "legs", row: open.legRow, db)
        let primary = ledger.isPrimary(leg.id)
        try log(.released(leg), at: fields.releasedAt ?? time, ledger, db)
        let callOver = ledger.released(leg: leg.id)
        if primary {
            fields.state = callOver ? .closed : .open
            try setColumns(fields.releaseColumns, table: "calls", row: open.callRow, db)
        } else if callOver {
            try db.execute(sql: """
                UPDATE calls SET state = 'closed', released_at = MAX(COALESCE(released_at, ?), ?) WHERE id = ?
                """, arguments: [fields.releasedAt?.secondsSince1970, fields.releasedAt?.secondsSince1970, open.callRow])
        }
    }

    private static func setColumns(_ columns: [(name: String, value: (any DatabaseValueConvertible)?)],
                                   table: String, row: Int64, _ db: Database) throws {
        let assignments = columns.map { "\($0.name) = ?" }.joined(separator: ", ")
        try db.execute(sql: "UPDATE \(table) SET \(assignments) WHERE id = ?",
                       arguments: StatementArguments(columns.map(\.value) + [row]))
    }

    private static func log(_ event: CallEvent, at time: WallTime, _ ledger: CDRLedger, _ db: Database) throws {
        guard let entry = EventLogEntry(event) else { return }
        guard let open = ledger.legs[entry.leg] else { throw UnknownLeg(leg: entry.leg) }
        try db.execute(sql: "INSERT INTO call_events (call_id, leg_ref, at, kind, detail) VALUES (?, ?, ?, ?, ?)",
                       arguments: [open.callRow, Int64(bitPattern: entry.leg.value), time.secondsSince1970,
                                   entry.kind, entry.detail.json])
        if case let .bridged(a, b) = event, let other = ledger.legs[b], other.callRow != open.callRow {
            var detail = EventDetail()
            detail.bridgedWith = a.value
            try db.execute(sql: "INSERT INTO call_events (call_id, leg_ref, at, kind, detail) VALUES (?, ?, ?, 'bridged', ?)",
                           arguments: [other.callRow, Int64(bitPattern: b.value), time.secondsSince1970, detail.json])
        }
    }
}
