/// A YAML/JSON decoding failure said the way configuration files are read: the path of the key
/// (`trunks.[2].dchannel`) and what was wrong with it.
public enum DecodingProblem {
    public static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch decoding {
        case let .typeMismatch(_, c), let .valueNotFound(_, c), let .dataCorrupted(c):
            let p = path(c.codingPath)
            return "\(p.isEmpty ? "" : p + ": ")\(c.debugDescription)"
        case let .keyNotFound(key, c):
            return path(c.codingPath + [key]) + ": missing"
        @unknown default:
            return "\(decoding)"
        }
    }
}
