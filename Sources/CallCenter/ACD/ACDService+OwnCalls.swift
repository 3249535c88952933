import CallControl

/// Agents' own calls: internal calls between stations, outbound calls dialled from the phone,
/// and click-to-dial from the desktop. While one is up the agent is on a call and is offered no
/// queue call; afterwards they return to the state they were in. Outbound calls may not take
/// agents a queue keeps idle for inbound callers (`reserveIdle`).
extension ACDService {
    /// Whom an agent's click-to-dial calls.
    public enum DialTarget: Sendable, Equatable, CustomStringConvertible {
        /// Another agent's station (an internal call).
        case agent(String)
        /// A number over a trunk group (an outbound call).
        case number(trunkGroup: String, number: String)

        public var description: String {
            switch self {
            case let .agent(a): "agent \(a)"
            case let .number(g, n): "\(n) on \(g)"
            }
        }
    }

    /// A leg appeared on a logged-in agent's station that the ACD did not make: their own call.
    func ownCallStarted(_ leg: CallLeg) {
        guard agentLegs[leg.id] == nil, consultLegs[leg.id] == nil, ownCalls[leg.id] == nil,
              let agent = agents.values.first(where: { $0.state != .loggedOut && Self.isOn($0.station, leg) }) else { return }
        switch agent.state {
        case .ready, .notReady, .wrapUp:
            ownCalls[leg.id] = (agent.record.id, agent.state)
            setState(agent.record.id, .onCall)
        default:
            break
        }
    }

    /// Whether `leg` is on `station`: its channel, or (placed towards it, before a channel is
    /// chosen) its number on its trunk group.
    static func isOn(_ station: AgentStation?, _ leg: CallLeg) -> Bool {
        guard let station, let own = station.channel, station.trunkGroup == leg.trunkGroup else { return false }
        if let channel = leg.channel { return channel == own }
        return leg.direction == .outbound && leg.setup.called.digits == station.number
    }

    /// The agent's own call ended: back to where they were (after wrap-up, ready).
    func ownCallEnded(_ leg: CallID) async {
        guard let (agent, before) = ownCalls.removeValue(forKey: leg), agents[agent]?.state == .onCall else { return }
        setState(agent, before == .wrapUp ? .ready : before)
        await dispatch()
    }

    /// Click-to-dial: ring the agent's phone; when they answer, call `target` and bridge the two.
    /// Refused when the agent is busy, the target agent is not free, or an outbound call would
    /// leave a queue the agent serves with fewer idle agents than it reserves.
    /// `calling`: the number the target sees (nil: the agent's station number). `onlyIfReady`:
    /// refused unless the agent is ready (a campaign's call, not the agent's own).
    public func dial(_ id: String, to target: DialTarget, calling: String? = nil,
                     onlyIfReady: Bool = false) async throws(Refusal) -> CallID {
        guard let a = agents[id] else { throw Refusal(description: "no agent \(id)") }
        if onlyIfReady, a.state != .ready { throw Refusal(description: "agent \(id) is \(a.state.name), not ready") }
        guard let station = a.station, [.ready, .wrapUp].contains(a.state) || { if case .notReady = a.state { true } else { false } }() else {
            throw Refusal(description: "agent \(id) is \(a.state.name); only an agent who is logged in and free can dial")
        }
        switch target {
        case let .agent(other):
            guard let o = agents[other], o.station != nil, o.state != .loggedOut, o.state != .onCall, o.state != .ringing else {
                throw Refusal(description: "agent \(other) is not free to take an internal call")
            }
        case .number:
            if a.state == .ready {
                for (queue, _) in a.record.queues {
                    guard let reserve = queues[queue]?.settings.reserveIdle, reserve > 0 else { continue }
                    let idle = readyAgents(of: queue).filter { $0.record.id != id }.count
                    if idle < reserve {
                        throw Refusal(description: "queue \(queue) keeps \(reserve) agent(s) idle for inbound calls; \(idle) other(s) are")
                    }
                }
            }
        }
        var setup = CallSetup(calling: nil, called: PartyNumber(station.number))
        setup.numberComplete = true
        if let channel = station.channel { setup.channel = ChannelSelection(channel: channel, exclusive: true) }
        // On a call from now: no queue call is offered to the agent while the phone is being
        // rung (the actor takes other work while it waits for call control).
        let before = a.state
        setState(id, .onCall)
        let leg: CallID
        do { leg = try await calls.place(trunkGroup: station.trunkGroup, setup: setup) } catch {
            // As after a call: wrap-up's timer was for the state before, so wrap-up ends here.
            if agents[id]?.state == .onCall { setState(id, before == .wrapUp ? .ready : before) }
            await dispatch()
            throw Refusal(description: "cannot ring agent \(id) at \(station): \(error)", cause: error.cause)
        }
        pendingDials[leg] = (target, calling)
        ownCalls[leg] = (id, before)
        // The phone may have failed at once, its release handled while this waited for the
        // leg: then nothing would ever end the call registered above.
        // (If call control cannot say, the leg is taken to be up: its events will tell.)
        let gone = (try? await calls.calls()).map { !$0.contains { $0.id == leg } } ?? false
        guard !gone else {
            pendingDials[leg] = nil
            await ownCallEnded(leg)
            throw Refusal(description: "cannot ring agent \(id) at \(station): the call ended at once", cause: .destinationOutOfOrder)
        }
        return leg
    }

    /// The agent answered their click-to-dial: now call the target.
    func dialAnswered(_ leg: CallID) async {
        guard let (target, presented) = pendingDials.removeValue(forKey: leg), let agent = ownCalls[leg]?.agent,
              let station = agents[agent]?.station else { return }
        let calling = PartyNumber(presented ?? station.number)
        do throws(CallControlError) {
            switch target {
            case let .agent(other):
                guard let to = agents[other]?.station else {
                    throw CallControlError("internal call to agent \(other)", "they are no longer logged in", cause: .unallocatedNumber)
                }
                _ = try await calls.connect(leg, to: to.trunkGroup, called: PartyNumber(to.number), channel: to.channel, calling: calling)
            case let .number(group, number):
                _ = try await calls.connect(leg, to: group, called: PartyNumber(number), calling: calling)
            }
        } catch {
            try? await calls.release(leg, cause: error.cause)
        }
    }
}
