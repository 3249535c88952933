import Glibc

/// A `sockaddr_un` for a filesystem path, for the client and the server's liveness check.
struct UnixSocketAddress {
    private var storage = sockaddr_un()

    init?(path: String) {
        storage.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        guard bytes.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
    }

    /// Connect `fd` to the address; 0 or -1 with errno, as connect(2).
    mutating func connect(_ fd: Int32) -> Int32 {
        withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }

    /// Bind `fd` to the address; 0 or -1 with errno, as bind(2).
    mutating func bind(_ fd: Int32) -> Int32 {
        withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }
}
