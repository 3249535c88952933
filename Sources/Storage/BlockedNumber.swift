import CallControl
import GRDB

/// A caller the engine refuses: calls from `number` are rejected, or hear a message and are
/// released, before any routing. Kept in the store and edited from the control socket.
public struct BlockedNumber: Sendable, Equatable, Codable {
    /// What a blocked caller gets.
    public enum Action: String, Sendable, Codable, CaseIterable {
        /// Refused with cause 21 (call rejected), never answered.
        case reject
        /// Answered, told they cannot be served, released.
        case message
    }

    /// The calling number as it arrives (digits, `*`, `#`).
    public var number: String
    public var action: Action
    /// Why it is blocked, for the operators.
    public var note: String?
    public var addedAt: WallTime

    public init(number: String, action: Action, note: String? = nil, addedAt: WallTime = .now()) {
        self.number = number
        self.action = action
        self.note = note
        self.addedAt = addedAt
    }

    /// Whether `text` can be a calling number on the wire.
    public static func isValid(number text: String) -> Bool {
        !text.isEmpty && text.count <= 32 && text.allSatisfy { "0123456789*#".contains($0) }
    }
}

extension CallStore {
    /// Every blocked number, in number order.
    public func blockedNumbers() throws(StorageError) -> [BlockedNumber] {
        try read("list blocked numbers") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM blocked_numbers ORDER BY number").map { row in
                BlockedNumber(number: row["number"], action: BlockedNumber.Action(rawValue: row["action"]) ?? .reject,
                              note: row["note"], addedAt: WallTime(secondsSince1970: row["added_at"]))
            }
        }
    }

    /// Blocks a number, or changes how an already blocked number is treated.
    public func block(_ entry: BlockedNumber) throws(StorageError) {
        guard BlockedNumber.isValid(number: entry.number) else {
            throw StorageError("block \(entry.number)", path: path, "a calling number is 1 to 32 of 0-9, * and #")
        }
        try write("block \(entry.number)") { db in
            try db.execute(sql: """
                INSERT INTO blocked_numbers (number, action, note, added_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(number) DO UPDATE SET action = excluded.action, note = excluded.note
                """, arguments: [entry.number, entry.action.rawValue, entry.note, entry.addedAt.secondsSince1970])
        }
    }

    /// Unblocks a number; false when it was not blocked.
    public func unblock(_ number: String) throws(StorageError) -> Bool {
        try write("unblock \(number)") { db in
            try db.execute(sql: "DELETE FROM blocked_numbers WHERE number = ?", arguments: [number])
            return db.changesCount > 0
        }
    }
}
