import Glibc
import Synchronization

/// When a route applies: days of the week and a time of day range, in a named time zone
/// (`Asia/Shanghai`, `America/Chicago`) or the server's. A range whose end is before its start
/// runs past midnight (22:00-06:00). The word `holiday` limits the window to the days of the
/// holiday calendar (`holiday`, `holiday 09:00-12:00`).
public struct TimeWindow: Sendable, Hashable {
    /// ISO weekdays, 1 = Monday ... 7 = Sunday.
    public var days: Set<Int>
    /// Minutes after midnight, start inclusive, end exclusive.
    public var startMinute: Int
    public var endMinute: Int
    public var timeZone: String?
    /// Only on the days of the holiday calendar.
    public var holidaysOnly = false

    public init(days: Set<Int> = Set(1...7), startMinute: Int = 0, endMinute: Int = 24 * 60, timeZone: String? = nil,
                holidaysOnly: Bool = false) {
        self.holidaysOnly = holidaysOnly
        self.days = days
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.timeZone = timeZone
    }

    /// Why a window's text could not be read.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public let text: String
        public let reason: String
        public var description: String { "time window \"\(text)\": \(reason)" }
    }

    private static let dayNames = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]

    /// Parse `mon-fri 08:30-18:00`, `sat,sun`, `09:00-17:00`, `holiday` or `*`.
    public init(parsing text: String, timeZone: String? = nil) throws(SyntaxError) {
        self.init(timeZone: timeZone)
        let words = text.lowercased().split(separator: " ").map(String.init)
        guard !words.isEmpty, words.count <= 2 else {
            throw SyntaxError(text: text, reason: "expected [DAYS|holiday] [HH:MM-HH:MM]")
        }
        for word in words where word != "*" {
            if word == "holiday" || word == "holidays" {
                holidaysOnly = true
            } else if word.contains(":") {
                let parts = word.split(separator: "-").map(String.init)
                guard parts.count == 2, let a = Self.minutes(parts[0]), let b = Self.minutes(parts[1]) else {
                    throw SyntaxError(text: text, reason: "time range \"\(word)\" is not HH:MM-HH:MM")
                }
                startMinute = a
                endMinute = b
            } else {
                var set = Set<Int>()
                for item in word.split(separator: ",") {
                    let ends = item.split(separator: "-").map(String.init)
                    guard (1...2).contains(ends.count), let lo = Self.dayNames[ends[0]],
                          let hi = Self.dayNames[ends.last!] else {
                        throw SyntaxError(text: text, reason: "\"\(item)\" is not a day or day range (mon..sun)")
                    }
                    var d = lo
                    while true {
                        set.insert(d)
                        if d == hi { break }
                        d = d % 7 + 1
                    }
                }
                days = set
            }
        }
    }

    private static func minutes(_ s: String) -> Int? {
        let hm = s.split(separator: ":")
        guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0...24).contains(h), (0..<60).contains(m),
              h * 60 + m <= 24 * 60 else { return nil }
        return h * 60 + m
    }

    /// Whether the window contains `time`; `holidays` is the calendar `holiday` windows use.
    public func contains(_ time: WallTime, holidays: HolidayCalendar = HolidayCalendar()) -> Bool {
        let (weekday, minute, date) = LocalTime.weekdayAndMinute(of: time, timeZone: timeZone)
        if holidaysOnly, !holidays.contains(date) { return false }
        if startMinute <= endMinute {
            return days.contains(weekday) && minute >= startMinute && minute < endMinute
        }
        // Past midnight: the early part belongs to the previous day's window.
        if minute >= startMinute { return days.contains(weekday) }
        let previous = weekday == 1 ? 7 : weekday - 1
        return minute < endMinute && days.contains(previous)
    }
}

/// Local calendar time through the C library's zone database.
enum LocalTime {
    /// TZ is process-wide: switching it must not interleave.
    private static let lock = Mutex(())

    /// ISO weekday (1 = Monday), minute of the day and date of `time` in `timeZone` (nil: the server's).
    static func weekdayAndMinute(of time: WallTime, timeZone: String?) -> (Int, Int, HolidayCalendar.Day) {
        var t = time_t(time.secondsSince1970.rounded(.down))
        var parts = tm()
        lock.withLock { _ in
            if let timeZone {
                let saved = getenv("TZ").map { String(cString: $0) }
                setenv("TZ", timeZone, 1)
                tzset()
                localtime_r(&t, &parts)
                if let saved { setenv("TZ", saved, 1) } else { unsetenv("TZ") }
                tzset()
            } else {
                localtime_r(&t, &parts)
            }
        }
        let weekday = parts.tm_wday == 0 ? 7 : Int(parts.tm_wday)
        let day = HolidayCalendar.Day(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
        return (weekday, Int(parts.tm_hour) * 60 + Int(parts.tm_min), day)
    }
}
