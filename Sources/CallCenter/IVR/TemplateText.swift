import Foundation

/// Text with `{name}` placeholders, filled from an IVR call's variables (a missing one is empty).
enum TemplateText {
    /// `encode`: URL-encode each value, for a URL being filled.
    static func fill(_ text: String, _ variables: [String: String], encode: Bool = false) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let value = variables[String(rest[rest.index(after: open)..<close])] ?? ""
            out += encode ? (value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?#"))) ?? "") : value
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
