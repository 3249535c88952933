import Foundation

/// One request on the control socket: `{"id":..,"cmd":..,"args":{..}}`, one line of JSON.
public struct ControlRequest: Sendable, Equatable {
    /// Echoed in the response; any JSON scalar the client chose (null when absent).
    public var id: JSONValue
    public var command: String
    public var arguments: [String: JSONValue]

    public init(id: JSONValue, command: String, arguments: [String: JSONValue] = [:]) {
        self.id = id
        self.command = command
        self.arguments = arguments
    }

    /// Parse one line. A failure carries the id when one could be read, so the error response
    /// can still be matched by the client.
    public static func parse(_ line: some Collection<UInt8>) -> Result<ControlRequest, ControlFailure> {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(line))
        } catch {
            return .failure(ControlFailure(id: .null, code: .invalidJSON, message: "the line is not JSON"))
        }
        guard case .object(let object) = value else {
            return .failure(ControlFailure(id: .null, code: .invalidRequest, message: "a request is a JSON object"))
        }
        let id = object["id"] ?? .null
        switch id {
        case .array, .object:
            return .failure(ControlFailure(id: .null, code: .invalidRequest, message: "id must be a string, number or null"))
        default: break
        }
        guard let command = object["cmd"]?.stringValue, !command.isEmpty else {
            return .failure(ControlFailure(id: id, code: .invalidRequest, message: "cmd (a string) is missing"))
        }
        var arguments: [String: JSONValue] = [:]
        switch object["args"] {
        case nil, .null?: break
        case .object(let a)?: arguments = a
        default:
            return .failure(ControlFailure(id: id, code: .invalidArguments, message: "args must be an object"))
        }
        for key in object.keys where !["id", "cmd", "args"].contains(key) {
            return .failure(ControlFailure(id: id, code: .invalidRequest, message: "unknown field \(key)"))
        }
        return .success(ControlRequest(id: id, command: command, arguments: arguments))
    }
}

/// Error codes of the control protocol, stable for scripts.
public enum ControlErrorCode: String, Sendable, Codable, CaseIterable {
    case invalidJSON = "invalid_json"
    case invalidRequest = "invalid_request"
    case lineTooLong = "line_too_long"
    case unknownCommand = "unknown_command"
    case invalidArguments = "invalid_arguments"
    case forbidden = "forbidden"
    case notFound = "not_found"
    case failed = "failed"
    case unavailable = "unavailable"
}

/// A request that failed: the response `{"id":..,"ok":false,"error":{"code":..,"message":..}}`.
public struct ControlFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var id: JSONValue
    public var code: ControlErrorCode
    public var message: String

    public init(id: JSONValue, code: ControlErrorCode, message: String) {
        self.id = id
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// What the server writes back, one line each.
public enum ControlResponse: Sendable, Equatable {
    case success(id: JSONValue, result: JSONValue)
    case failure(ControlFailure)
    /// An event after `events.subscribe`.
    case event(JSONValue)

    /// The response as one line of JSON, newline included.
    public func line() -> [UInt8] {
        let value: JSONValue
        switch self {
        case let .success(id, result):
            value = .object(["id": id, "ok": .bool(true), "result": result])
        case let .failure(f):
            value = .object(["id": f.id, "ok": .bool(false),
                             "error": .object(["code": .string(f.code.rawValue), "message": .string(f.message)])])
        case let .event(e):
            value = .object(["event": e])
        }
        return value.line()
    }
}
