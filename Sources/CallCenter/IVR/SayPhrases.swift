import Foundation

/// How numbers, amounts, digit strings, dates and times are spoken from recorded fragments, in
/// Mandarin (`zh`) and English (`en`): each function returns prompt names within the language's
/// folder (`numbers/5`, `money/yuan`...), or nil when the value cannot be read.
public enum SayPhrases {
    /// Each character on its own: 0-9, * and #.
    public static func digits(_ text: String) -> [String]? {
        var out: [String] = []
        for c in text {
            switch c {
            case "0"..."9": out.append("digits/\(c)")
            case "*": out.append("digits/star")
            case "#": out.append("digits/pound")
            default: return nil
            }
        }
        return out.isEmpty ? nil : out
    }

    /// A whole number, negative or not, up to a trillion.
    public static func number(_ value: Int, language: String) -> [String]? {
        guard abs(value) < 1_000_000_000_000 else { return nil }
        let sign = value < 0 ? ["numbers/minus"] : []
        return sign + (language == "zh" ? mandarin(abs(value)) : english(abs(value)))
    }

    /// A number given as text ("1234", "-5").
    public static func number(_ text: String, language: String) -> [String]? {
        Int(text.trimmingCharacters(in: .whitespaces)).flatMap { number($0, language: language) }
    }

    /// An amount such as "1234.56": yuan, jiao and fen (CNY) or dollars and cents (USD).
    public static func money(_ text: String, language: String, currency: String) -> [String]? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let negative = trimmed.hasPrefix("-")
        let body = negative ? String(trimmed.dropFirst()) : trimmed
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int(parts[0].isEmpty ? "0" : parts[0]), whole < 1_000_000_000_000 else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.allSatisfy(\.isNumber), fraction.count <= 2 else { return nil }
        while fraction.count < 2 { fraction += "0" }
        let tenths = Int(String(fraction.first!))!, hundredths = Int(String(fraction.last!))!
        var out = negative ? ["numbers/minus"] : []
        switch (language, currency) {
        case ("zh", "CNY"):
            if whole > 0 || (tenths == 0 && hundredths == 0) { out += mandarin(whole) + ["money/yuan"] }
            if tenths == 0 && hundredths == 0 { return out + ["money/zheng"] }
            if tenths > 0 { out += mandarin(tenths) + ["money/jiao"] } else if whole > 0 { out.append("numbers/0") }
            if hundredths > 0 { out += mandarin(hundredths) + ["money/fen"] }
            return out
        case ("zh", _):
            out += mandarin(whole) + ["money/dollars"]
            let cents = tenths * 10 + hundredths
            return cents > 0 ? out + mandarin(cents) + ["money/cents"] : out
        case (_, "USD"):
            let cents = tenths * 10 + hundredths
            if whole > 0 || cents == 0 { out += english(whole) + [whole == 1 ? "money/dollar" : "money/dollars"] }
            if whole > 0 && cents > 0 { out.append("money/and") }
            if cents > 0 { out += english(cents) + [cents == 1 ? "money/cent" : "money/cents"] }
            return out
        default:
            out += english(whole)
            if tenths > 0 || hundredths > 0 { out += ["numbers/point", "numbers/\(tenths)"] + (hundredths > 0 ? ["numbers/\(hundredths)"] : []) }
            return out + ["money/yuan"]
        }
    }

    /// A date written `YYYY-MM-DD`.
    public static func date(_ text: String, language: String) -> [String]? {
        let p = text.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3, (1...9999).contains(p[0]), (1...12).contains(p[1]), (1...31).contains(p[2]) else { return nil }
        if language == "zh" {
            let year = String(p[0]).map { "numbers/\($0)" }
            return year + ["time/year"] + mandarin(p[1]) + ["time/month"] + mandarin(p[2]) + ["time/hao"]
        }
        return ["months/\(p[1])", "ordinals/\(p[2])"] + english(p[0])
    }

    /// A time of day written `HH:MM` (24 hours), spoken on the 12-hour clock.
    public static func time(_ text: String, language: String) -> [String]? {
        let p = text.split(separator: ":").compactMap { Int($0) }
        guard p.count == 2, (0...23).contains(p[0]), (0...59).contains(p[1]) else { return nil }
        let hour12 = p[0] % 12 == 0 ? 12 : p[0] % 12
        let half = p[0] < 12 ? "time/am" : "time/pm"
        if language == "zh" {
            return [half] + mandarin(hour12) + ["time/oclock"] + (p[1] == 0 ? ["time/zheng"] : mandarin(p[1]) + ["time/minute"])
        }
        return english(hour12) + (p[1] == 0 ? ["time/oclock"] : (p[1] < 10 ? ["numbers/0"] : []) + english(p[1])) + [half]
    }

    // MARK: Mandarin

    /// Chinese reading in groups of four digits (万, 亿), with 零 for gaps and 两 before 百, 千, 万, 亿.
    static func mandarin(_ n: Int) -> [String] {
        guard n > 0 else { return ["numbers/0"] }
        let groups = [(n / 100_000_000, "numbers/yi"), (n / 10_000 % 10_000, "numbers/wan"), (n % 10_000, "")]
        var out: [String] = []
        var started = false
        var gap = false
        for (value, unit) in groups {
            if value == 0 {
                if started { gap = true }
                continue
            }
            if started && (gap || value < 1000) { out.append("numbers/0") }
            if value == 2 && !unit.isEmpty {
                out.append("numbers/liang")
            } else {
                out += mandarinGroup(value, leading: !started)
            }
            if !unit.isEmpty { out.append(unit) }
            started = true
            gap = false
        }
        return out
    }

    /// One group of up to four digits.
    static func mandarinGroup(_ n: Int, leading: Bool) -> [String] {
        let places = [(n / 1000, "numbers/thousand"), (n / 100 % 10, "numbers/hundred"), (n / 10 % 10, "numbers/10"), (n % 10, "")]
        var out: [String] = []
        var started = false
        var zero = false
        for (i, (d, unit)) in places.enumerated() {
            if d == 0 {
                if started { zero = true }
                continue
            }
            if zero { out.append("numbers/0") }
            zero = false
            if i == 2 && d == 1 && !started && leading {
                out.append("numbers/10") // 十, not 一十, at the head of a number
            } else {
                out.append(d == 2 && i < 2 ? "numbers/liang" : "numbers/\(d)")
                if !unit.isEmpty { out.append(unit) }
            }
            started = true
        }
        return out
    }

    // MARK: English

    static func english(_ n: Int) -> [String] {
        guard n > 0 else { return ["numbers/0"] }
        var out: [String] = []
        var rest = n
        for (size, word) in [(1_000_000_000, "numbers/billion"), (1_000_000, "numbers/million"), (1000, "numbers/thousand")] where rest >= size {
            out += englishBelowThousand(rest / size) + [word]
            rest %= size
        }
        if rest > 0 { out += englishBelowThousand(rest) }
        return out
    }

    static func englishBelowThousand(_ n: Int) -> [String] {
        var out: [String] = []
        if n >= 100 { out += ["numbers/\(n / 100)", "numbers/hundred"] }
        let r = n % 100
        if r >= 20 {
            out.append("numbers/\(r / 10 * 10)")
            if r % 10 > 0 { out.append("numbers/\(r % 10)") }
        } else if r > 0 {
            out.append("numbers/\(r)")
        }
        return out
    }
}
