import CallCenter
import CallControl
import Control
import Storage

/// One campaign attempt, from ringing the agent to writing down how the contact's call ended.
extension CampaignCenter {
    /// One attempt: ring the agent, dial the contact when they answer, write down how it
    /// ended. Returns how long the agent rests before the next campaign call (nil: at once).
    func attempt(_ contact: CampaignContactRecord, for agent: String, in campaign: CampaignSettings) async -> Double? {
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
            return CampaignSettings.doubling(streak: times, first: Self.firstRefusalRestSeconds, longest: Self.longestRefusalRestSeconds)
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
    func register(_ agentLeg: CallID) {
        attempts.withLock { list in
            let early = recentReleases.withLock { recent -> CallLeg? in
                guard let i = recent.firstIndex(where: { $0.id == agentLeg }) else { return nil }
                return recent.remove(at: i)
            }
            list[agentLeg] = AttemptProgress(agentReleased: early)
        }
    }

    /// Wait for the agent to answer. One whose phone rings out, or cannot be rung, is made not
    /// ready (the ACD does the same when agents miss queue calls).
    func agentAnswers(_ agentLeg: CallID, agent: String, _ campaign: CampaignSettings) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(campaign.agentRingSeconds)
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
    func dialContact(_ contact: CampaignContactRecord, agentLeg: CallID, agent: String,
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
                    if now - gone > .seconds(Self.partnerGraceSeconds) {
                        releaseAskedAt = now
                        try? await calls.release(contactLeg, cause: .normalClearing)
                    }
                } else if seen.contactAnswered == nil {
                    let deadline = contactDeadline ?? now + .seconds(campaign.noAnswerSeconds)
                    contactDeadline = deadline
                    if now > deadline {
                        releaseAskedAt = now
                        try? await calls.release(contactLeg, cause: .noAnswer)
                    }
                }
            }
            if let asked = releaseAskedAt, now - asked > .seconds(Self.releaseGraceSeconds) {
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

    func progress(_ agentLeg: CallID) -> AttemptProgress {
        attempts.withLock { $0[agentLeg] } ?? AttemptProgress()
    }

    /// The contact goes back to pending, due at `due`, its attempts as they were: it was not called.
    func putBack(_ contact: CampaignContactRecord, due: WallTime = .now()) {
        do { try store.returnCampaignContact(contact.id, due: due) } catch { log.error("campaign \(contact.campaign): \(error)") }
    }

    /// The network is congested for `campaign`: it stops dialling for a while, twice as long as
    /// the last pause if no call got through since. Attempts that meet the congestion while the
    /// campaign already pauses for it (calls that were under way) do not lengthen it. Returns
    /// the seconds left of the pause.
    @discardableResult
    func backOff(_ campaign: CampaignSettings, because reason: String) -> Double {
        // A campaign a reload removed while this attempt ran does not pause again.
        guard self.campaign(named: campaign.name) != nil else { return 0 }
        let now = ContinuousClock.now
        let (wait, new) = trouble.withLock { list -> (Double, Bool) in
            if let t = list[campaign.name], t.until > now { return (Self.seconds(t.until - now), false) }
            let streak = (list[campaign.name]?.streak ?? 0) + 1
            let wait = CampaignSettings.congestionPause(streak: streak)
            list[campaign.name] = (streak, now, now + .seconds(wait))
            return (wait, true)
        }
        if new { log.warning("campaign \(campaign.name): \(reason); no calls for \(Int(wait)) s") }
        return wait
    }

    /// A call got through: the congestion is over, unless the attempt started before the
    /// campaign paused for it.
    func congestionOver(_ campaign: CampaignSettings, attemptStarted: ContinuousClock.Instant) {
        trouble.withLock { list in
            if let t = list[campaign.name], attemptStarted > t.since { list.removeValue(forKey: campaign.name) }
        }
    }

    /// Write down how an attempt ended (or, `answered` and not `over`, that the contact just
    /// answered) and what comes next for the contact. `counted`: false when the attempt was
    /// counted already, at the answer.
    func finish(_ contact: CampaignContactRecord, _ campaign: CampaignSettings, _ outcome: CampaignOutcome,
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
}
