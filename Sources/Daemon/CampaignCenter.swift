import CallCenter
import CallControl
import Control
import Logging
import Storage
import Synchronization

/// The daemon's outbound campaigns, progressive and agent first. Every second, each running
/// campaign inside its window gives the next due contact to each agent of its queue the ACD
/// can spare (`ACDService.campaignAgents`): the agent's phone rings with the contact on their
/// desktop (`campaign.attempt`), and when they answer the contact is dialled. The store keeps
/// every contact's state, attempts and last outcome, so a restart loses nothing.
final class CampaignCenter: Sendable {
    let campaigns: [CampaignSettings]
    private let store: CallStore
    private let acd: ACDService
    private let calls: CallControl
    private let log: Logger
    /// The days `holiday` windows mean.
    private let holidays: HolidayCalendar
    private let server = Mutex<ControlServer?>(nil)
    private let running: Mutex<[String: Bool]>
    /// Attempts under way, by the agent's leg.
    private let attempts = Mutex<[CallID: AttemptProgress]>([:])
    /// Contacts' legs -> the agent's leg of their attempt.
    private let contactLegs = Mutex<[CallID: CallID]>([:])
    /// Agents with a campaign call under way, or resting after one until the given time.
    private let occupied = Mutex<[String: ContinuousClock.Instant?]>([:])
    private let wake = LoopWakeup()

    /// How long an agent the ACD could not ring is left alone.
    static let retryRefusedAgentSeconds = 2.0

    /// What the call events have said of one attempt.
    struct AttemptProgress: Sendable {
        var agentAnswered = false
        var agentReleased: CallLeg?
        var contact: CallID?
        var contactAnswered: ContinuousClock.Instant?
        var contactReleased: CallLeg?
    }

    /// `initiallyRunning`: whether each campaign runs on the first start (the store's record of
    /// an operator's start or pause wins).
    init(campaigns: [CampaignSettings], initiallyRunning: [String: Bool], store: CallStore, acd: ACDService,
         calls: CallControl, holidays: HolidayCalendar, log: Logger) {
        self.campaigns = campaigns
        self.holidays = holidays
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
        log.notice("campaign \(name) \(on ? "started" : "paused")")
        if on { wake.signal() }
    }

