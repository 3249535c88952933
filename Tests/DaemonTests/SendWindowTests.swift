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
