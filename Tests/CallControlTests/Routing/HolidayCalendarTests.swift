import Testing
@testable import CallControl

@Suite("Holiday calendar")
struct HolidayCalendarTests {
    // 2026-11-23 is a Monday; noon UTC is 20:00 in Shanghai, still the 23rd.
    let mondayNoonUTC = WallTime(secondsSince1970: 1_795_435_200)

    @Test("dates and ranges, across a month's and a year's end and a leap day")
    func ranges() throws {
        let c = try HolidayCalendar(parsing: ["2026-10-01..2026-10-07", "2026-12-31..2027-01-02", "2028-02-28..2028-03-01"])
        #expect(c.days.count == 7 + 3 + 3)
        #expect(c.contains(HolidayCalendar.Day("2028-02-29")!))
        #expect(c.contains(HolidayCalendar.Day("2027-01-01")!))
        #expect(!c.contains(HolidayCalendar.Day("2026-10-08")!))
        #expect(HolidayCalendar.Day("2027-02-29") == nil, "2027 is not a leap year")
    }

    @Test("malformed entries are refused with the entry named", arguments: [
        "", "2026-13-01", "2026-02-30", "26-10-01", "2026-1-1", "2026-10-07..2026-10-01", "2026-01-01..2028-01-01",
        "2026-10-01...2026-10-02", "holiday", "2026-10-01..2026-10-02..2026-10-03",
    ])
    func malformed(_ entry: String) {
        #expect(throws: HolidayCalendar.SyntaxError.self) { try HolidayCalendar(parsing: [entry]) }
    }

    @Test("a holiday window applies only on the calendar's days, in its own time zone")
    func holidayWindow() throws {
        let window = try TimeWindow(parsing: "holiday", timeZone: "Asia/Shanghai")
        #expect(window.holidaysOnly)
        #expect(!window.contains(mondayNoonUTC), "no calendar: never")
        #expect(window.contains(mondayNoonUTC, holidays: try HolidayCalendar(parsing: ["2026-11-23"])))
        #expect(!window.contains(mondayNoonUTC, holidays: try HolidayCalendar(parsing: ["2026-11-24"])))
        let tokyoMorning = try TimeWindow(parsing: "holiday 00:00-12:00", timeZone: "Asia/Tokyo")
        // Noon UTC on the 23rd is 21:00 on the 23rd in Tokyo: a holiday, but outside the hours.
        #expect(!tokyoMorning.contains(mondayNoonUTC, holidays: try HolidayCalendar(parsing: ["2026-11-23"])))
    }

    @Test("the routing table sends a holiday's calls to the holiday route placed first, other days on")
    func routing() throws {
        var table = RoutingTable(routes: [
            .init(called: try NumberPattern("95588"), windows: [try TimeWindow(parsing: "holiday", timeZone: "UTC")],
                  destination: .application(name: "ivr", argument: "holiday")),
            .init(called: try NumberPattern("95588"), destination: .application(name: "ivr", argument: "day")),
        ])
        let decide = { (t: RoutingTable) in t.decide(trunkGroup: "g", called: "95588", calling: nil, complete: true, at: mondayNoonUTC) }
        #expect(decide(table) == .route(.application(name: "ivr", argument: "day"), origin: ""))
        table.holidays = try HolidayCalendar(parsing: ["2026-11-23"])
        #expect(decide(table) == .route(.application(name: "ivr", argument: "holiday"), origin: ""))
    }
}