    /// Whether `campaign` may call now by its window.
    func inWindow(_ campaign: CampaignSettings, at time: WallTime = .now()) -> Bool {
        campaign.window?.contains(time, holidays: holidays) ?? true
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
            await dialDue()
            await wake.wait(upTo: .seconds(1))
        }
    }

    /// Give each spare agent of each running campaign its next due contact.
    private func dialDue() async {
        let now = ContinuousClock.now
        for campaign in campaigns where isRunning(campaign.name) && inWindow(campaign) {
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
                }
            }
        default:
            break
        }
    }

    /// One attempt: ring the agent, dial the contact when they answer, write down how it
    /// ended. Returns how long the agent rests before the next campaign call (nil: at once).
    private func attempt(_ contact: CampaignContactRecord, for agent: String, in campaign: CampaignSettings) async -> Double? {
        let agentLeg: CallID
        do {
            agentLeg = try await acd.dial(agent, to: .number(trunkGroup: campaign.trunkGroup, number: contact.number),
                                          calling: campaign.callingNumber, onlyIfReady: true)
        } catch {
            // The agent was taken meanwhile (a queue call, their own call), or their phone is
            // still off the hook after the last call: the contact waits, the agent is asked
            // again shortly.
            log.debug("campaign \(campaign.name): \(contact.number) not dialled for agent \(agent): \(error)")
            putBack(contact)
            return Self.retryRefusedAgentSeconds
        }
        attempts.withLock { $0[agentLeg] = AttemptProgress() }
        defer { attempts.withLock { _ = $0.removeValue(forKey: agentLeg) } }
        log.notice("campaign \(campaign.name): agent \(agent) rung for \(contact.number) (\(agentLeg))")
        publish("campaign.attempt", campaign, agent: agent, [
            "id": .number(Double(contact.id)), "number": .string(contact.number), "reference": contact.reference.map(JSONValue.string) ?? .null,
            "attempt": .number(Double(contact.attempts + 1)), "agent": .string(agent), "call": .number(Double(agentLeg.value)),
        ])
        // The agent's phone.
        let agentDeadline = ContinuousClock.now + .milliseconds(Int(campaign.agentRingSeconds * 1000))
        while true {
            let seen = progress(agentLeg)
            if seen.agentAnswered { break }
            if seen.agentReleased != nil {
                putBack(contact)
                return nil
            }
            if ContinuousClock.now > agentDeadline {
                await acd.missedCampaignCall(agentLeg, agent: agent, reason: "missed campaign call")
                try? await calls.release(agentLeg, cause: .noAnswer)
                log.notice("campaign \(campaign.name): agent \(agent) did not answer; paused")
                putBack(contact)
                return nil
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        // The contact's phone: placed as soon as the agent answered.
        var contactDeadline: ContinuousClock.Instant?
        var linked = false, answerRecorded = false
        var agentGoneAt: ContinuousClock.Instant?
        while true {
            let seen = progress(agentLeg)
            if let leg = seen.contact, !linked {
                linked = true
                try? store.campaignContactCalled(contact.id, call: leg)
            }
            if let leg = seen.contactReleased {
                let outcome = CampaignOutcome(answered: seen.contactAnswered != nil, cause: leg.cause)
                let talk = seen.contactAnswered.map { Self.seconds(ContinuousClock.now - $0) }
                finish(contact, campaign, outcome, cause: leg.cause, talk: talk, agent: agent, counted: !answerRecorded)
                if seen.agentReleased == nil { try? await calls.release(agentLeg, cause: .normalClearing) }
                return campaign.wrapUpSeconds
            }
            if seen.contactAnswered != nil, !answerRecorded {
                answerRecorded = true
                record(answeredNow: contact, campaign, agent: agent)
            }
            if let leg = seen.agentReleased {
                guard let contactLeg = seen.contact else {
                    // The agent hung up before the contact was dialled, or the network refused
                    // the call at once (the ACD clears the agent's leg with the network's cause).
                    if leg.releasedBy == .local, let cause = leg.cause, cause != .normalClearing {
                        finish(contact, campaign, CampaignOutcome(answered: false, cause: cause), cause: cause, talk: nil,
                               agent: agent, counted: true)
                    } else {
                        putBack(contact)
                    }
                    return campaign.wrapUpSeconds
                }
                // The agent left: the contact's leg follows, or is cleared here after a while.
                let gone = agentGoneAt ?? .now
                agentGoneAt = gone
                if ContinuousClock.now - gone > .seconds(5) { try? await calls.release(contactLeg, cause: .normalClearing) }
            }
            if let leg = seen.contact, seen.contactAnswered == nil {
                let deadline = contactDeadline ?? .now + .milliseconds(Int(campaign.noAnswerSeconds * 1000))
                contactDeadline = deadline
                if ContinuousClock.now > deadline {
                    try? await calls.release(leg, cause: .noAnswer)
                    contactDeadline = .now + .seconds(5)
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    private func progress(_ agentLeg: CallID) -> AttemptProgress {
        attempts.withLock { $0[agentLeg] } ?? AttemptProgress()
    }

    /// The contact goes back to pending, due at once: it was not called.
    private func putBack(_ contact: CampaignContactRecord) {
        do { try store.returnCampaignContact(contact.id) } catch { log.error("campaign \(contact.campaign): \(error)") }
    }

    /// The contact answered: it is reached, whatever happens next on the call.
    private func record(answeredNow contact: CampaignContactRecord, _ campaign: CampaignSettings, agent: String) {
        try? store.finishCampaignAttempt(contact.id, CampaignAttemptResult(state: .done, outcome: CampaignOutcome.answered.rawValue,
                                                                           counted: true))
        log.notice("campaign \(campaign.name): \(contact.number) answered, talking to agent \(agent)")
        publish("campaign.result", campaign, agent: agent, [
            "id": .number(Double(contact.id)), "number": .string(contact.number), "outcome": .string(CampaignOutcome.answered.rawValue),
            "state": .string(CampaignContactRecord.State.done.rawValue), "attempts": .number(Double(contact.attempts + 1)),
            "agent": .string(agent),
        ])
    }

    /// Write down how the contact's call ended and what comes next for the contact.
    /// `counted`: false when the attempt was counted already (at the answer).
    private func finish(_ contact: CampaignContactRecord, _ campaign: CampaignSettings, _ outcome: CampaignOutcome,
                        cause: Q850Cause?, talk: Double?, agent: String, counted: Bool) {
        if outcome == .answered {
            // The call's length, and the attempt if the answer was not seen before the end.
            try? store.finishCampaignAttempt(contact.id, CampaignAttemptResult(state: .done, outcome: outcome.rawValue,
                                                                               cause: cause?.rawValue, counted: counted, talkSeconds: talk))
            return
        }
        let made = contact.attempts + 1
        let now = WallTime.now()
        let next = campaign.disposition(after: outcome, attemptsMade: made, now: now.secondsSince1970)
        var result = CampaignAttemptResult(state: .failed, outcome: outcome.rawValue, cause: cause?.rawValue, counted: true)
        if case let .retry(at) = next {
            result.state = .pending
            result.nextAttemptAt = WallTime(secondsSince1970: at)
        }
        do { try store.finishCampaignAttempt(contact.id, result) } catch { log.error("campaign \(campaign.name): \(error)") }
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
