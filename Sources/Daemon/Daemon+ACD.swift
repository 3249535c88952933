import CallCenter
import CallControl
import Control
import Foundation
import Storage

/// The ACD inside the daemon: made from `acd:`, fed the call events, its queue and agent logs
/// written to the store and published to control clients.
extension Daemon {
    /// The campaign dialler over `acd`, when there is a store (with no campaigns until a reload
    /// configures some).
    func makeCampaigns(_ acd: ACDService?) -> CampaignCenter? {
        guard let acd, let store, let options = resolved.configuration.acd else { return nil }
        let campaigns = options.campaigns ?? []
        return CampaignCenter(campaigns: campaigns.compactMap(\.settings), initiallyRunning: options.campaignsStarting,
                              store: store, acd: acd, calls: calls, holidays: resolved.routing.holidays,
                              ringback: resolved.zone.prompt(.ringback, seconds: 12),
                              accepting: { [weak self] in self?.acceptingCalls ?? false }, log: log)
    }

    /// Make the ACD (nil without `acd:`); `ivr` is looked up when a caller overflows to a flow.
    func makeACD() -> ACDService? {
        guard let options = resolved.configuration.acd else { return nil }
        let calls = self.calls
        let recorder = self.storeRecorder
        let log = self.log
        let messages = self.messages
        let controlServer: @Sendable () -> ControlServer? = { [weak self] in self?.controlServer.withLock { $0 } }
        let service = ACDService(
            queues: options.queueSettings, agents: options.agentRecords, calls: calls,
            prompts: { [weak self] in self?.currentPrompts },
            report: { report in
                switch report {
                case let .queue(e):
                    recorder?.record(queueLog: QueueLogRecord(call: CallID(e.call), queue: e.queue, event: e.event, agent: e.agent,
                                                              position: e.position, waitSeconds: e.waitSeconds, detail: e.detail,
                                                              at: WallTime(secondsSince1970: e.time)))
                    controlServer()?.publish(ControlEvent(kind: "queue.\(e.event)", queue: e.queue, agent: e.agent, body: JSONValue(encoding: e)))
                    if e.event == "connected", let agent = e.agent, let messages {
                        Task {
                            let leg = try? await calls.calls().first { $0.id == CallID(e.call) }
                            await messages.agentConnected(CallID(e.call), calling: leg?.setup.calling?.digits,
                                                          called: leg?.setup.called.digits ?? "", queue: e.queue, agent: agent)
                        }
                    }
                case let .agent(change):
                    recorder?.record(agentLog: AgentLogRecord(agent: change.agent, group: change.group, from: change.from,
                                                              to: change.to, reason: change.reason, station: change.station,
                                                              at: WallTime(secondsSince1970: change.time)))
                    controlServer()?.publish(ControlEvent(kind: "agent.state", agent: change.agent, body: JSONValue(encoding: change)))
                    log.info("agent \(change.agent): \(change.from) -> \(change.to)\(change.reason.map { " (\($0))" } ?? "")")
                case let .offered(pop):
                    controlServer()?.publish(ControlEvent(kind: "agent.offered", queue: pop.queue, agent: pop.agent, body: JSONValue(encoding: pop)))
                }
            },
            toFlow: { [weak self] call, flow, variables in
                guard let self else { return }
                Task {
                    let leg = try? await calls.calls().first { $0.id == call }
                    guard let ivr = self.currentIVR else {
                        try? await calls.release(call, cause: .serviceNotAvailable)
                        return
                    }
                    ivr.take(call, flow: flow, caller: leg?.setup.calling?.digits, called: leg?.setup.called.digits ?? "",
                             variables: variables)
                }
            },
            dialTone: resolved.zone.prompt(.dialRecall, seconds: 30) ?? resolved.zone.prompt(.dial, seconds: 30),
            destinationOfNumber: { [weak self] number, trunkGroup in
                let decision = self?.routing.withLock {
                    $0.decide(trunkGroup: trunkGroup, called: number, calling: nil, complete: true, at: .now())
                }
                guard case let .route(destination, _) = decision else { return nil }
                switch destination {
                case let .application("queue", argument): return .queue(Self.queueTarget(argument).queue)
                case let .application("ivr", flow?): return .flow(flow)
                case let .trunkGroup(group, rewrite): return .number(trunkGroup: group, number: rewrite.apply(to: PartyNumber(number)).digits)
                default: return nil
                }
            },
            crm: options.crmLookup,
            history: { [store] caller in
                // The caller's last five ended calls, newest first (calls in progress, this one among them, are left out).
                guard let store, let rows = try? store.calls(matching: CDRQuery(numberPrefix: caller, limit: 20)) else { return [] }
                return rows.filter { $0.fields.calling == caller && $0.fields.state != .open }.prefix(5).map { r in
                    let f = r.fields
                    let seconds = f.answeredAt.flatMap { a in f.releasedAt.map { $0.secondsSince1970 - a.secondsSince1970 } }
                    return PreviousCall(call: r.callRef.value, at: f.offeredAt.secondsSince1970, called: f.called,
                                        answered: f.answeredAt != nil, seconds: seconds)
                }
            },
            // Who last served each caller, over the last 90 days of the queue log.
            lastAgents: (try? store?.lastAgents(from: WallTime(secondsSince1970: Date().timeIntervalSince1970 - 90 * 86_400))) ?? [:])
        log.info("ACD: \(options.queues.count) queues, \(options.agents?.count ?? 0) agents")
        return service
    }

