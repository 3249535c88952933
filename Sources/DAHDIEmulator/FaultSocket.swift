import Foundation
import Glibc

/// The lab's control socket: one command per line (`pull trunk1`), one answer line back,
/// `ok ...` or `error ...`. `dahdi-emu fault` is its client.
public final class FaultSocket: @unchecked Sendable {
    let path: String
    let emulator: DeviceEmulator
    private var listener: Int32 = -1

    public init(path: String, emulator: DeviceEmulator) {
        self.path = path
        self.emulator = emulator
    }

    /// Bind and serve on a background thread.
    public func start() throws(EmulatorStartError) {
        // Replace a stale socket, never anything else.
        var st = stat()
        if lstat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFSOCK else {
                throw EmulatorStartError(message: "\(path) exists and is not a socket; not replacing it")
            }
            unlink(path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw EmulatorStartError(message: "socket: \(String(cString: strerror(errno)))") }
        guard bindUnix(fd, path) == 0, listen(fd, 8) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw EmulatorStartError(message: "cannot listen on the fault socket \(path): \(reason)")
        }
        chmod(path, 0o660)
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "dahdi-emu faults"
        thread.start()
    }

    public func stop() {
        guard listener >= 0 else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        listener = -1
        unlink(path)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var pending = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            pending += buffer[0..<n]
            guard pending.count <= 65_536 else {
                sendLine(fd, "error command line longer than 64 KiB")
                return
            }
            while let nl = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
                if words.isEmpty { continue }
                do {
                    let answer = try emulator.perform(try LabCommand.parse(words))
                    sendLine(fd, "ok " + answer.replacingOccurrences(of: "\n", with: "\n   "))
                } catch {
                    sendLine(fd, "error \(error)")
                }
            }
        }
    }

    private func sendLine(_ fd: Int32, _ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}

/// The address of a Unix socket path; nil (errno ENAMETOOLONG) when the path does not fit.
private func unixAddress(_ path: String) -> sockaddr_un? {
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
        errno = ENAMETOOLONG
        return nil
    }
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in
        for (i, b) in bytes.enumerated() { raw[i] = b }
    }
    return addr
}

/// Bind `fd` to a Unix socket path; -1 with errno set on failure.
func bindUnix(_ fd: Int32, _ path: String) -> Int32 {
    guard var addr = unixAddress(path) else { return -1 }
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
}

/// Connect to a Unix socket path; returns the fd or -1 with errno set.
public func connectUnix(_ path: String) -> Int32 {
    guard var addr = unixAddress(path) else { return -1 }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return -1 }
    let res = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    if res < 0 {
        let e = errno
        close(fd)
        errno = e
        return -1
    }
    return fd
}

/// Send one command line to a lab's fault socket and return its one-line answer
/// (`ok ...` or `error ...`); nil with errno set when the socket cannot be reached.
public func sendLabCommand(_ command: String, to path: String) -> String? {
    let fd = connectUnix(path)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    let line = Array((command + "\n").utf8)
    _ = line.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var answer = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while answer.last != 10 {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        answer += buffer[0..<n]
    }
    return String(decoding: answer, as: UTF8.self)
}
