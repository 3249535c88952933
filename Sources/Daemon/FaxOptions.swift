import FaxService
import Foundation

/// Fax as configured: where faxes and jobs' pages go, how the engine presents itself, and how
/// send jobs are retried. Calls routed to `{ app: fax }` are received as faxes.
///
/// ```yaml
/// fax:
///   dir: /var/spool/pstnd/fax
///   ident: "+86 10 5550 0000"     # station ident (TSI/CSI): digits, spaces, +
///   header: "Example Bank"        # top line of sent pages, with date, time and page number
///   ecm: true
///   v17: true                     # false: V.29/V.27ter only (9600 bps at most)
///   pdf: true                     # a PDF beside each received TIFF
///   resolution: fine              # what documents are rendered at: fine or standard
///   attempts: 3                   # per job
///   retry_after_s: [60, 300]      # wait before attempt 2, 3, ... (the last repeats)
///   busy_retry_s: 30              # wait after a busy destination
///   answer_timeout_s: 60          # ringing before an attempt counts as unanswered
///   window: "08:00-20:00"         # send only between these local times (none: any time)
///   time_zone: Asia/Shanghai      # the zone the window is read in (the daemon's by default);
///                                 # a job may name its recipient's (fax.send time_zone)
///   library:                      # fax-on-demand: documents by number, for IVR fax nodes
///     "101": docs/rates.pdf
///     "102": docs/form.txt
///   callback_trunk_group: carrier # where fax-on-demand callbacks are dialled
/// ```
public struct FaxOptions: Sendable, Codable, Equatable {
    public var dir: String
    public var ident: String?
    public var header: String?
    public var ecm: Bool?
    public var v17: Bool?
    public var pdf: Bool?
    public var resolution: String?
    public var attempts: Int?
    public var retry_after_s: [Double]?
    public var busy_retry_s: Double?
    public var answer_timeout_s: Double?
    public var window: String?
    public var time_zone: String?
    public var library: [String: String]?
    public var callback_trunk_group: String?

    func problems() -> [String] {
        var out: [String] = []
        if dir.isEmpty { out.append("fax.dir must name a folder") }
        if let ident, ident.count > 20 || !ident.allSatisfy({ "0123456789 +".contains($0) }) {
            out.append("fax.ident must be up to 20 digits, spaces and +, not \(ident)")
        }
        if let header, header.count > 50 || !header.allSatisfy({ $0.isASCII && !$0.isNewline }) {
            out.append("fax.header must be one line of up to 50 ASCII characters")
        }
        if let r = resolution, FaxResolution(rawValue: r) == nil { out.append("fax.resolution must be fine or standard, not \(r)") }
        if let n = attempts, !(1...20).contains(n) { out.append("fax.attempts must be 1-20") }
        if let delays = retry_after_s, delays.isEmpty || delays.contains(where: { !(0...86_400).contains($0) }) {
            out.append("fax.retry_after_s must list waits of 0-86400 seconds")
        }
        if let s = busy_retry_s, !(0...86_400).contains(s) { out.append("fax.busy_retry_s must be 0-86400 seconds") }
        if let s = answer_timeout_s, !(5...600).contains(s) { out.append("fax.answer_timeout_s must be 5-600 seconds") }
        if let w = window, SendWindow(w) == nil { out.append("fax.window must be HH:MM-HH:MM, not \(w)") }
        if let zone = time_zone, TimeZone(identifier: zone) == nil {
            out.append("fax.time_zone must be an IANA time zone such as Asia/Shanghai or America/New_York, not \(zone)")
        }
        for (number, document) in (library ?? [:]).sorted(by: { $0.key < $1.key }) {
            if number.isEmpty || number.count > 12 || !number.allSatisfy(\.isNumber) {
                out.append("fax.library: document numbers are 1-12 digits, not \(number)")
            }
            if FaxDocumentConverter.kind(of: document) == nil {
                out.append("fax.library \(number): \(document) is not a document type fax takes (PDF, PostScript, TIFF, text, PNG or JPEG)")
            }
        }
        return out
    }

    var sessionOptions: FaxSession.Options {
        FaxSession.Options(ident: ident ?? "", headerInfo: header, ecm: ecm ?? true, v17: v17 ?? true)
    }

    /// The calendar a job's send window is read in: the job's own time zone, else the
    /// configured one, else the daemon's.
    func windowCalendar(jobTimeZone: String?) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = jobTimeZone.flatMap(TimeZone.init(identifier:)) ?? time_zone.flatMap(TimeZone.init(identifier:)) ?? .current
        return calendar
    }

    var documentResolution: FaxResolution { resolution.flatMap(FaxResolution.init(rawValue:)) ?? .fine }

    /// The wait before the attempt after `attempt` (1-based) failed for a reason other than busy.
    func retryDelay(after attempt: Int) -> Double {
        let delays = retry_after_s ?? [60, 300]
        return delays[min(max(0, attempt - 1), delays.count - 1)]
    }
}

/// Local times of day between which fax jobs are sent (`08:00-20:00`; `22:00-06:00` spans midnight).
public struct SendWindow: Sendable, Equatable {
    public let start: Int
    public let end: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let a = Self.minutes(parts[0]), let b = Self.minutes(parts[1]), a != b else { return nil }
        start = a
        end = b
    }

    private static func minutes(_ s: Substring) -> Int? {
        let hm = s.split(separator: ":")
        guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0...23).contains(h), (0...59).contains(m) else { return nil }
        return h * 60 + m
    }

    /// Whether `date` (local time) is inside the window.
    public func contains(_ date: Date, calendar: Calendar = .current) -> Bool {
        let c = calendar.dateComponents([.hour, .minute], from: date)
        let now = (c.hour ?? 0) * 60 + (c.minute ?? 0)
        return start < end ? (start..<end).contains(now) : (now >= start || now < end)
    }

    /// The next time at or after `date` the window is open. Wall-clock arithmetic in the
    /// calendar's zone, so a day that changes the clocks still opens at the window's time.
    public func nextOpening(after date: Date, calendar: Calendar = .current) -> Date {
        if contains(date, calendar: calendar) { return date }
        let (hour, minute) = (start / 60, start % 60)
        let today = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: date) ?? date
        if today > date { return today }
        // The day the clocks go back repeats an hour: the window's time may come round again.
        if let again = calendar.nextDate(after: date, matching: DateComponents(hour: hour, minute: minute),
                                         matchingPolicy: .nextTime, repeatedTimePolicy: .last),
           calendar.isDate(again, inSameDayAs: date) {
            return again
        }
        let tomorrow = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: date)) ?? date.addingTimeInterval(86_400)
        return calendar.date(bySettingHour: hour, minute: minute, second: 0, of: tomorrow) ?? tomorrow
    }
}