    /// Apply a reloaded `acd:` to the running ACD and campaigns; returns what changed, for the
    /// reload's note. Without an ACD at start, or with `acd:` gone, nothing changes until restart.
    func reloadACD(_ options: ACDOptions?) async -> String? {
        let acd = acdService.withLock { $0 }
        switch (acd, options) {
        case (nil, nil): return nil
        case (nil, _?): return "ACD: added, takes effect on restart"
        case (_?, nil): return "ACD: removed, takes effect on restart (it runs on as it was)"
        case let (acd?, options?):
            let changes = await acd.reconfigure(queues: options.queueSettings, agents: options.agentRecords, crm: options.crmLookup)
            reloadedACD.withLock { $0 = options }
            var note = changes.description
            if let campaigns = campaignCenter.withLock({ $0 }) {
                note += "; " + campaigns.reconfigure((options.campaigns ?? []).compactMap(\.settings),
                                                     initiallyRunning: options.campaignsStarting)
            }
            return note
        }
    }

    /// The control connection `connection` is agent `agent`'s desktop from now on.
    func attachDesktop(_ agent: String, connection: Int) {
        desktops.withLock { $0[agent] = connection }
    }

    /// A control connection closed: the agents whose desktop it was keep their state for
    /// `desktop_grace_s`; an agent whose desktop has not come back by then (`agent.attach` or a
    /// login with `desktop`) is made not ready ("desktop lost"), so calls stop going to a desk
    /// nobody watches. A call in progress goes on.
    func desktopClosed(connection: Int) {
        let orphans = desktops.withLock { $0.filter { $0.value == connection }.map(\.key) }
        guard !orphans.isEmpty, let acd = acdService.withLock({ $0 }) else { return }
        let grace = acdOptions?.desktop_grace_s ?? 60
        log.notice("control: the desktop of agent(s) \(orphans.sorted().joined(separator: ", ")) disconnected; \(grace) s to come back")
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(grace * 1000)))
            guard let self else { return }
            for agent in orphans {
                let lost = self.desktops.withLock { desks -> Bool in
                    guard desks[agent] == connection else { return false }
                    desks[agent] = nil
                    return true
                }
                if lost, await acd.desktopLost(agent) {
                    self.log.warning("agent \(agent): desktop gone for \(grace) s; not ready")
                }
            }
        }
    }

    /// A route's `arg` for the queue application: `QUEUE` or `QUEUE,PRIORITY`.
    static func queueTarget(_ argument: String?) -> (queue: String, priority: Int) {
        let parts = (argument ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return (parts.first ?? "", parts.count > 1 ? Int(parts[1]) ?? 0 : 0)
    }

    /// Where agent `number` is reached: an FXS port's number, or (with a trunk group) an external number.
    func agentStation(_ number: String, trunkGroup: String?) -> AgentStation? {
        if let trunkGroup {
            guard resolved.trunkGroups.contains(where: { $0.name == trunkGroup }),
                  !number.isEmpty, number.allSatisfy({ "0123456789*#".contains($0) }) else { return nil }
            return AgentStation(trunkGroup: trunkGroup, number: number, channel: nil)
        }
        return ACDOptions.station(number, trunks: resolved.configuration.trunks)
    }

    /// What a route's `arg` asks of the `agent` application (codes dialled from an agent's phone).
    enum AgentCode: Equatable {
        case login(strip: Int)
        case logout
        case ready
        case pause(reason: String)
        /// A supervisor taps the call of the agent whose id follows the first `strip` digits;
        /// keys then change the mode: 1 listen, 2 whisper, 3 barge, 4 take over.
        case supervise(strip: Int)
        /// The phone hears a beep, then itself for this many seconds (a line and headset test).
        case loopback(seconds: Int)

        init?(_ argument: String?) {
            let parts = (argument ?? "").split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            switch parts.first {
            case "login":
                guard let strip = Int(parts.count > 1 ? parts[1] : "0"), strip >= 0 else { return nil }
                self = .login(strip: strip)
            case "logout": self = .logout
            case "ready": self = .ready
            case "pause": self = .pause(reason: parts.count > 1 ? parts[1] : "break")
            case "supervise":
                guard let strip = Int(parts.count > 1 ? parts[1] : "0"), strip >= 0 else { return nil }
                self = .supervise(strip: strip)
            case "loopback":
                guard let seconds = Int(parts.count > 1 ? parts[1] : "15"), (1...600).contains(seconds) else { return nil }
                self = .loopback(seconds: seconds)
            default: return nil
            }
        }
    }

    /// A phone dialled an agent code: log in (the agent's id in the dialled digits), log out, ready,
    /// pause, for the agent at that phone's station; the phone hears whether it worked.
    func agentCode(_ call: CallID, _ argument: String?) async {
        if case let .loopback(seconds) = AgentCode(argument) {
            await loopbackTest(call, seconds: seconds)
            return
        }
        let leg = try? await calls.calls().first { $0.id == call }
        let language = acdOptions?.language ?? "zh"
        var outcome = "agent-refused"
        if let acd = acdService.withLock({ $0 }), let code = AgentCode(argument),
           let number = leg?.setup.calling?.digits, let station = agentStation(number, trunkGroup: nil) {
            do throws(ACDService.Refusal) {
                switch code {
                case let .login(strip):
                    let id = String((leg?.setup.called.digits ?? "").dropFirst(strip)).trimmingCharacters(in: ["#"])
                    try await acd.login(id, at: station)
                    outcome = "agent-logged-in"
                case let .supervise(strip):
                    let target = String((leg?.setup.called.digits ?? "").dropFirst(strip)).trimmingCharacters(in: ["#"])
                    guard let me = await acd.agent(at: station) else { throw ACDService.Refusal(description: "no supervisor at \(station)") }
                    let agentLeg = try await acd.supervisedLeg(of: target, by: me)
                    try? await calls.answer(call)
                    do {
                        try await calls.monitor(agentLeg, supervisor: call, mode: .listen)
                    } catch {
                        throw ACDService.Refusal(description: "cannot tap agent \(target)'s call: \(error)")
                    }
                    supervisions.withLock { $0[call] = Supervision(agentLeg: agentLeg, supervisor: me, agent: target) }
                    log.notice("supervisor \(me) listens to agent \(target)")
                    return
                case .loopback:
                    return
                case .logout, .ready, .pause:
                    guard let id = await acd.agent(at: station) else { throw ACDService.Refusal(description: "no agent at \(station)") }
                    switch code {
                    case .logout: try await acd.logout(id); outcome = "agent-logged-out"
                    case .ready: try await acd.ready(id); outcome = "agent-ready"
                    case let .pause(reason): try await acd.pause(id, reason: reason); outcome = "agent-paused"
                    default: break
                    }
                }
                log.notice("agent code \(leg?.setup.called.digits ?? "") from \(station): \(outcome)")
            } catch {
                log.warning("agent code \(leg?.setup.called.digits ?? "") from \(station): \(error)")
            }
        }
        try? await calls.answer(call)
        if let prompt = currentPrompts?["\(language)/\(outcome)"] {
            try? await calls.play(call, [prompt], id: 1)
            try? await Task.sleep(for: .milliseconds(prompt.milliseconds + 300))
        }
        try? await calls.release(call, cause: .normalClearing)
    }

    /// A phone's line test: a beep, then the phone hears itself for `seconds`, then the call ends.
    func loopbackTest(_ call: CallID, seconds: Int) async {
        try? await calls.answer(call)
        try? await Task.sleep(for: .milliseconds(500))
        if let beep = currentPrompts?["tones/beep"] {
            try? await calls.play(call, [beep], id: 1)
            try? await Task.sleep(for: .milliseconds(beep.milliseconds + 100))
        }
        do { try await calls.loopback(call, on: true) } catch {
            log.warning("loopback test on \(call): \(error)")
        }
        log.notice("loopback test on \(call) for \(seconds) s")
        try? await Task.sleep(for: .seconds(seconds))
        try? await calls.release(call, cause: .normalClearing)
    }

    /// A supervisor pressed a key on a tapped call: 1 listen, 2 whisper, 3 barge, 4 take over.
    func supervisionKey(_ call: CallID, _ digit: Character) async {
        guard let session = supervisions.withLock({ $0[call] }) else { return }
        switch digit {
        case "1": await changeTap(call, session, to: .listen)
        case "2": await changeTap(call, session, to: .whisper)
        case "3": await changeTap(call, session, to: .barge)
        case "4": await changeTap(call, session, to: nil)
        default: return
        }
    }

    /// A supervisor at a desktop taps an agent's call (`mode` nil: take it over). The first time
    /// the engine rings the supervisor's phone and taps when it answers; afterwards it changes
    /// the tap in place. Returns the supervisor's call.
    func supervise(_ agent: String, by supervisor: String, mode: MonitorMode?) async throws(ACDService.Refusal) -> CallID {
        guard let acd = acdService.withLock({ $0 }) else { throw ACDService.Refusal(description: "no ACD") }
        if let (call, session) = supervisions.withLock({ $0.first { $0.value.supervisor == supervisor && $0.value.agent == agent } }) {
            await changeTap(call, session, to: mode)
            return call
        }
        let agentLeg = try await acd.supervisedLeg(of: agent, by: supervisor)
        let station = try await acd.supervisorStation(supervisor)
        var setup = CallSetup(calling: nil, called: PartyNumber(station.number))
        setup.numberComplete = true
        if let channel = station.channel { setup.channel = ChannelSelection(channel: channel, exclusive: true) }
        let call: CallID
        do { call = try await calls.place(trunkGroup: station.trunkGroup, setup: setup) } catch {
            throw ACDService.Refusal(description: "cannot ring supervisor \(supervisor) at \(station): \(error)")
        }
        pendingTaps.withLock { $0[call] = PendingTap(agentLeg: agentLeg, supervisor: supervisor, agent: agent, mode: mode) }
        log.notice("supervisor \(supervisor): ringing \(station) to tap agent \(agent)'s call")
        return call
    }

    /// The supervisor's phone answered: tap the agent's call as asked.
    func startTap(_ call: CallID, _ tap: PendingTap) async {
        do {
            try await calls.monitor(tap.agentLeg, supervisor: call, mode: .listen)
        } catch {
            log.warning("supervisor \(tap.supervisor): agent \(tap.agent)'s call cannot be tapped any more: \(error)")
            try? await calls.release(call, cause: .normalClearing)
            return
        }
        let session = Supervision(agentLeg: tap.agentLeg, supervisor: tap.supervisor, agent: tap.agent)
        supervisions.withLock { $0[call] = session }
        log.notice("supervisor \(tap.supervisor) listens to agent \(tap.agent)")
        if tap.mode != .listen { await changeTap(call, session, to: tap.mode) }
    }

    /// Change a tap: listen, whisper, barge, or (nil) take the call over.
    private func changeTap(_ call: CallID, _ session: Supervision, to mode: MonitorMode?) async {
        do {
            if let mode {
                try await calls.monitor(session.agentLeg, supervisor: call, mode: mode)
                log.notice("supervisor \(session.supervisor) \(mode.rawValue)s on agent \(session.agent)'s call")
            } else {
                try await calls.takeOver(session.agentLeg, supervisor: call)
                supervisions.withLock { $0[call] = nil }
                log.notice("supervisor \(session.supervisor) took over agent \(session.agent)'s call")
            }
        } catch {
            log.warning("supervisor \(session.supervisor) on agent \(session.agent): \(error)")
        }
    }
}

/// A tap asked from a desktop, until the supervisor's phone answers; `mode` nil is a take-over.
struct PendingTap: Sendable {
    let agentLeg: CallID
    let supervisor: String
    let agent: String
    let mode: MonitorMode?
}

/// A supervisor's tap on an agent's call, for the keys that change it.
struct Supervision: Sendable {
    let agentLeg: CallID
    let supervisor: String
    let agent: String
}
