/// A called-number pattern in the notation telephony engineers know from Asterisk dial plans:
/// a leading `_` makes it a pattern, where `X` is any digit, `Z` 1-9, `N` 2-9, `[1-4a]` a set or
/// range, `.` one or more of anything and `!` zero or more; without `_` it is an exact number.
/// `*` alone matches every number.
public struct NumberPattern: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    private let elements: [Element]
    private let exact: String?

    private enum Element: Sendable, Hashable {
        case set(Set<Character>)
        case oneOrMore
        case zeroOrMore
    }

    /// The reason a pattern text is not a pattern, with the position of the fault.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public let pattern: String
        public let position: Int
        public let reason: String
        public var description: String { "number pattern \"\(pattern)\" at character \(position + 1): \(reason)" }
    }

    private static let dialable = Set("0123456789*#ABCDabcd")

    public init(_ text: String) throws(SyntaxError) {
        self.text = text
        if text == "*" {
            exact = nil
            elements = [.zeroOrMore]
            return
        }
        guard text.hasPrefix("_") else {
            for (i, c) in text.enumerated() where !Self.dialable.contains(c) {
                throw SyntaxError(pattern: text, position: i, reason: "'\(c)' is not a dialable digit (a pattern starts with _)")
            }
            guard !text.isEmpty else { throw SyntaxError(pattern: text, position: 0, reason: "empty number") }
            exact = text.uppercased()
            elements = []
            return
        }
        exact = nil
        var parsed: [Element] = []
        let chars = Array(text.dropFirst())
        guard !chars.isEmpty else { throw SyntaxError(pattern: text, position: 1, reason: "empty pattern after _") }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "X", "x": parsed.append(.set(Set("0123456789")))
            case "Z", "z": parsed.append(.set(Set("123456789")))
            case "N", "n": parsed.append(.set(Set("23456789")))
            case ".":
                parsed.append(.oneOrMore)
                guard i == chars.count - 1 else {
                    throw SyntaxError(pattern: text, position: i + 1, reason: "'.' must be last")
                }
            case "!":
                parsed.append(.zeroOrMore)
                guard i == chars.count - 1 else {
                    throw SyntaxError(pattern: text, position: i + 1, reason: "'!' must be last")
                }
            case "[":
                guard let close = chars[i...].firstIndex(of: "]") else {
                    throw SyntaxError(pattern: text, position: i + 1, reason: "'[' without ']'")
                }
                let body = Array(chars[(i + 1)..<close])
                var set = Set<Character>()
                var k = 0
                while k < body.count {
                    if k + 2 < body.count, body[k + 1] == "-",
                       let lo = body[k].wholeNumberValue, let hi = body[k + 2].wholeNumberValue, lo <= hi {
                        for d in lo...hi { set.insert(Character(String(d))) }
                        k += 3
                    } else if Self.dialable.contains(body[k]) {
                        set.insert(Character(body[k].uppercased()))
                        k += 1
                    } else {
                        throw SyntaxError(pattern: text, position: i + 2 + k, reason: "'\(body[k])' in a set is not a digit or range")
                    }
                }
                guard !set.isEmpty else { throw SyntaxError(pattern: text, position: i + 1, reason: "empty set []") }
                parsed.append(.set(set))
                i = close
            default:
                guard Self.dialable.contains(c) else {
                    throw SyntaxError(pattern: text, position: i + 1, reason: "'\(c)' is not a digit or pattern letter")
                }
                parsed.append(.set([Character(c.uppercased())]))
            }
            i += 1
        }
        elements = parsed
    }

    /// Whether `number` matches the whole pattern.
    public func matches(_ number: String) -> Bool {
        let digits = Array(number.uppercased())
        if let exact { return String(digits) == exact }
        return match(digits[...], elements[...])
    }

    /// Whether more digits could still make `number` match (for overlap receiving: keep
    /// collecting while some route could match).
    public func couldMatch(afterMore number: String) -> Bool {
        let digits = Array(number.uppercased())
        if let exact { return exact.hasPrefix(String(digits)) && exact.count > digits.count }
        var k = 0
        for element in elements {
            if k == digits.count { return true }
            switch element {
            case .set(let s):
                guard s.contains(digits[k]) else { return false }
                k += 1
            case .oneOrMore, .zeroOrMore:
                return true
            }
        }
        return false
    }

    private func match(_ digits: ArraySlice<Character>, _ pattern: ArraySlice<Element>) -> Bool {
        guard let first = pattern.first else { return digits.isEmpty }
        switch first {
        case .set(let s):
            guard let d = digits.first, s.contains(d) else { return false }
            return match(digits.dropFirst(), pattern.dropFirst())
        case .oneOrMore: return !digits.isEmpty
        case .zeroOrMore: return true
        }
    }

    public var description: String { text }
}
