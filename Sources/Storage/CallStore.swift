import CallControl
import Glibc
import GRDB
import Synchronization

/// The engine's SQLite store (WAL mode, migrated in code) of CDRs per call and per leg and of
/// each call's event log. One process holds a store at a time (see `StoreLock`). Opening it
/// closes the rows an earlier run left open as `interrupted` and starts a new run.
///
/// Reads are synchronous and meant for the control socket's thread; writes go through a
/// `CDRRecorder`, never from the signalling thread.
public final class CallStore: Sendable {
    /// The database file.
    public let path: String
    /// This process's run: every row it writes carries it.
    public let runID: Int64
    /// What opening found left open by an earlier run.
    public let recovery: RecoveryReport
    let pool: DatabasePool
    let lock: StoreLock

    private init(path: String, runID: Int64, recovery: RecoveryReport, pool: DatabasePool, lock: StoreLock) {
        self.path = path
        self.runID = runID
        self.recovery = recovery
        self.pool = pool
        self.lock = lock
    }

    /// Opens (creating if need be) the store at `path`. `verify` runs SQLite's `quick_check`
    /// first, so that a damaged file is refused at start rather than found in the middle of a call.
    public static func open(at path: String, verify: Bool = true) throws(StorageError) -> CallStore {
        var status = stat()
        if stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            throw StorageError("open call store", path: path, "the path is a directory, not a database file")
        }
        let lock = try StoreLock.acquire(forDatabase: path)
        var pool: DatabasePool?
        do {
            var configuration = Configuration()
            configuration.label = "call store"
            // FULL: a committed CDR survives a power loss, not only a crash of the process.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            let opened = try DatabasePool(path: path, configuration: configuration)
            pool = opened
            if verify { try check(opened, path: path) }
            let migrator = StoreSchema.migrator
            if try opened.read({ db in try migrator.hasBeenSuperseded(db) }) {
                throw StorageError("open call store", path: path,
                                   "the store was written by a newer version of the engine (unknown migrations)")
            }
            try migrator.migrate(opened)
            let now = WallTime.now()
            let (runID, recovery) = try opened.write { db in
                let recovery = try StoreRecovery.closeOpenRows(db, now: now)
                try db.execute(sql: "INSERT INTO runs (started_at, pid) VALUES (?, ?)",
                               arguments: [now.secondsSince1970, Int(getpid())])
                return (db.lastInsertedRowID, recovery)
            }
            return CallStore(path: path, runID: runID, recovery: recovery, pool: opened, lock: lock)
        } catch {
            try? pool?.close()
            lock.release()
            throw StorageError.wrapping(error, "open call store", path: path)
        }
    }

    private static func check(_ pool: DatabasePool, path: String) throws {
        let problems = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        guard problems == ["ok"] else {
            throw StorageError("open call store", path: path,
                               "the database file is corrupt: \(problems.prefix(3).joined(separator: "; "))")
        }
    }

    /// Closes the database and gives up the store. Stop every recorder writing to it first.
    public func close() throws(StorageError) {
        defer { lock.release() }
        do { try pool.close() } catch { throw StorageError.wrapping(error, "close call store", path: path) }
    }

    /// SQLite's full `integrity_check`: `["ok"]` for a sound store, otherwise the problems found.
    public func integrityCheck() throws(StorageError) -> [String] {
        try read("check store integrity") { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    func write<T: Sendable>(_ operation: String, _ body: (Database) throws -> T) throws(StorageError) -> T {
        do { return try pool.write(body) } catch { throw StorageError.wrapping(error, operation, path: path) }
    }

    func read<T: Sendable>(_ operation: String, _ body: (Database) throws -> T) throws(StorageError) -> T {
        do { return try pool.read(body) } catch { throw StorageError.wrapping(error, operation, path: path) }
    }
}
