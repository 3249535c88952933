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
    let campaigns: [CampaignSettings]
    private let store: CallStore
    private let acd: ACDService
    private let calls: CallControl
    private let log: Logger
    /// The days `holiday` windows mean.
    private let holidays: HolidayCalendar
    /// What the agent hears while the contact's phone rings (the trunk's zone's ringback).
    private let ringback: Prompt?
    /// False while the daemon drains: no new campaign call starts.
    private let accepting: @Sendable () -> Bool
    private let server = Mutex<ControlServer?>(nil)
    private let running: Mutex<[String: Bool]>
    /// Attempts under way, by the agent's leg.
    private let attempts = Mutex<[CallID: AttemptProgress]>([:])
    /// Contacts' legs -> the agent's leg of their attempt.
    private let contactLegs = Mutex<[CallID: CallID]>([:])
    /// The last legs released that no attempt knew yet (an agent's phone that failed at once).
    private let recentReleases = Mutex<[(CallID, CallLeg)]>([])
    /// Agents with a campaign call under way, or resting after one until the given time.
    private let occupied = Mutex<[String: ContinuousClock.Instant?]>([:])
    /// Campaigns backing off after congestion: how many pauses in a row, since and until when.
    private let trouble = Mutex<[String: (streak: Int, since: ContinuousClock.Instant, until: ContinuousClock.Instant)]>([:])
    /// Agents the ACD could not ring, by how many times in a row.
    private let refusals = Mutex<[String: Int]>([:])
    private let wake = LoopWakeup()

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
        self.campaigns = campaigns
        self.ringback = ringback
        self.holidays = holidays
        self.accepting = accepting
        self.store = store
        self.acd = acd
        self.calls = calls
        self.log = log
        running = Mutex(Dictionary(uniqueKeysWithValues: campaigns.map { c in
            (c.name, ((try? store.campaignRunning(c.name)) ?? nil) ?? initiallyRunning[c.name] ?? false)
        }))
    }

    func publish(to server: ControlServer?) { self.server.withLock { $0 = server } }

    func campaign(named name: String) -> CampaignSettings? { campaigns.first { $0.name == name } }

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
                            list[agent] = .some(ContinuousClock.now + .milliseconds(Int(rest * 1000)))
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
                        recent.append((leg.id, leg))
                        if recent.count > 64 { recent.removeFirst(recent.count - 64) }
                    }
                }
            }
        default:
            break
        }
    }

    /// One attempt: ring the agent, dial the contact when they answer, write down how it
    /// ended. Returns how long the agent rests before the next campaign call (nil: at once).
    private func attempt(_ contact: CampaignContactRecord, for agent: String, in campaign: CampaignSettings) async -> Double? {
        let started = ContinuousClock.now
        let agentLeg: CallID
        do {
            agentLeg = try await acd.dial(agent, to: .number(trunkGroup: campaign.trunkGroup, number: contact.number),
                                          calling: campaign.callingNumber, onlyIfReady: true)
        } catch {
            putBack(contact)
            if let cause = error.cause, cause != .userBusy {
                // The phone cannot be rung (out of order, the line gone): not ready, as the ACD
                // does with an agent it cannot reach for a queue call.
                try? await acd.pause(agent, reason: "phone unreachable")
                log.notice("campaign \(campaign.name): agent \(agent)'s phone cannot be rung; paused: \(error)")
                return nil
            }
            // Taken meanwhile (a queue call, their own call), or the phone still off the hook
            // after the last call: asked again after a while, longer each time in a row.
            let times = refusals.withLock { list -> Int in
                list[agent, default: 0] += 1
                return list[agent] ?? 1
            }
            log.debug("campaign \(campaign.name): \(contact.number) not dialled for agent \(agent): \(error)")
            return min(Self.longestRefusalRestSeconds, Self.firstRefusalRestSeconds * Double(1 << min(times - 1, 10)))
        }
        refusals.withLock { _ = $0.removeValue(forKey: agent) }
        register(agentLeg)
        defer { attempts.withLock { _ = $0.removeValue(forKey: agentLeg) } }
        log.notice("campaign \(campaign.name): agent \(agent) rung for \(contact.number) (\(agentLeg))")
        publish("campaign.attempt", campaign, agent: agent, [
            "id": .number(Double(contact.id)), "number": .string(contact.number), "reference": contact.reference.map(JSONValue.string) ?? .null,
            "attempt": .number(Double(contact.attempts + 1)), "agent": .string(agent), "call": .number(Double(agentLeg.value)),
        ])
        guard await agentAnswers(agentLeg, agent: agent, campaign) else {
            putBack(contact)
            return nil
        }
        return await dialContact(contact, agentLeg: agentLeg, agent: agent, campaign, started: started)
    }

    /// Start following the agent's leg, with what happened to it before (a release at once).
    private func register(_ agentLeg: CallID) {
        attempts.withLock { list in
            let early = recentReleases.withLock { recent -> CallLeg? in
                guard let i = recent.firstIndex(where: { $0.0 == agentLeg }) else { return nil }
                return recent.remove(at: i).1
            }
            list[agentLeg] = AttemptProgress(agentReleased: early)
        }
    }

    /// Wait for the agent to answer. One whose phone rings out, or cannot be rung, is made not
    /// ready (the ACD does the same when agents miss queue calls).
    private func agentAnswers(_ agentLeg: CallID, agent: String, _ campaign: CampaignSettings) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(campaign.agentRingSeconds * 1000))
        while true {
            let seen = progress(agentLeg)
            if seen.agentAnswered { return true }
            if seen.agentReleased != nil {
                await acd.missedCampaignCall(agentLeg, agent: agent, reason: "campaign call not answered")
                log.notice("campaign \(campaign.name): agent \(agent)'s phone could not be rung; paused")
                return false
            }
            if ContinuousClock.now > deadline {
                await acd.missedCampaignCall(agentLeg, agent: agent, reason: "missed campaign call")
                try? await calls.release(agentLeg, cause: .noAnswer)
                log.notice("campaign \(campaign.name): agent \(agent) did not answer; paused")
                return false
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The contact's call, placed by the ACD as soon as the agent answered: wait for its end,
    /// clearing it when it rings too long. Returns the agent's rest.
    private func dialContact(_ contact: CampaignContactRecord, agentLeg: CallID, agent: String,
                             _ campaign: CampaignSettings, started: ContinuousClock.Instant) async -> Double? {
        var contactDeadline: ContinuousClock.Instant?
        var linked = false, answerRecorded = false
        var agentGoneAt: ContinuousClock.Instant?
        var releaseAskedAt: ContinuousClock.Instant?
        var ringbackPlaying = false
        while true {
            let seen = progress(agentLeg)
            let now = ContinuousClock.now
            if let leg = seen.contact, !linked {
                linked = true
                do { try store.campaignContactCalled(contact.id, call: leg) } catch { log.error("campaign \(campaign.name): \(error)") }
            }
            if let leg = seen.contactReleased {
                let outcome = CampaignOutcome(answered: seen.contactAnswered != nil, cause: leg.cause)
                let talk = seen.contactAnswered.map { Self.seconds(now - $0) }
                finish(contact, campaign, outcome, cause: leg.cause, talk: talk, agent: agent, counted: !answerRecorded,
                       started: started)
                if seen.agentReleased == nil { try? await calls.release(agentLeg, cause: .normalClearing) }
                return campaign.wrapUpSeconds
            }
            if seen.contactAlerting, seen.contactAnswered == nil, seen.agentReleased == nil, !ringbackPlaying, let ringback {
                // Call control bridges the two at the answer: until then the agent hears ringback.
                ringbackPlaying = true
                do { try await calls.play(agentLeg, [ringback], id: Self.ringbackPlay, loop: true) } catch {
                    log.warning("campaign \(campaign.name): no ringback for agent \(agent): \(error)")
                }
            }
            if seen.contactAnswered != nil, !answerRecorded {
                answerRecorded = true
                if ringbackPlaying { try? await calls.stopPlayback(agentLeg) }
                finish(contact, campaign, .answered, cause: nil, talk: nil, agent: agent, counted: true, over: false,
                       started: started)
            }
            if let leg = seen.agentReleased, seen.contact == nil {
                if leg.releasedBy == .local, let cause = leg.cause, cause != .normalClearing {
                    // This side could not place the call (no free channel, the link down): the
                    // contact was not called; the campaign waits before trying again.
                    let wait = backOff(campaign, because: "the call could not be placed (cause \(cause.rawValue))")
                    putBack(contact, due: WallTime(secondsSince1970: WallTime.now().secondsSince1970 + wait))
                } else {
                    // The agent hung up before the contact was dialled.
                    putBack(contact)
                }
                return campaign.wrapUpSeconds
            }
            if let contactLeg = seen.contact, releaseAskedAt == nil {
                if seen.agentReleased != nil {
                    // The agent left: the contact's leg normally follows; if not, it is cleared.
                    let gone = agentGoneAt ?? now
                    agentGoneAt = gone
                    if now - gone > .milliseconds(Int(Self.partnerGraceSeconds * 1000)) {
                        releaseAskedAt = now
                        try? await calls.release(contactLeg, cause: .normalClearing)
                    }
                } else if seen.contactAnswered == nil {
                    let deadline = contactDeadline ?? now + .milliseconds(Int(campaign.noAnswerSeconds * 1000))
                    contactDeadline = deadline
                    if now > deadline {
                        releaseAskedAt = now
                        try? await calls.release(contactLeg, cause: .noAnswer)
                    }
                }
            }
            if let asked = releaseAskedAt, now - asked > .milliseconds(Int(Self.releaseGraceSeconds * 1000)) {
                // Call control never confirmed the release: give the attempt up rather than the agent.
                log.error("campaign \(campaign.name): the call to \(contact.number) was not released within \(Int(Self.releaseGraceSeconds)) s")
                if !answerRecorded {
                    finish(contact, campaign, .noAnswer, cause: nil, talk: nil, agent: agent, counted: true, started: started)
                } else {
                    do { try store.returnCampaignContact(contact.id) } catch { log.error("campaign \(campaign.name): \(error)") }
                }
                return campaign.wrapUpSeconds
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    private func progress(_ agentLeg: CallID) -> AttemptProgress {
        attempts.withLock { $0[agentLeg] } ?? AttemptProgress()
    }

    /// The contact goes back to pending, due at `due`, its attempts as they were: it was not called.
    private func putBack(_ contact: CampaignContactRecord, due: WallTime = .now()) {
        do { try store.returnCampaignContact(contact.id, due: due) } catch { log.error("campaign \(contact.campaign): \(error)") }
    }

    /// The network is congested for `campaign`: it stops dialling for a while, twice as long as
    /// the last pause if no call got through since. Attempts that meet the congestion while the
    /// campaign already pauses for it (calls that were under way) do not lengthen it. Returns
    /// the seconds left of the pause.
    @discardableResult
    private func backOff(_ campaign: CampaignSettings, because reason: String) -> Double {
        let now = ContinuousClock.now
        let (wait, new) = trouble.withLock { list -> (Double, Bool) in
            if let t = list[campaign.name], t.until > now { return (Self.seconds(t.until - now), false) }
            let streak = (list[campaign.name]?.streak ?? 0) + 1
            let wait = CampaignSettings.congestionPause(streak: streak)
            list[campaign.name] = (streak, now, now + .milliseconds(Int(wait * 1000)))
            return (wait, true)
        }
        if new { log.warning("campaign \(campaign.name): \(reason); no calls for \(Int(wait)) s") }
        return wait
    }

    /// A call got through: the congestion is over, unless the attempt started before the
    /// campaign paused for it.
    private func congestionOver(_ campaign: CampaignSettings, attemptStarted: ContinuousClock.Instant) {
        trouble.withLock { list in
            if let t = list[campaign.name], attemptStarted > t.since { list.removeValue(forKey: campaign.name) }
        }
    }

    /// Write down how an attempt ended (or, `answered` and not `over`, that the contact just
    /// answered) and what comes next for the contact. `counted`: false when the attempt was
    /// counted already, at the answer.
    private func finish(_ contact: CampaignContactRecord, _ campaign: CampaignSettings, _ outcome: CampaignOutcome,
                        cause: Q850Cause?, talk: Double?, agent: String, counted: Bool, over: Bool = true,
                        started: ContinuousClock.Instant) {
        let made = contact.attempts + 1
        var result = CampaignAttemptResult(state: .done, outcome: outcome.rawValue, cause: cause?.rawValue, counted: counted,
                                           over: over, talkSeconds: talk)
        switch campaign.disposition(after: outcome, attemptsMade: made, now: WallTime.now().secondsSince1970) {
        case .done: result.state = .done
        case .failed: result.state = .failed
        case let .retry(at):
            result.state = .pending
            result.nextAttemptAt = WallTime(secondsSince1970: at)
        }
        do { try store.finishCampaignAttempt(contact.id, result) } catch { log.error("campaign \(campaign.name): \(error)") }
        if outcome == .congestion {
            backOff(campaign, because: "the network is congested (cause \(cause?.rawValue ?? 0))")
        } else {
            congestionOver(campaign, attemptStarted: started)
        }
        guard counted else { return }  // the answer was reported when it came
        log.notice("campaign \(campaign.name): \(contact.number) attempt \(made): \(outcome.rawValue)\(cause.map { " (cause \($0.rawValue))" } ?? ""), \(result.state.rawValue)")
        var body: [String: JSONValue] = [
            "id": .number(Double(contact.id)), "number": .string(contact.number), "outcome": .string(outcome.rawValue),
            "state": .string(result.state.rawValue), "attempts": .number(Double(made)), "agent": .string(agent),
            "cause": cause.map { .number(Double($0.rawValue)) } ?? .null,
        ]
        if let at = result.nextAttemptAt { body["next_attempt_at"] = .number(at.secondsSince1970) }
        publish("campaign.result", campaign, agent: agent, body)
    }

    private func publish(_ kind: String, _ campaign: CampaignSettings, agent: String, _ body: [String: JSONValue]) {
        var body = body
        body["campaign"] = .string(campaign.name)
        server.withLock { $0 }?.publish(ControlEvent(kind: kind, queue: campaign.queue, agent: agent, body: .object(body)))
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
