import CallCenter
import CallControl
import Control
import Foundation

/// An outbound campaign as written under `acd.campaigns`: progressive and agent first. While a
/// campaign runs, each ready agent of its queue (when nobody waits in the queue and its
/// reserved idle agents stay free) gets the next due contact: their phone rings, and when they
/// answer the contact is dialled on the trunk group with the campaign's calling number.
///
/// ```yaml
/// acd:
///   campaigns:
///     - { name: card-reminders, queue: sales, trunk_group: carrier, calling: "95501",
///         window: "mon-sat 09:00-20:00", time_zone: Asia/Shanghai, max_attempts: 3,
///         retry_s: 1800, busy_retry_s: 300, no_answer_s: 30, agent_ring_s: 15, wrapup_s: 5, start: false }
/// ```
public struct CampaignOptions: Sendable, Codable, Equatable {
    public var name: String
    public var queue: String
    public var trunk_group: String
    /// The calling number contacts see (the trunk's by default).
    public var calling: String?
    /// When contacts may be called (`mon-fri 09:00-18:00`; always by default).
    public var window: String?
    /// The zone the window is read in (the daemon's by default).
    public var time_zone: String?
    public var max_attempts: Int?
    public var retry_s: Double?
    public var busy_retry_s: Double?
    public var no_answer_s: Double?
    public var agent_ring_s: Double?
    public var wrapup_s: Double?
    /// Whether the campaign runs when the daemon first starts (an operator's start or pause
    /// since is kept in the store and wins).
    public var start: Bool?

    /// The settings the dialer works with; nil when the window does not parse (a problem the
    /// configuration check reports).
    var settings: CampaignSettings? {
        var window: TimeWindow?
        if let text = self.window {
            guard let parsed = try? TimeWindow(parsing: text, timeZone: time_zone) else { return nil }
            window = parsed
        }
        let defaults = CampaignSettings(name: name, queue: queue, trunkGroup: trunk_group)
        return CampaignSettings(name: name, queue: queue, trunkGroup: trunk_group, callingNumber: calling, window: window,
                                maxAttempts: max_attempts ?? defaults.maxAttempts, retrySeconds: retry_s ?? defaults.retrySeconds,
                                busyRetrySeconds: busy_retry_s ?? defaults.busyRetrySeconds,
                                noAnswerSeconds: no_answer_s ?? defaults.noAnswerSeconds,
                                agentRingSeconds: agent_ring_s ?? defaults.agentRingSeconds,
                                wrapUpSeconds: wrapup_s ?? defaults.wrapUpSeconds)
    }

    /// Every problem with the campaigns, given the queues and trunk groups configured.
    static func problems(_ campaigns: [CampaignOptions], queues: Set<String>, groups: Set<String>) -> [String] {
        var out: [String] = []
        var names: Set<String> = []
        for (i, c) in campaigns.enumerated() {
            let at = "acd.campaigns[\(i)] (\(c.name))"
            if c.name.isEmpty || c.name.utf8.count > 64 || !c.name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
                out.append("\(at): a campaign's name is 1-64 letters, digits, - _ or .")
            }
            if !names.insert(c.name).inserted { out.append("\(at): two campaigns are named \(c.name)") }
            if !queues.contains(c.queue) { out.append("\(at): no queue \(c.queue)") }
            if !groups.contains(c.trunk_group) { out.append("\(at): no trunk group \(c.trunk_group)") }
            if let n = c.calling, !ContactList.isDialable(n) {
                out.append("\(at): calling must be a number (digits), not \(n)")
            }
            if let w = c.window {
                do { _ = try TimeWindow(parsing: w) } catch { out.append("\(at): window: \(error)") }
            }
            if let zone = c.time_zone, TimeZone(identifier: zone) == nil {
                out.append("\(at): time_zone must be an IANA time zone such as Asia/Shanghai, not \(zone)")
            }
            if let m = c.max_attempts, !(1...20).contains(m) { out.append("\(at): max_attempts must be 1-20") }
            for (key, value, range) in [("retry_s", c.retry_s, 1.0...604_800), ("busy_retry_s", c.busy_retry_s, 1.0...604_800),
                                        ("no_answer_s", c.no_answer_s, 5.0...300), ("agent_ring_s", c.agent_ring_s, 3.0...120),
                                        ("wrapup_s", c.wrapup_s, 0.0...3600)] {
                if let v = value, !range.contains(v) {
                    out.append("\(at): \(key) must be \(Int(range.lowerBound))-\(Int(range.upperBound)) seconds")
                }
            }
        }
        return out
    }
}
