@testable import Daemon
import Foundation
import Testing

@Suite("Fax send window and retry waits")
struct SendWindowTests {
    static var utc: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }

    static func at(_ hour: Int, _ minute: Int) -> Date {
        Date(timeIntervalSince1970: Double(20_000 * 86_400 + hour * 3600 + minute * 60))
    }

    @Test("a day window and one over midnight contain the right times; the next opening is today or tomorrow")
    func windows() throws {
        let day = try #require(SendWindow("08:00-20:00"))
        #expect(day.contains(Self.at(8, 0), calendar: Self.utc) && day.contains(Self.at(19, 59), calendar: Self.utc))
        #expect(!day.contains(Self.at(20, 0), calendar: Self.utc) && !day.contains(Self.at(7, 59), calendar: Self.utc))
        #expect(day.nextOpening(after: Self.at(6, 30), calendar: Self.utc) == Self.at(8, 0))
        #expect(day.nextOpening(after: Self.at(21, 0), calendar: Self.utc) == Self.at(8, 0).addingTimeInterval(86_400))
        let night = try #require(SendWindow("22:00-06:00"))
        #expect(night.contains(Self.at(23, 0), calendar: Self.utc) && night.contains(Self.at(5, 0), calendar: Self.utc))
        #expect(!night.contains(Self.at(12, 0), calendar: Self.utc))
    }

    static func calendar(_ zone: String) throws -> Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = try #require(TimeZone(identifier: zone))
        return c
    }

    static func utcDate(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text), "\(text)")
    }

    @Test("a window is read in the job's time zone, else the configured one; the next opening keeps its wall-clock time across a change of the clocks")
    func timeZones() throws {
        let day = try #require(SendWindow("08:00-20:00"))
        let newYork = try Self.calendar("America/New_York"), shanghai = try Self.calendar("Asia/Shanghai")
        // 2026-12-07 14:00 UTC is 09:00 in New York and 22:00 in Shanghai.
        let moment = try Self.utcDate("2026-12-07T14:00:00Z")
        #expect(day.contains(moment, calendar: newYork) && !day.contains(moment, calendar: shanghai))
        #expect(day.nextOpening(after: moment, calendar: shanghai) == (try Self.utcDate("2026-12-08T00:00:00Z")))
        // New York moves its clocks forward on 2026-03-08: 08:00 that day is 12:00 UTC, not 13:00.
        let beforeChange = try Self.utcDate("2026-03-08T03:00:00Z")  // 22:00 on the 7th in New York
        #expect(day.nextOpening(after: beforeChange, calendar: newYork) == (try Self.utcDate("2026-03-08T12:00:00Z")))
        let afterChange = try Self.utcDate("2026-03-08T07:30:00Z")  // 03:30 on the 8th, an hour after 01:30
        #expect(day.nextOpening(after: afterChange, calendar: newYork) == (try Self.utcDate("2026-03-08T12:00:00Z")))
        // New York's clocks go back on 2026-11-01: 01:10 EST comes after 01:30 EDT; 01:30 EST is next.
        let early = try #require(SendWindow("01:30-03:00"))
        let repeated = try Self.utcDate("2026-11-01T06:10:00Z")
        #expect(early.nextOpening(after: repeated, calendar: newYork) == (try Self.utcDate("2026-11-01T06:30:00Z")))
        // Over midnight in Shanghai: at noon the next opening is 22:00 (14:00 UTC).
        let night = try #require(SendWindow("22:00-06:00"))
        #expect(night.contains(try Self.utcDate("2026-12-07T16:00:00Z"), calendar: shanghai))
        #expect(night.nextOpening(after: try Self.utcDate("2026-12-07T04:00:00Z"), calendar: shanghai)
                == (try Self.utcDate("2026-12-07T14:00:00Z")))
        let options = FaxOptions(dir: "/f", window: "08:00-20:00", time_zone: "Asia/Shanghai")
        #expect(options.windowCalendar(jobTimeZone: nil).timeZone.identifier == "Asia/Shanghai")
        #expect(options.windowCalendar(jobTimeZone: "America/New_York").timeZone.identifier == "America/New_York")
        #expect(options.windowCalendar(jobTimeZone: "Nowhere/Atlantis").timeZone.identifier == "Asia/Shanghai",
                "a job's zone that no longer resolves falls back to the configured one")
        #expect(FaxOptions(dir: "/f").windowCalendar(jobTimeZone: nil).timeZone == .current)
    }

    @Test("malformed windows are refused", arguments: ["", "8-20", "08:00", "08:00-08:00", "24:00-01:00", "08:60-09:00", "a:b-c:d", "08:00-20:00-21:00"])
    func malformed(text: String) {
        #expect(SendWindow(text) == nil)
    }

    @Test("the wait before each retry follows the list, its last entry repeating")
    func retryDelays() {
        let options = FaxOptions(dir: "/f", retry_after_s: [10, 60])
        #expect([1, 2, 3, 7].map(options.retryDelay(after:)) == [10, 60, 60, 60])
        #expect(FaxOptions(dir: "/f").retryDelay(after: 1) == 60)
    }
}
