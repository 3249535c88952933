/// DTMF caller ID (ETSI EN 300 659-1 Annex B and the common national forms): the digits sent
/// before the first ring, and how to read them.
///
/// Accepted, as Asterisk accepts them: `A<number>C` or `D<number>C` (D is the Chinese and
/// Danish start code), `A<number>#`, `B00C` (number unavailable), `B10C` (restricted),
/// `D1#` (restricted), `D2#`/`D3#` (unavailable), and bare digits with no framing.
public enum DTMFCallerID {
    /// The longest DTMF caller ID accepted; more digits are taken for noise.
    public static let maximumLength = 32

    /// Whether `digits` holds a complete caller ID (an end code has arrived).
    public static func isComplete(_ digits: String) -> Bool {
        guard let first = digits.first, "ABD".contains(first), digits.count >= 2 else { return false }
        return digits.last == "C" || digits.last == "#"
    }

    /// Read a received string. Throws with a reason when it is malformed (no end code, a letter
    /// inside the number, an unknown special code).
    public static func parse(_ digits: String) throws(CallerIDFormatError) -> CallerID {
        let chars = Array(digits)
        guard chars.count >= 2, chars.count <= maximumLength else {
            throw CallerIDFormatError("DTMF caller ID \"\(digits)\" has \(chars.count) digits")
        }
        let body = chars.dropFirst().dropLast()
        switch chars[0] {
        case "B":
            guard chars.last == "C" else { throw CallerIDFormatError("DTMF caller ID \"\(digits)\" lacks its end code C") }
            switch String(body) {
            case "00": return CallerID(numberAbsence: .unavailable)
            case "10": return CallerID(numberAbsence: .restricted)
            default: throw CallerIDFormatError("DTMF caller ID \"\(digits)\" has an unknown special code")
            }
        case "D" where chars.count == 3 && chars[2] == "#":
            switch chars[1] {
            case "1": return CallerID(numberAbsence: .restricted)
            case "2", "3": return CallerID(numberAbsence: .unavailable)
            default: throw CallerIDFormatError("DTMF caller ID \"\(digits)\" has an unknown special code")
            }
        case "A", "D":
            guard chars.last == "C" || chars.last == "#" else {
                throw CallerIDFormatError("DTMF caller ID \"\(digits)\" lacks its end code (C or #)")
            }
            guard !body.isEmpty, body.allSatisfy(\.isASCIIDigit) else {
                throw CallerIDFormatError("DTMF caller ID \"\(digits)\" holds no number or a non-digit in it")
            }
            return CallerID(number: String(body))
        default:
            guard chars.allSatisfy(\.isASCIIDigit) else {
                throw CallerIDFormatError("DTMF caller ID \"\(digits)\" has no known start code")
            }
            return CallerID(number: digits)
        }
    }

    /// The digits to send for `callerID`: `A<number>C`, or `B10C`/`B00C` when there is no number.
    public static func encode(_ callerID: CallerID) -> String {
        if let number = callerID.number, !number.isEmpty, number.count < maximumLength - 2,
           number.allSatisfy(\.isASCIIDigit) {
            return "A\(number)C"
        }
        return callerID.numberAbsence == .restricted ? "B10C" : "B00C"
    }
}

/// Caller ID that could not be read; the call still arrives, without a number.
public struct CallerIDFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
