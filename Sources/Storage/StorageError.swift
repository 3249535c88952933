import GRDB

/// Why a store operation failed: what was being done, on which store file, and why.
public struct StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being done, e.g. "open call store", "write CDR rows for 3 events".
    public var operation: String
    /// The store's database file.
    public var path: String
    /// Why it failed, in words (SQLite's message and the statement, where there was one).
    public var reason: String

    public init(_ operation: String, path: String, _ reason: String) {
        self.operation = operation
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(operation) (\(path)): \(reason)" }

    /// Names what SQLite (or GRDB) said in terms an operator can act on.
    static func wrapping(_ error: any Error, _ operation: String, path: String) -> StorageError {
        if let own = error as? StorageError { return own }
        guard let db = error as? DatabaseError else { return StorageError(operation, path: path, "\(error)") }
        var reason: String
        switch db.resultCode {
        case .SQLITE_NOTADB:
            reason = "the file is not an SQLite database"
        case .SQLITE_CORRUPT:
            reason = "the database file is corrupt"
        case .SQLITE_CANTOPEN:
            reason = "the database file cannot be opened or created"
        case .SQLITE_READONLY:
            reason = "the database is read-only"
        case .SQLITE_FULL:
            reason = "the disk is full"
        case .SQLITE_IOERR:
            reason = "an I/O error occurred"
        default:
            reason = "SQLite error \(db.extendedResultCode.rawValue)"
        }
        if let message = db.message { reason += " (\(message))" }
        if let sql = db.sql { reason += " in `\(sql)`" }
        return StorageError(operation, path: path, reason)
    }
}
