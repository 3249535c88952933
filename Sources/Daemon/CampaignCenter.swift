import CallCenter
import CallControl
import Control
import Logging
import PSTNEngine
import Storage
import Synchronization

/// The daemon's outbound campaigns, progressive and agent first. Every second, each running
/// campaign inside its window gives the next due contact to each agent of its queue the ACD
/// can spare (`ACDService.campaignAgents`): the agent's phone rings with the contact on their
/// desktop (`campaign.attempt`), and when they answer the contact is dialled. The store keeps
/// every contact's state, attempts and last outcome, so a restart loses nothing. When the
/// network is congested a campaign backs off, longer each time, until a call gets through.
final class CampaignCenter: Sendable {
    private let configured: Mutex<[CampaignSettings]>
    let store: CallStore
    let acd: ACDService
    let calls: CallControl
    let log: Logger
    /// The days `holiday` windows mean.
    let holidays: HolidayCalendar
    /// What the agent hears while the contact's phone rings (the trunk's zone's ringback).
    let ringback: Prompt?
    /// False while the daemon drains: no new campaign call starts.
    let accepting: @Sendable () -> Bool
    let server = Mutex<ControlServer?>(nil)
    let running: Mutex<[String: Bool]>
    /// Attempts under way, by the agent's leg.
    let attempts = Mutex<[CallID: AttemptProgress]>([:])
    /// Contacts' legs -> the agent's leg of their attempt.
    let contactLegs = Mutex<[CallID: CallID]>([:])
    /// The last legs released that no attempt knew yet (an agent's phone that failed at once).
    let recentReleases = Mutex<[CallLeg]>([])
    /// Agents with a campaign call under way, or resting after one until the given time.
    let occupied = Mutex<[String: ContinuousClock.Instant?]>([:])
    /// Campaigns backing off after congestion: how many pauses in a row, since and until when.
    let trouble = Mutex<[String: (streak: Int, since: ContinuousClock.Instant, until: ContinuousClock.Instant)]>([:])
    /// Agents the ACD could not ring, by how many times in a row.
    let refusals = Mutex<[String: Int]>([:])
    let wake = LoopWakeup()

    /// The play id of the ringback the agent hears.
    static let ringbackPlay: Int32 = 0x4341_4D50
    /// How long an agent the ACD could not ring is left alone the first time in a row; each
    /// further time doubles it, up to the longest.
    static let firstRefusalRestSeconds = 2.0
    static let longestRefusalRestSeconds = 30.0
    /// How long a release this side asked for may take before the attempt is given up on.
    static let releaseGraceSeconds = 30.0
    /// How long a contact's leg may outlive the agent's before it is cleared here.
    static let partnerGraceSeconds = 5.0

    /// What the call events have said of one attempt.
    struct AttemptProgress: Sendable {
        var agentAnswered = false
        var agentReleased: CallLeg?
        var contact: CallID?
        var contactAlerting = false
        var contactAnswered: ContinuousClock.Instant?
        var contactReleased: CallLeg?
    }

    /// `initiallyRunning`: whether each campaign runs on the first start (the store's record of
    /// an operator's start or pause wins).
    init(campaigns: [CampaignSettings], initiallyRunning: [String: Bool], store: CallStore, acd: ACDService,
         calls: CallControl, holidays: HolidayCalendar, ringback: Prompt?, accepting: @escaping @Sendable () -> Bool,
         log: Logger) {
        configured = Mutex(campaigns)
        self.ringback = ringback
        self.holidays = holidays
        self.accepting = accepting
        self.store = store
        self.acd = acd
        self.calls = calls
        self.log = log
        running = Mutex(Dictionary(uniqueKeysWithValues: campaigns.map { c in
            (c.name, (try? store.campaignRunning(c.name)) ?? initiallyRunning[c.name] ?? false)
        }))
    }

    func publish(to server: ControlServer?) { self.server.withLock { $0 = server } }

    /// The campaigns configured now (a reload replaces them).
    var campaigns: [CampaignSettings] { configured.withLock { $0 } }

    func campaign(named name: String) -> CampaignSettings? { campaigns.first { $0.name == name } }

    /// Apply a reloaded configuration's campaigns. Calls under way finish as they started; the
    /// next contacts are dialled with the new settings. A new campaign runs if the store says an
    /// operator started it or, the first time, if it says `start`; a removed one stops dialling
    /// and keeps its contacts in the store (configured again, it goes on from where it was).
    /// Returns what changed, for the operator's note.
    func reconfigure(_ fresh: [CampaignSettings], initiallyRunning: [String: Bool]) -> String {
        let old = configured.withLock { list in
            defer { list = fresh }
            return list
        }
        let before = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let names = Set(fresh.map(\.name))
        let added = fresh.filter { before[$0.name] == nil }.map(\.name)
        let changed = fresh.filter { c in before[c.name].map { $0 != c } ?? false }.map(\.name)
        let removed = before.keys.filter { !names.contains($0) }.sorted()
        running.withLock { list in
            for name in added { list[name] = (try? store.campaignRunning(name)) ?? initiallyRunning[name] ?? false }
            for name in removed { list[name] = nil }
        }
        trouble.withLock { list in for name in removed { list[name] = nil } }
        wake.signal()
        let parts = [("campaigns added", added), ("campaigns changed", changed), ("campaigns removed", removed)]
            .filter { !$0.1.isEmpty }.map { "\($0.0): \($0.1.joined(separator: ", "))" }
        return parts.isEmpty ? "campaigns unchanged" : parts.joined(separator: "; ")
    }

