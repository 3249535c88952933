import Testing
@testable import CallControl

@Suite("Time windows")
struct TimeWindowTests {
    // 2026-11-23 is a Monday.
    let mondayNoonUTC = WallTime(secondsSince1970: 1_795_435_200)

    @Test("days and hours in a named zone")
    func workingHours() throws {
        let shanghai = try TimeWindow(parsing: "mon-fri 08:30-18:00", timeZone: "Asia/Shanghai")
        // Noon UTC is 20:00 in Shanghai: after hours.
        #expect(!shanghai.contains(mondayNoonUTC))
        let utc = try TimeWindow(parsing: "mon-fri 08:30-18:00", timeZone: "UTC")
        #expect(utc.contains(mondayNoonUTC))
        let weekend = try TimeWindow(parsing: "sat,sun", timeZone: "UTC")
        #expect(!weekend.contains(mondayNoonUTC))
    }

    @Test("a window past midnight belongs to the day it starts")
    func overnight() throws {
        let night = try TimeWindow(parsing: "sun 22:00-06:00", timeZone: "UTC")
        let mondayThreeAM = WallTime(secondsSince1970: 1_795_435_200 - 9 * 3600)
        #expect(night.contains(mondayThreeAM), "Sunday night runs into Monday morning")
        #expect(!night.contains(mondayNoonUTC))
    }

    @Test("malformed windows are refused", arguments: ["", "mon-fry", "25:00-26:00", "08:00", "mon 08:00-09:00 extra", "8-9"])
    func malformed(_ text: String) {
        #expect(throws: TimeWindow.SyntaxError.self) { try TimeWindow(parsing: text) }
    }
}
