import Control
import Foundation

/// Plain-text tables and lists of the daemon's answers, for people.
enum Table {
    /// Rows of objects under the given columns, aligned; "(none)" when empty.
    static func rows(_ value: JSONValue, columns: [String]) -> String {
        guard case let .array(items) = value, !items.isEmpty else { return "(none)" }
        let cells = items.map { item in
            columns.map { column in
                if column == "at" || column.hasSuffix("_at"), let seconds = item[column]?.numberValue { return time(seconds) }
                if let n = item[column]?.numberValue, n != n.rounded() { return String(format: "%.1f", n) }
                return text(item[column])
            }
        }
        return render(header: columns.map { $0.uppercased().replacingOccurrences(of: "_", with: " ") }, cells)
    }

    static func render(header: [String], _ cells: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ row: [String]) -> String {
            row.enumerated().map { i, c in i == row.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return ([line(header)] + cells.map(line)).joined(separator: "\n")
    }

    /// An object as "key: value" lines, nested objects flattened with dots.
    static func keyValues(_ value: JSONValue, prefix: String = "") -> String {
        guard case let .object(o) = value else { return text(value) }
        return o.sorted { $0.key < $1.key }.map { key, v in
            if case .object = v { return keyValues(v, prefix: prefix + key + ".") }
            return "\(prefix)\(key): \(text(v))"
        }.joined(separator: "\n")
    }

    /// Call legs (`calls.list`).
    static func calls(_ value: JSONValue) -> String {
        guard case let .array(items) = value, !items.isEmpty else { return "(no calls)" }
        let now = Date().timeIntervalSince1970
        let cells = items.map { leg -> [String] in
            let offered = leg["offeredAt"]?["secondsSince1970"]?.numberValue ?? now
            return [text(leg["id"]?["value"]), text(leg["backend"]), text(leg["channel"]), text(leg["direction"]),
                    text(leg["setup"]?["calling"]?["digits"]), text(leg["setup"]?["called"]?["digits"]),
                    text(leg["state"]), String(format: "%.0f", now - offered)]
        }
        return render(header: ["CALL", "TRUNK", "CHANNEL", "DIRECTION", "CALLING", "CALLED", "STATE", "AGE S"], cells)
    }

    /// CDR rows (`cdr.query`).
    static func cdrs(_ value: JSONValue) -> String {
        guard case let .array(items) = value, !items.isEmpty else { return "(no records)" }
        let cells = items.map { r -> [String] in
            let offered = r["offered_at"]?.numberValue.map { time($0) } ?? "-"
            let duration: String = {
                guard let a = r["answered_at"]?.numberValue, let e = r["released_at"]?.numberValue else { return "-" }
                return String(format: "%.1f", e - a)
            }()
            return [text(r["id"]), offered, text(r["direction"]), text(r["trunk"]), text(r["calling"]), text(r["called"]),
                    duration, text(r["cause"]), text(r["released_by"]), text(r["state"])]
        }
        return render(header: ["ID", "OFFERED", "DIR", "TRUNK", "CALLING", "CALLED", "TALK S", "CAUSE", "BY", "STATE"], cells)
    }

    /// One event on one line.
    static func event(_ e: JSONValue) -> String {
        let when = e["time"]?.numberValue.map { time($0) } ?? time(Date().timeIntervalSince1970)
        guard case let .object(o) = e else { return "\(when) \(e)" }
        let rest = o.filter { !["time", "kind", "event"].contains($0.key) }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\(text($0.value))" }.joined(separator: " ")
        return "\(when) \(text(e["kind"])) \(rest)"
    }

    static func time(_ seconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    static func text(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: return "-"
        case let .string(s)?: return s
        case let .array(a)?: return a.map { text($0) }.joined(separator: ",")
        case let v?: return v.description
        }
    }
}
