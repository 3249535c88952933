import Foundation
import Glibc

/// Why a control client could not do what was asked.
public enum ControlClientError: Error, Sendable, CustomStringConvertible {
    /// Could not reach the daemon at all.
    case connect(path: String, reason: String)
    /// The daemon answered with an error.
    case failed(ControlFailure)
    /// The connection broke or the daemon said something that is not the protocol.
    case broken(String)

    public var description: String {
        switch self {
        case let .connect(path, reason): return "cannot reach the daemon at \(path): \(reason)"
        case let .failed(f): return "\(f.code.rawValue): \(f.message)"
        case let .broken(reason): return "control connection: \(reason)"
        }
    }

    /// The protocol's error code, or a client-side one.
    public var code: String {
        switch self {
        case .connect: return "unreachable"
        case let .failed(f): return f.code.rawValue
        case .broken: return "broken"
        }
    }
}

/// A blocking client of the control socket, for `pstnctl` and tests: one request at a time,
/// events (after `events.subscribe`) read one by one.
public final class ControlClient {
    public let path: String
    private let fd: Int32
    private var framer = LineFramer(limit: 16 * 1024 * 1024)
    private var lines: [[UInt8]] = []
    private var events: [JSONValue] = []
    private var nextID = 1

    public init(path: String) throws(ControlClientError) {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .connect(path: path, reason: String(cString: strerror(errno))) }
        guard var address = UnixSocketAddress(path: path) else {
            close(fd)
            throw .connect(path: path, reason: "the path is too long for a Unix socket")
        }
        guard address.connect(fd) == 0 else {
            let e = errno
            close(fd)
            let reason: String
            switch e {
            case ENOENT: reason = "no socket there (is pstnd running? --socket names another path)"
            case ECONNREFUSED: reason = "nothing listens there (pstnd is not running)"
            case EACCES: reason = "permission denied (the socket is for its group's members)"
            default: reason = String(cString: strerror(e))
            }
            throw .connect(path: path, reason: reason)
        }
    }

    deinit { close(fd) }

    /// Send `command` and wait for its response; its result, or the daemon's error.
    public func request(_ command: String, _ arguments: [String: JSONValue] = [:],
                        timeout: Double = 30) throws(ControlClientError) -> JSONValue {
        let id = nextID
        nextID += 1
        let request = JSONValue.object(["id": .number(Double(id)), "cmd": .string(command), "args": .object(arguments)])
        try send(Array(request.line()))
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let value = try nextLine(until: deadline)
            if value["event"] != nil, value["id"] == nil {
                events.append(value["event"] ?? .null)
                continue
            }
            if value["id"]?.intValue != id, value["id"] != .null { continue }
            if value["ok"]?.boolValue == true { return value["result"] ?? .null }
            let code = value["error"]?["code"]?.stringValue.flatMap(ControlErrorCode.init(rawValue:)) ?? .failed
            throw .failed(ControlFailure(id: value["id"] ?? .null, code: code,
                                         message: value["error"]?["message"]?.stringValue ?? "no message"))
        }
    }

    /// Write raw bytes (tests of malformed input).
    public func send(_ bytes: [UInt8]) throws(ControlClientError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw .broken("write: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// The next event, waiting up to `timeout` seconds; nil when none came.
    public func nextEvent(timeout: Double) throws(ControlClientError) -> JSONValue? {
        if !events.isEmpty { return events.removeFirst() }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let value: JSONValue
            do {
                value = try nextLine(until: deadline)
            } catch {
                if case .broken("timed out") = error { return nil }
                throw error
            }
            if let event = value["event"] { return event }
        }
        return nil
    }

    /// The next line the daemon sent, parsed.
    public func nextLine(until deadline: Date) throws(ControlClientError) -> JSONValue {
        while lines.isEmpty {
            let wait = deadline.timeIntervalSinceNow
            guard wait > 0 else { throw .broken("timed out") }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(min(wait, 1) * 1000))
            if ready < 0, errno != EINTR { throw .broken("poll: \(String(cString: strerror(errno)))") }
            guard ready > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw .broken(n == 0 ? "the daemon closed the connection" : String(cString: strerror(errno))) }
            for piece in framer.feed(buffer[0..<n]) {
                if case let .line(l) = piece { lines.append(l) }
            }
        }
        let line = lines.removeFirst()
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(line)) else {
            throw .broken("the daemon sent a line that is not JSON")
        }
        return value
    }
}
