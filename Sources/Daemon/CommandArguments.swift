import Control
import Foundation

/// A control request's arguments, read with their expected types; anything missing, of the
/// wrong type or unknown to the command is refused with `invalid_arguments`, naming the key.
struct CommandArguments {
    let command: String
    let values: [String: JSONValue]

    init(_ request: ControlRequest, allowed: Set<String>) throws(ControlFailure) {
        command = request.command
        values = request.arguments
        for key in values.keys.sorted() where !allowed.contains(key) {
            throw failure("\(command) takes no argument \(key) (it takes \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func failure(_ message: String) -> ControlFailure {
        ControlFailure(id: .null, code: .invalidArguments, message: message)
    }

    func string(_ key: String) throws(ControlFailure) -> String? {
        switch values[key] {
        case nil, .null?: return nil
        case let .string(s)?: return s
        case let .number(n)? where n.rounded() == n: return String(Int64(n))
        default: throw failure("\(command): \(key) must be a string")
        }
    }

    func requiredString(_ key: String) throws(ControlFailure) -> String {
        guard let s = try string(key), !s.isEmpty else { throw failure("\(command) needs \(key)") }
        return s
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(ControlFailure) -> Int? {
        switch values[key] {
        case nil, .null?: return nil
        case let .number(n)?:
            guard n.rounded() == n, abs(n) < 1e15, range.contains(Int(n)) else {
                throw failure("\(command): \(key) must be a whole number in \(range.lowerBound)-\(range.upperBound)")
            }
            return Int(n)
        case let .string(s)?:
            guard let n = Int(s), range.contains(n) else {
                throw failure("\(command): \(key) must be a whole number in \(range.lowerBound)-\(range.upperBound)")
            }
            return n
        default: throw failure("\(command): \(key) must be a number")
        }
    }

    func requiredInt(_ key: String, in range: ClosedRange<Int>) throws(ControlFailure) -> Int {
        guard let n = try int(key, in: range) else { throw failure("\(command) needs \(key)") }
        return n
    }

    func double(_ key: String, in range: ClosedRange<Double>) throws(ControlFailure) -> Double? {
        switch values[key] {
        case nil, .null?: return nil
        case let .number(n)? where range.contains(n): return n
        default: throw failure("\(command): \(key) must be a number in \(range.lowerBound)-\(range.upperBound)")
        }
    }

    func bool(_ key: String) throws(ControlFailure) -> Bool? {
        switch values[key] {
        case nil, .null?: return nil
        case let .bool(b)?: return b
        default: throw failure("\(command): \(key) must be true or false")
        }
    }

    /// A time as seconds since 1970 or an ISO 8601 date and time.
    func time(_ key: String) throws(ControlFailure) -> Double? {
        switch values[key] {
        case nil, .null?: return nil
        case let .number(n)? where n >= 0 && n < 1e11: return n
        case let .string(s)?:
            let formatter = ISO8601DateFormatter()
            if let d = formatter.date(from: s) { return d.timeIntervalSince1970 }
            formatter.formatOptions = [.withFullDate]
            if let d = formatter.date(from: s) { return d.timeIntervalSince1970 }
            throw failure("\(command): \(key) \(s) is not an ISO 8601 time (2026-12-06T08:00:00Z) or a date")
        default: throw failure("\(command): \(key) must be a time")
        }
    }

    /// Channel numbers: a list of numbers, or a string such as "1-5,7".
    func channels(_ key: String) throws(ControlFailure) -> [Int] {
        var out: [Int] = []
        switch values[key] {
        case let .array(items)?:
            for item in items {
                guard let n = item.intValue, n > 0, n < 100_000 else { throw failure("\(command): \(key) must list channel numbers") }
                out.append(n)
            }
        case let .number(n)? where n.rounded() == n && n > 0 && n < 100_000:
            out = [Int(n)]
        case let .string(s)?:
            for part in s.split(separator: ",") {
                let ends = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard ends.count == 1 || ends.count == 2, let a = ends.first ?? nil, let b = ends.last ?? nil,
                      a > 0, a <= b, b - a < 10_000 else {
                    throw failure("\(command): \(key) \"\(s)\" is not a channel list such as 1-5,7")
                }
                out += Array(a...b)
            }
        default:
            throw failure("\(command) needs \(key): channel numbers such as \"1-5,7\"")
        }
        guard !out.isEmpty else { throw failure("\(command): \(key) is empty") }
        return out
    }
}

extension JSONValue {
    /// Any encodable value as JSON.
    init<T: Encodable>(encoding value: T) {
        let encoder = JSONEncoder()
        guard let data = try? encoder.encode(value), let v = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            self = .null
            return
        }
        self = v
    }
}
