/// A campaign's contact list as operators keep it: CSV text, one contact a line, its number
/// and optionally the operator's reference (`13800000001,ACC-1001`; quoted, it may hold commas
/// and doubled quotes). A first line naming the columns, blank lines and lines starting with `#`
/// are skipped; spaces, dashes and brackets
/// in numbers are dropped (`138-0000-0001`, `(021) 5555 0001`). Read into what `campaign.add`
/// takes.
public enum ContactList {
    /// A contact's line that could not be read.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// The contacts in `text`, as `{number, reference}` objects, in order. `header`: a first
    /// line without digits names the columns.
    public static func parse(_ text: String, header: Bool = true) throws(Problem) -> [JSONValue] {
        var out: [JSONValue] = []
        var first = true
        // By Character: "\r\n" is one, so Windows line ends split too.
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: " \t\r\u{FEFF}")
            if line.isEmpty || line.hasPrefix("#") { continue }
            defer { first = false }
            let fields = line.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).map(unquoted)
            let number = fields[0].filter { !" -().".contains($0) }
            if header, first, !number.isEmpty, !number.contains(where: \.isNumber) { continue }  // the column names
            guard isDialable(number) else {
                throw Problem(line: index + 1, reason: "\"\(fields[0])\" is not a phone number (1-32 digits)")
            }
            var contact: [String: JSONValue] = ["number": .string(number)]
            if fields.count > 1, !fields[1].isEmpty {
                guard fields[1].utf8.count <= maxReferenceBytes else {
                    throw Problem(line: index + 1, reason: "the reference is longer than \(maxReferenceBytes) bytes")
                }
                contact["reference"] = .string(fields[1])
            }
            out.append(.object(contact))
        }
        return out
    }

    /// The longest reference a contact may carry, in bytes.
    public static let maxReferenceBytes = 200

    /// Whether `number` is what a campaign dials: 1-32 ASCII digits.
    public static func isDialable(_ number: String) -> Bool {
        (1...32).contains(number.count) && number.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A field without its spaces and, when quoted, its quotes (a doubled quote inside is one).
    private static func unquoted(_ field: Substring) -> String {
        let trimmed = field.trimmingCharacters(in: " \t")
        guard trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") else { return trimmed }
        return String(trimmed.dropFirst().dropLast()).replacing("\"\"", with: "\"")
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = self[...]
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String { self[...].trimmingCharacters(in: set) }
}
