import Glibc
import Synchronization

/// The exclusive claim of one process on a store: an `flock` on `<database>.lock` beside the
/// database file, holding the owner's pid. The kernel drops it when the process dies, so a crash
/// never leaves a stale lock; a second process (or a second open in the same process) is refused.
final class StoreLock: Sendable {
    let path: String
    private let descriptor: Mutex<Int32?>

    private init(path: String, fd: Int32) {
        self.path = path
        descriptor = Mutex(fd)
    }

    static func acquire(forDatabase databasePath: String) throws(StorageError) -> StoreLock {
        let path = databasePath + ".lock"
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StorageError("open call store", path: databasePath,
                               "cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            let holder = readHolder(fd)
            Glibc.close(fd)
            if failure == EWOULDBLOCK {
                throw StorageError("open call store", path: databasePath,
                                   "the store is in use by another process\(holder.map { " (pid \($0))" } ?? "") holding \(path)")
            }
            throw StorageError("open call store", path: databasePath,
                               "cannot lock \(path): \(String(cString: strerror(failure)))")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        return StoreLock(path: path, fd: fd)
    }

    /// Gives the store up; idempotent. The lock file stays, empty of meaning until locked again.
    func release() {
        descriptor.withLock { fd in
            if let open = fd { Glibc.close(open) }
            fd = nil
        }
    }

    deinit { release() }

    private static func readHolder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).filter { !$0.isWhitespace }
        guard !text.isEmpty, text.allSatisfy(\.isNumber) else { return nil }
        return text
    }
}