    func isRunning(_ name: String) -> Bool { running.withLock { $0[name] ?? false } }

    /// Start or pause a campaign; the choice is kept in the store. Calls under way finish.
    func setRunning(_ name: String, _ on: Bool) throws(StorageError) {
        try store.setCampaignRunning(name, on)
        running.withLock { $0[name] = on }
        if on { trouble.withLock { _ = $0.removeValue(forKey: name) } }
        log.notice("campaign \(name) \(on ? "started" : "paused")")
        if on { wake.signal() }
    }

    /// Whether `campaign` may call now by its window.
    func inWindow(_ campaign: CampaignSettings, at time: WallTime = .now()) -> Bool {
        campaign.window?.contains(time, holidays: holidays) ?? true
    }

    /// Seconds until `campaign` dials again after congestion; nil when it is not backing off.
    func backingOff(_ campaign: String) -> Double? {
        guard let until = trouble.withLock({ $0[campaign]?.until }), until > .now else { return nil }
        return Self.seconds(until - .now)
    }

    /// Contacts the last run left dialling, then the dialler, until cancelled.
    func run() async {
        do {
            let recovered = try store.recoverCampaignContactsLeftDialling()
            if recovered > 0 { log.warning("campaigns: \(recovered) contacts left dialling by the last run are due again") }
        } catch {
            log.error("campaigns: \(error)")
        }
        while !Task.isCancelled {
            if accepting() { await dialDue() }
            await wake.wait(upTo: .seconds(1))
        }
    }

    /// Give each spare agent of each running campaign its next due contact.
    private func dialDue() async {
        let now = ContinuousClock.now
        for campaign in campaigns where isRunning(campaign.name) && inWindow(campaign) && backingOff(campaign.name) == nil {
            let busy = occupied.withLock { list in
                list = list.filter { $0.value.map { $0 > now } ?? true }
                return Set(list.keys)
            }
            for agent in await acd.campaignAgents(queue: campaign.queue, excluding: busy) {
                // A reload or an operator may have stopped the campaign while the ACD answered.
                guard isRunning(campaign.name) else { break }
                let contact: CampaignContactRecord?
                do { contact = try store.takeDueCampaignContact(campaign.name, agent: agent) } catch {
                    log.error("campaign \(campaign.name): \(error)")
                    return
                }
                guard let contact else { break }
                occupied.withLock { $0[agent] = .some(nil) }
                Task {
                    let rest = await self.attempt(contact, for: agent, in: campaign)
                    _ = self.occupied.withLock { list in
                        if let rest, rest > 0 {
                            list[agent] = .some(ContinuousClock.now + .seconds(rest))
                        } else {
                            list.removeValue(forKey: agent)
                        }
                    }
                    self.wake.signal()
                }
            }
        }
    }

    /// Call events about campaign calls: answers, the contact's leg, releases.
    func deliver(_ event: CallEvent) {
        switch event {
        case let .placed(leg, for: parent?):
            attempts.withLock { list in
                guard list[parent] != nil, list[parent]?.contact == nil else { return }
                list[parent]?.contact = leg.id
                contactLegs.withLock { $0[leg.id] = parent }
            }
        case let .alerting(id):
            attempts.withLock { list in
                if let parent = contactLegs.withLock({ $0[id] }) { list[parent]?.contactAlerting = true }
            }
        case let .answered(id):
            attempts.withLock { list in
                if list[id] != nil {
                    list[id]?.agentAnswered = true
                } else if let parent = contactLegs.withLock({ $0[id] }) {
                    list[parent]?.contactAnswered = .now
                }
            }
        case let .released(leg):
            attempts.withLock { list in
                if list[leg.id] != nil {
                    list[leg.id]?.agentReleased = leg
                } else if let parent = contactLegs.withLock({ $0.removeValue(forKey: leg.id) }) {
                    list[parent]?.contactReleased = leg
                } else {
                    // Under the same lock as `register`, so that a release is either seen by an
                    // attempt or kept here for it.
                    recentReleases.withLock { recent in
                        recent.append(leg)
                        if recent.count > 64 { recent.removeFirst(recent.count - 64) }
                    }
                }
            }
        default:
            break
        }
    }

    func publish(_ kind: String, _ campaign: CampaignSettings, agent: String, _ body: [String: JSONValue]) {
        var body = body
        body["campaign"] = .string(campaign.name)
        server.withLock { $0 }?.publish(ControlEvent(kind: kind, queue: campaign.queue, agent: agent, body: .object(body)))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
