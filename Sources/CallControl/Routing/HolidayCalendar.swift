/// The days a call center treats as holidays (public holidays, closures): routes with a
/// `holiday` window apply on them. Written as dates and date ranges, `2026-10-01` or
/// `2026-10-01..2026-10-07`, each taken in the route's time zone.
public struct HolidayCalendar: Sendable, Hashable {
    /// A calendar day.
    public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var year: Int
        public var month: Int
        public var day: Int

        public init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }

        /// `YYYY-MM-DD`, or nil when it is not a real date.
        public init?(_ text: some StringProtocol) {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                  let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
                  (1...12).contains(m), d >= 1, d <= Self.length(ofMonth: m, year: y) else { return nil }
            self.init(year: y, month: m, day: d)
        }

        static func length(ofMonth month: Int, year: Int) -> Int {
            switch month {
            case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
            case 4, 6, 9, 11: return 30
            default: return 31
            }
        }

        /// The day after.
        var next: Day {
            if day < Self.length(ofMonth: month, year: year) { return Day(year: year, month: month, day: day + 1) }
            return month == 12 ? Day(year: year + 1, month: 1, day: 1) : Day(year: year, month: month + 1, day: 1)
        }

        public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

        public var description: String {
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            return "\(year)-\(two(month))-\(two(day))"
        }
    }

    /// Why an entry of the calendar could not be read.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public let text: String
        public let reason: String
        public var description: String { "holiday \"\(text)\": \(reason)" }
    }

    public private(set) var days: Set<Day> = []

    public init() {}

    /// Read entries such as `2026-10-01` and `2026-10-01..2026-10-07` (at most a year each).
    public init(parsing entries: [String]) throws(SyntaxError) {
        for entry in entries {
            let ends = entry.split(separator: ".", omittingEmptySubsequences: true)
            guard (1...2).contains(ends.count), !entry.contains("..."),
                  let first = Day(ends[0].trimmingCharacters(in: " ")), let last = Day(ends.last!.trimmingCharacters(in: " ")) else {
                throw SyntaxError(text: entry, reason: "expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD with real dates")
            }
            guard first <= last else { throw SyntaxError(text: entry, reason: "the range ends before it starts") }
            var day = first
            var count = 0
            while true {
                days.insert(day)
                count += 1
                if day == last { break }
                guard count < 366 else { throw SyntaxError(text: entry, reason: "a range may span at most a year") }
                day = day.next
            }
        }
    }

    public func contains(_ day: Day) -> Bool { days.contains(day) }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
