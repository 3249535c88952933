import CallControl
import PSTNEngine

/// The automatic call distributor: callers wait in queues with music on hold and position
/// announcements, and each is offered to a free agent chosen by the queue's strategy. An agent's
/// phone rings (an FXS port, or an external number); answered, the two are bridged; unanswered
/// within the ring time, the caller goes back to the head of the queue and the agent is paused.
/// After the call the agent does wrap-up, then is ready again. Limits send callers elsewhere.
///
/// Call events and queue entries arrive through `deliver` and are handled one at a time, in
/// order, by `run`; agent commands (login, ready, pause, logout) are the actor's methods.
public actor ACDService {
    /// What the ACD reports: queue log entries, agent state changes, screen pops.
    public enum Report: Sendable {
        case queue(QueueLogEntry)
        case agent(AgentStateChange)
        /// A call offered to an agent, with what is known of the caller (for a desktop or CRM).
        case offered(ScreenPop)
    }

    enum Input: Sendable {
        case event(CallEvent)
        case enter(CallID, queue: String, caller: String?, called: String, priority: Int, variables: [String: String])
        case ringTimeout(leg: CallID)
        /// A caller transferred to an agent whose phone still rings after the queue's ring time.
        case transferTimeout(leg: CallID)
        case wrapUpOver(agent: String, serial: Int)
        /// The CRM answered about a waiting caller.
        case crm(CallID, CRMLookup.Answer)
        /// The agent dialling after a hook flash paused long enough: act on the digits.
        case dialled(agent: String, serial: Int)
        case maxWait(CallID, serial: Int)
        case announce(CallID, serial: Int)
    }

    struct AgentRuntime {
        var record: AgentRecord
        var order: Int
        var state: AgentState = .loggedOut
        var since: Double = 0
        var station: AgentStation?
        var loggedInAt: Double = 0
        var idleSince: Double = 0
        var callsAnswered = 0
        /// Bumped on every state change: a timer for an older state does nothing.
        var serial = 0
        /// The agent leg ringing or connected, and its caller.
        var leg: CallID?
        var caller: CallID?
        var queue: String?
    }

    struct CallerRuntime {
        var waiting: WaitingCaller
        var queue: String
        /// Agent legs ringing for this caller (several at once with ring-all), and their agents.
        var offers: [CallID: String] = [:]
        /// Agents being rung (set before their legs exist).
        var ringing: Set<String> = []
        /// The agent who answered.
        var agent: String?
        var connected = false
        var serial = 0
        var announcing = false
        /// The caller's dedicated agent, from the CRM or the agents' customer lists.
        var accountManager: String?
        var connectedAt: Double?
        /// Not offered to agents until the CRM has answered (or failed, or timed out).
        var awaitingCRM = false
        /// What the IVR collected, and the caller's earlier calls, for the screen pop.
        var variables: [String: String] = [:]
        var previousCalls: [PreviousCall] = []
        /// The survey the caller goes to if the agent hangs up first, as the queue said when the
        /// call was offered (call control keeps the caller's line up for it).
        var surveyFlow: String?
    }

    struct QueueRuntime {
        var settings: QueueSettings
        var lastOffered: Int?
        /// Talk plus wrap-up time of recent calls (an exponential average), for the estimated wait.
        var averageHandleSeconds = ACDService.assumedHandleSeconds
        /// Gone from the configuration but callers still wait: no new ones (see `reconfigure`).
        var closing = false
    }

    /// The handle time assumed for the estimated wait until calls have been measured.
    static let assumedHandleSeconds = 120.0

    let calls: CallControl
    let prompts: @Sendable () -> PromptLibrary?
    private let report: @Sendable (Report) -> Void
    private let toFlow: @Sendable (CallID, String, [String: String]) -> Void
    /// Where a number dialled from an agent's phone (on a trunk group) leads, if anywhere an
    /// agent may transfer a caller.
    let destinationOfNumber: @Sendable (String, String) -> TransferTarget?
    private let clockOrigin = ContinuousClock.now
    private let inputs: AsyncStream<Input>
    private let continuation: AsyncStream<Input>.Continuation
    var queues: [String: QueueRuntime]
    var agents: [String: AgentRuntime]
    var callers: [CallID: CallerRuntime] = [:]
    /// Agent legs ringing or connected -> the agent.
    var agentLegs: [CallID: String] = [:]
    /// Consultation legs (an agent calling another about the caller on hold) -> the consulting agent.
    var consultLegs: [CallID: String] = [:]
    /// Consulting agent -> the consultation leg and the agent consulted.
    var consulting: [String: (leg: CallID, target: String)] = [:]
    private let random: @Sendable () -> Double
    var crm: CRMLookup?
    /// A caller's earlier calls (newest first), from the CDRs.
    private let history: @Sendable (String) -> [PreviousCall]
    /// Caller number -> the agent who last served them (the `last-agent` preference).
    var lastAgentOf: [String: String] = [:]
    /// Caller number -> their account manager, from the agents' customer lists.
    var accountManagers: [String: String]
    /// Agents a reload removed who are still on a call: they go when it ends.
    var retiringAgents: Set<String> = []
    /// The last state serial of agents a reload removed, so that a timer of theirs cannot act
    /// on them if they are configured again.
    var removedSerials: [String: Int] = [:]
    /// Calls of agents' own (internal, outbound, click-to-dial) on their stations: the agent and
    /// the state to go back to when the call ends.
    var ownCalls: [CallID: (agent: String, before: AgentState)] = [:]
    /// Click-to-dial calls ringing the agent's phone: where to connect them when it answers,
    /// and the calling number to present (nil: the agent's station).
    var pendingDials: [CallID: (target: DialTarget, calling: String?)] = [:]
    /// Agents dialling after a hook flash (their caller on hold): the digits so far.
    var dialling: [String: PhoneDialling] = [:]
    var nextDialSerial = 0
    /// The last key an agent pressed while consulting (for `*3`).
    var consultKeys: [String: Character] = [:]
    /// Agents who flashed during a consultation: their caller comes back when it has ended.
    var returningToCaller: Set<String> = []
    /// The zone's dial tone, played to an agent who flashed.
    let dialTone: Prompt?

    /// `toFlow` hands a caller to an IVR flow with variables (an overflow to voicemail, a survey).
    public init(queues: [QueueSettings], agents: [AgentRecord], calls: CallControl,
                prompts: @escaping @Sendable () -> PromptLibrary?, report: @escaping @Sendable (Report) -> Void,
                toFlow: @escaping @Sendable (CallID, String, [String: String]) -> Void,
                dialTone: Prompt? = nil, destinationOfNumber: @escaping @Sendable (String, String) -> TransferTarget? = { _, _ in nil },
                crm: CRMLookup? = nil, history: @escaping @Sendable (String) -> [PreviousCall] = { _ in [] },
                lastAgents: [String: String] = [:],
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.crm = crm
        self.history = history
        self.lastAgentOf = lastAgents
        self.accountManagers = Self.accountManagers(of: agents)
        self.calls = calls
        self.prompts = prompts
        self.report = report
        self.toFlow = toFlow
        self.dialTone = dialTone
        self.destinationOfNumber = destinationOfNumber
        self.random = random
        self.queues = Dictionary(queues.map { ($0.name, QueueRuntime(settings: $0)) }, uniquingKeysWith: { a, _ in a })
        self.agents = Dictionary(agents.enumerated().map { ($1.id, AgentRuntime(record: $1, order: $0)) },
                                 uniquingKeysWith: { a, _ in a })
        (inputs, continuation) = AsyncStream.makeStream(of: Input.self, bufferingPolicy: .unbounded)
    }

    // MARK: Feeding it

    /// Hand over a call event (from the daemon's event loop; never waits).
    public nonisolated func deliver(_ event: CallEvent) {
        switch event {
        case .answered, .released, .playFinished, .dtmf, .flash, .offered, .placed, .routed: continuation.yield(.event(event))
        default: break
        }
    }

    /// Put a call in a queue (it is answered if it is not yet). `priority`: higher first.
    /// `variables`: what an IVR collected on the way (`ivr_path` among them), for the screen pop.
    public nonisolated func enter(_ call: CallID, queue: String, caller: String?, called: String, priority: Int = 0,
                                  variables: [String: String] = [:]) {
        continuation.yield(.enter(call, queue: queue, caller: caller, called: called, priority: priority, variables: variables))
    }

    /// Handle what arrives, in order, until `stop`.
    public func run() async {
        for await input in inputs {
            await handle(input)
            if !retiringAgents.isEmpty || queues.values.contains(where: \.closing) { await settleReconfiguration() }
        }
    }

    public nonisolated func stop() { continuation.finish() }

    var now: Double {
        let d = ContinuousClock.now - clockOrigin
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    func after(_ milliseconds: Int, _ input: Input) {
        let continuation = self.continuation
        Task {
            try? await Task.sleep(for: .milliseconds(milliseconds))
            continuation.yield(input)
        }
    }

    private func handle(_ input: Input) async {
        switch input {
        case let .enter(call, queue, caller, called, priority, variables):
            await enter(call, queue: queue, caller: caller, called: called, priority: priority, variables: variables)
        case let .event(event):
            await handle(event)
        case let .ringTimeout(leg):
            if let agent = agentLegs[leg], agents[agent]?.state == .ringing {
                try? await calls.release(leg, cause: .noAnswer)
            }
        case let .transferTimeout(leg):
            guard let agent = agentLegs[leg], agents[agent]?.state == .ringing, let call = agents[agent]?.caller,
                  let c = callers[call] else { return }
            // Nobody took the transferred caller: back to the head of the queue, still hearing music.
            callers[call]?.connected = false
            callers[call]?.agent = nil
            callers[call]?.ringing = []
            callers[call]?.waiting.returned = true
            log(call, c.queue, "transfer-unanswered", agent: agent)
            try? await calls.detach(leg)
            if let q = queues[c.queue]?.settings { await playMusic(call, q) }
        case let .crm(call, answer):
            guard var c = callers[call], !c.connected else { return }
            c.awaitingCRM = false
            if let p = answer.priority, p > c.waiting.priority { c.waiting.priority = p }
            if let manager = answer.accountManager { c.accountManager = manager }
            // What the CRM knows of the caller goes on the agents' screen pops (and with the
            // caller through transfers), as `crm.FIELD`.
            for (key, value) in answer.fields { c.variables["crm." + key] = value }
            callers[call] = c
            if answer != CRMLookup.Answer() {
                var shown = answer
                shown.priority = c.waiting.priority
                shown.accountManager = c.accountManager
                log(call, c.queue, "crm", detail: shown.summary)
            }
            await dispatch()
        case let .dialled(agent, serial):
            if dialling[agent]?.serial == serial { await dialled(agent) }
        case let .wrapUpOver(agent, serial):
            if let a = agents[agent], a.serial == serial, a.state == .wrapUp {
                setState(agent, .ready)
                await dispatch()
            }
        case let .maxWait(call, serial):
            // A reload may have lifted the limit since the timer was set.
            if let c = callers[call], c.serial == serial, !c.connected, c.ringing.isEmpty,
               let q = queues[c.queue]?.settings, q.maxWaitMilliseconds != nil {
                await overflow(call, q.onMaxWait, reason: "max wait")
            }
        case let .announce(call, serial):
            await announce(call, serial: serial)
        }
    }

    // MARK: Callers

    private func enter(_ call: CallID, queue name: String, caller: String?, called: String, priority: Int,
                       variables: [String: String] = [:]) async {
        guard let runtime = queues[name], !runtime.closing else {
            try? await calls.release(call, cause: .serviceNotAvailable)
            return
        }
        let q = runtime.settings
        let waitingCount = callers.values.filter { $0.queue == name && !$0.connected }.count
        var entry = callers[call]?.waiting ?? WaitingCaller(call: call.value, caller: caller, called: called,
                                                             priority: priority, enteredAt: now)
        if let caller, q.vipNumbers.contains(caller) { entry.priority = max(entry.priority, 1) }
        let isNew = callers[call] == nil
        if isNew {
            do { try await calls.answer(call) } catch { return }
            // A reload may have closed the queue while the call was being answered.
            guard let again = queues[name], !again.closing else {
                try? await calls.release(call, cause: .serviceNotAvailable)
                return
            }
        }
        let manager = callers[call]?.accountManager ?? caller.flatMap { accountManagers[$0] }
        let earlier = callers[call]
        callers[call] = CallerRuntime(waiting: entry, queue: name, serial: (earlier?.serial ?? 0) + 1, accountManager: manager)
        callers[call]?.variables = (earlier?.variables ?? [:]).merging(variables) { _, new in new }
        callers[call]?.previousCalls = earlier?.previousCalls ?? (isNew ? caller.map(history) ?? [] : [])
        if isNew, let crm, let caller {
            callers[call]?.awaitingCRM = true
            let continuation = self.continuation
            let report = self.report
            Task {
                switch await crm.lookup(caller: caller) {
                case let .success(answer): continuation.yield(.crm(call, answer))
                case let .failure(error):
                    report(.queue(QueueLogEntry(call: call.value, queue: name, event: "crm-failed", agent: nil, position: nil,
                                                waitSeconds: nil, detail: error.description)))
                    continuation.yield(.crm(call, CRMLookup.Answer()))
                }
            }
        }
        log(call, name, "entered", position: position(of: call), detail: entry.priority > 0 ? "priority \(entry.priority)" : nil)
        if let max = q.maxCallers, waitingCount >= max {
            await overflow(call, q.onFull, reason: "queue full")
            return
        }
        if !hasAgentsLoggedIn(name) {
            await overflow(call, q.onNoAgents, reason: "no agents logged in")
            return
        }
        await playMusic(call, q)
        let serial = callers[call]?.serial ?? 0
        if let wait = q.maxWaitMilliseconds { after(wait, .maxWait(call, serial: serial)) }
        if let every = q.announceEveryMilliseconds { after(every, .announce(call, serial: serial)) }
        await dispatch()
    }

    /// What `agent`'s desktop is shown of the caller `call`.
    func screenPop(_ call: CallID, agent: String, via: String) -> ScreenPop? {
        guard let c = callers[call] else { return nil }
        return ScreenPop(call: call.value, queue: c.queue, agent: agent, caller: c.waiting.caller, called: c.waiting.called,
                         waitedSeconds: now - c.waiting.enteredAt, ivrPath: c.variables["ivr_path"],
                         variables: c.variables.filter { !["ivr_path", "caller", "called"].contains($0.key) },
                         previousCalls: c.previousCalls, via: via)
    }

    /// Fold one call's talk time (plus the queue's wrap-up) into the queue's average handle time.
    private func measureHandle(_ queue: String, talkSeconds: Double) {
        guard let q = queues[queue] else { return }
        let handle = talkSeconds + Double(q.settings.wrapUpMilliseconds ?? 0) / 1000
        queues[queue]?.averageHandleSeconds = 0.8 * q.averageHandleSeconds + 0.2 * handle
    }

    /// Seconds the caller may expect to wait: callers ahead and this one, served by the agents
    /// logged in to the queue at its average handle time.
    func estimatedWait(of call: CallID) -> Double? {
        guard let c = callers[call], !c.connected, let q = queues[c.queue], let place = position(of: call) else { return nil }
        let serving = agents.values.filter { $0.record.queues[c.queue] != nil && $0.state != .loggedOut }.count
        return EstimatedWait.seconds(position: place, averageHandleSeconds: q.averageHandleSeconds, agents: serving)
    }

    /// 1-based place among the callers waiting in the call's queue.
    func position(of call: CallID) -> Int? {
        guard let me = callers[call] else { return nil }
        let ahead = callers.values.filter {
            $0.queue == me.queue && !$0.connected && $0.waiting.call != call.value && $0.waiting.precedes(me.waiting)
        }
        return ahead.count + 1
    }

    func playMusic(_ call: CallID, _ q: QueueSettings) async {
        guard let music = prompts()?[q.music] else { return }
        try? await calls.play(call, [music], id: Self.musicPlay, loop: true)
    }

    static let musicPlay: Int32 = 7001
    static let announcementPlay: Int32 = 7002

    private func announce(_ call: CallID, serial: Int) async {
        guard let c = callers[call], c.serial == serial, !c.connected, let q = queues[c.queue]?.settings,
              let library = prompts(), let place = position(of: call) else { return }
        // English says the place ("your position is 2"), Mandarin how many are ahead ("1 ahead of you").
        let spoken = q.language == "zh" ? place - 1 : place
        var names = ["queue-position"] + (SayPhrases.number(String(spoken), language: q.language) ?? []) + ["queue-position-end"]
        if q.announceWait, let wait = estimatedWait(of: call) {
            let minutes = EstimatedWait.minutes(wait)
            names += ["estimated-wait"] + (SayPhrases.number(minutes, language: q.language) ?? []) + [minutes == 1 ? "time/minute" : "time/minutes"]
        }
        if q.onLeaveMessage != nil { names.append("queue-leave-message") }
        let list = names.compactMap { library["\(q.language)/\($0)"] }
        if c.ringing.isEmpty, !list.isEmpty {
            callers[call]?.announcing = true
            try? await calls.play(call, list, id: Self.announcementPlay)
            log(call, c.queue, "announced", position: place, detail: nil)
            // The next one is counted from the end of this one (`playFinished`).
            return
        }
        if let every = q.announceEveryMilliseconds { after(every, .announce(call, serial: serial)) }
    }

    func overflow(_ call: CallID, _ action: OverflowAction?, reason: String) async {
        guard let c = callers[call] else { return }
        let waited = now - c.waiting.enteredAt
        callers[call] = nil
        log(call, c.queue, "overflow", wait: waited, detail: "\(reason): \(action?.description ?? "hang up (cause 34)")")
        switch action {
        case let .queue(other)?:
            var moved = c.waiting
            moved.returned = false
            await enter(call, queue: other, caller: moved.caller, called: moved.called, priority: moved.priority, variables: c.variables)
        case let .flow(flow)?:
            try? await calls.stopPlayback(call)
            toFlow(call, flow, ["queue": c.queue])
        case let .external(group, number)?:
            try? await calls.stopPlayback(call)
            do { _ = try await calls.connect(call, to: group, called: PartyNumber(number)) } catch {
                try? await calls.release(call, cause: error.cause)
            }
        case let .hangup(cause)?:
            try? await calls.release(call, cause: Q850Cause(rawValue: cause) ?? .noCircuitAvailable)
        case nil:
            try? await calls.release(call, cause: .noCircuitAvailable)
        }
    }

    // MARK: Distribution

    /// Offer waiting callers to free agents until no more can be matched.
    func dispatch() async {
        while let (call, chosen) = nextMatch() {
            await offer(call, to: chosen)
        }
    }

    /// The best waiting caller that has a free agent, and the agents to ring (all of them for
    /// ring-all, else the one the strategy chooses).
    private func nextMatch() -> (CallID, [String])? {
        let waiting = callers.filter { !$0.value.connected && $0.value.ringing.isEmpty && !$0.value.awaitingCRM }
            .sorted { $0.value.waiting.precedes($1.value.waiting) }
        for (call, c) in waiting {
            guard let q = queues[c.queue] else { continue }
            let free = agents.values.filter { $0.state == .ready && $0.station != nil && $0.record.queues[c.queue] != nil }
            let candidates = free.map { a in
                AgentCandidate(id: a.record.id, order: a.order, level: a.record.queues[c.queue]?.level ?? 5,
                               penalty: a.record.queues[c.queue]?.penalty ?? 0, idleSince: a.idleSince,
                               loggedInAt: a.loggedInAt, callsAnswered: a.callsAnswered, location: a.record.location)
            }
            let context = CallerContext(number: c.waiting.caller, lastAgent: c.waiting.caller.flatMap { lastAgentOf[$0] },
                                        accountManager: c.accountManager)
            let preferences = q.settings.preferences
            let ordered = AgentSelector.order(candidates, by: q.settings.strategy, lastOffered: q.lastOffered,
                                              preferences: preferences, caller: context, random: random)
            guard let first = ordered.first else { continue }
            if q.settings.strategy == .ringAll {
                return (call, AgentSelector.ringAllGroup(ordered, preferences: preferences, caller: context).map(\.id))
            }
            return (call, [first.id])
        }
        return nil
    }

    private func offer(_ call: CallID, to chosen: [String]) async {
        guard let c = callers[call], let q = queues[c.queue]?.settings else { return }
        for agent in chosen {
            guard let a = agents[agent] else { continue }
            queues[c.queue]?.lastOffered = a.order
            callers[call]?.ringing.insert(agent)
            callers[call]?.surveyFlow = q.surveyFlow
            agents[agent]?.caller = call
            agents[agent]?.queue = c.queue
            setState(agent, .ringing)
        }
        for agent in chosen {
            guard let station = agents[agent]?.station, callers[call] != nil else {
                callers[call]?.ringing.remove(agent)
                if agents[agent]?.state == .ringing { setState(agent, .ready) }
                continue
            }
            let leg: CallID
            do {
                leg = try await calls.connect(call, to: station.trunkGroup, called: PartyNumber(station.number),
                                              channel: station.channel, offer: true, keepCaller: q.surveyFlow != nil)
            } catch {
                // The phone cannot be rung (busy, out of order): pause the agent, keep the caller.
                callers[call]?.ringing.remove(agent)
                agents[agent]?.caller = nil
                if agents[agent]?.state == .ringing { setState(agent, .notReady(reason: "unreachable")) }
                log(call, c.queue, "unreachable", agent: agent, detail: "\(error)")
                continue
            }
            guard callers[call] != nil, agents[agent]?.state == .ringing else {
                try? await calls.release(leg, cause: .normalClearing)
                continue
            }
            callers[call]?.offers[leg] = agent
            agents[agent]?.leg = leg
            agentLegs[leg] = agent
            log(call, c.queue, "offered", agent: agent, position: nil, wait: now - c.waiting.enteredAt)
            if let pop = screenPop(call, agent: agent, via: "queue") { report(.offered(pop)) }
            after(q.ringMilliseconds, .ringTimeout(leg: leg))
        }
        if callers[call]?.ringing.isEmpty == true, callers[call]?.connected == false {
            callers[call]?.waiting.returned = true
        }
    }

    // MARK: Call events

    private func handle(_ event: CallEvent) async {
        switch event {
        case let .offered(leg), let .placed(leg, _):
            ownCallStarted(leg)
        case let .routed(id, .application(name: "agent", _), _):
            // A code dialled from the phone (login, pause...) is not a call of the agent's.
            if ownCalls[id] != nil { await ownCallEnded(id) }
        case let .released(leg) where ownCalls[leg.id] != nil:
            pendingDials[leg.id] = nil
            await ownCallEnded(leg.id)
        case let .answered(leg) where pendingDials[leg] != nil:
            await dialAnswered(leg)
        case let .answered(leg) where consultLegs[leg] != nil:
            if let target = consulting[consultLegs[leg] ?? ""]?.target {
                agents[target]?.callsAnswered += 1
                setState(target, .onCall)
            }
        case let .answered(leg):
            if let target = agentLegs[leg], agents[target]?.state == .ringing, let call = agents[target]?.caller,
               let c = callers[call], c.connected, c.agent == target {
                // The consulted agent answered after the transfer was completed.
                agents[target]?.callsAnswered += 1
                setState(target, .onCall)
                try? await calls.stopPlayback(call)
                log(call, c.queue, "connected", agent: target)
                return
            }
            guard let agent = agentLegs[leg], let call = agents[agent]?.caller, let c = callers[call] else { return }
            callers[call]?.connected = true
            callers[call]?.agent = agent
            callers[call]?.connectedAt = now
            if let number = c.waiting.caller { lastAgentOf[number] = agent }
            callers[call]?.offers[leg] = nil
            agents[agent]?.callsAnswered += 1
            setState(agent, .onCall)
            try? await calls.stopPlayback(call)
            log(call, c.queue, "connected", agent: agent, wait: now - c.waiting.enteredAt)
            if let q = queues[c.queue]?.settings, q.announceAgent, let library = prompts() {
                let names = ["agent-number"] + (SayPhrases.digits(agent) ?? []) + ["agent-number-end"]
                let list = names.compactMap { library["\(q.language)/\($0)"] }
                try? await calls.play(call, list, id: Self.announcementPlay + 1)
            }
        case let .released(leg) where consultLegs[leg.id] != nil:
            // The consultation ended before the transfer: the consulted agent is free again.
            let consulter = consultLegs.removeValue(forKey: leg.id) ?? ""
            if let target = consulting.removeValue(forKey: consulter)?.target {
                agents[target]?.leg = nil
                agents[target]?.caller = nil
                setState(target, .ready)
                if let call = agents[consulter]?.caller { log(call, agents[consulter]?.queue ?? "", "consult-ended", agent: consulter) }
            }
            if returningToCaller.remove(consulter) != nil { try? await retrieve(consulter) }
            await dispatch()
        case let .released(leg):
            if let agent = agentLegs[leg.id], consulting[agent] != nil, let caller = agents[agent]?.caller {
                // The agent hung up while consulting: call control handed the caller over.
                await handOver(from: agent, caller: caller)
            }
            dialling[agentLegs[leg.id] ?? ""] = nil
            if let agent = agentLegs.removeValue(forKey: leg.id) {
                await agentLegEnded(agent, leg)
            } else if let c = callers.removeValue(forKey: leg.id) {
                if let at = c.connectedAt { measureHandle(c.queue, talkSeconds: now - at) }
                if c.connected {
                    log(leg.id, c.queue, "completed", agent: c.agent, detail: nil)
                } else {
                    log(leg.id, c.queue, "abandoned", agent: nil, position: nil, wait: now - c.waiting.enteredAt)
                }
                // Agents still on a call about this caller (a three-way call it left, a
                // consultation while it was on hold) talk on without it: when they hang up,
                // nothing is handed over to a caller who has gone.
                for (id, a) in agents where a.caller == leg.id { agents[id]?.caller = nil }
            }
        case let .flash(leg):
            if let agent = agentLegs[leg] { await flashed(agent) }
        case let .dtmf(leg, digit, _):
            if let agent = agentLegs[leg] {
                await pressed(digit, agent: agent)
            } else if digit == "1", let c = callers[leg], !c.connected, c.ringing.isEmpty,
                      let action = queues[c.queue]?.settings.onLeaveMessage {
                await overflow(leg, action, reason: "the caller chose to leave a message")
            }
        case let .playFinished(call, id, _) where id == Self.announcementPlay:
            guard let c = callers[call], !c.connected, let q = queues[c.queue]?.settings else { return }
            callers[call]?.announcing = false
            await playMusic(call, q)
            if let every = q.announceEveryMilliseconds { after(every, .announce(call, serial: c.serial)) }
        default:
            break
        }
    }

    private func agentLegEnded(_ agent: String, _ leg: CallLeg) async {
        guard let a = agents[agent] else { return }
        let call = a.caller
        agents[agent]?.leg = nil
        agents[agent]?.caller = nil
        let q = a.queue.flatMap { queues[$0]?.settings }
        switch a.state {
        case .ringing:
            guard let call, callers[call] != nil else {
                setState(agent, .ready)
                break
            }
            callers[call]?.offers[leg.id] = nil
            callers[call]?.ringing.remove(agent)
            if callers[call]?.connected == true || leg.cause == .nonSelectedUserClearing {
                // Ring-all: another agent answered first.
                setState(agent, .ready)
                break
            }
            log(call, a.queue ?? "", "no-answer", agent: agent, detail: leg.cause.map { "cause \($0.rawValue)" })
            setState(agent, q?.notReadyOnNoAnswer ?? true ? .notReady(reason: "no answer") : .ready)
            if callers[call]?.ringing.isEmpty == true {
                // Not answered (rang out, busy, refused): back to the head of the queue, unless
                // nobody serves it any more (the agent logged out by a reload, say).
                callers[call]?.waiting.returned = true
                if let c = callers[call], !hasAgentsLoggedIn(c.queue) {
                    await overflow(call, queues[c.queue]?.settings.onNoAgents, reason: "no agents logged in")
                }
            }
        case .onCall:
            if let call, let c = callers[call], let survey = c.surveyFlow {
                // The agent hung up first: the caller goes on to the survey.
                callers[call] = nil
                log(call, c.queue, "completed", agent: agent, detail: "survey \(survey)")
                toFlow(call, survey, ["agent": agent, "queue": c.queue])
            }
            if let wrap = q?.wrapUpMilliseconds {
                setState(agent, .wrapUp)
                if wrap > 0 { after(wrap, .wrapUpOver(agent: agent, serial: agents[agent]?.serial ?? 0)) } else { setState(agent, .ready) }
            } else {
                setState(agent, .wrapUp)
            }
        default:
            break
        }
        await dispatch()
    }

    // MARK: Agents

    /// Why an agent command was refused.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let description: String
        /// When the agent's phone could not be rung: the network's reason (user busy: off the hook).
        public let cause: Q850Cause?
        public init(description: String, cause: Q850Cause? = nil) {
            self.description = description
            self.cause = cause
        }
    }

    /// Log an agent in at a station (or their usual one); they start not ready unless `ready`.
    public func login(_ id: String, at station: AgentStation, ready: Bool = true) async throws(Refusal) {
        guard let a = agents[id] else { throw Refusal(description: "no agent \(id)") }
        if a.state != .loggedOut, a.station != station {
            throw Refusal(description: "agent \(id) is logged in at \(a.station?.description ?? "no station"); log out first")
        }
        if let other = agents.values.first(where: { $0.record.id != id && $0.state != .loggedOut && $0.station == station }) {
            throw Refusal(description: "\(station) is taken by agent \(other.record.id)")
        }
        agents[id]?.station = station
        if a.state == .loggedOut {
            agents[id]?.loggedInAt = now
            agents[id]?.callsAnswered = 0
            setState(id, ready ? .ready : .notReady(reason: "logged in"))
        }
        await dispatch()
    }

    /// The agent `id`, when supervisor `s` may watch them; otherwise why not.
    private func scoped(_ id: String, by s: AgentRuntime) throws(Refusal) -> AgentRuntime {
        guard let a = agents[id] else { throw Refusal(description: "no agent \(id)") }
        guard s.record.supervises.covers(a.record, supervisorGroup: s.record.group) else {
            throw Refusal(description: "agent \(id) (group \(a.record.group)) is outside supervisor \(s.record.id)'s scope")
        }
        return a
    }

    /// A supervisor sets an agent in their scope ready, not ready (with a reason) or logged out.
    public func force(_ agent: String, to state: ForcedState, by supervisor: String) async throws(Refusal) {
        guard let s = agents[supervisor], s.record.kind == .supervisor, s.state != .loggedOut else {
            throw Refusal(description: "\(supervisor) is not a supervisor who is logged in")
        }
        _ = try scoped(agent, by: s)
        switch state {
        case .ready: try await ready(agent)
        case let .notReady(reason): try pause(agent, reason: reason)
        case .loggedOut: try await logout(agent)
        }
    }

    /// The agent's desktop is gone: a ready (or wrapping-up) agent is made not ready. Returns
    /// whether the state changed.
    public func desktopLost(_ id: String) -> Bool {
        guard let a = agents[id], a.state == .ready || a.state == .wrapUp else { return false }
        setState(id, .notReady(reason: "desktop lost"))
        return true
    }

    /// What a supervisor may force an agent into.
    public enum ForcedState: Sendable, Equatable {
        case ready
        case notReady(reason: String)
        case loggedOut
    }

    /// Where supervisor `id` is logged in, to ring them for a tap asked from a desktop.
    public func supervisorStation(_ id: String) throws(Refusal) -> AgentStation {
        guard let s = agents[id], s.record.kind == .supervisor else { throw Refusal(description: "\(id) is not a supervisor") }
        guard s.state != .loggedOut, let station = s.station else {
            throw Refusal(description: "supervisor \(id) is not logged in at a phone")
        }
        return station
    }

    /// The call leg a supervisor may tap: `agent`'s call in progress, when the agent is in the
    /// supervisor's scope (their group, the groups and queues they supervise).
    public func supervisedLeg(of agent: String, by supervisor: String) throws(Refusal) -> CallID {
        guard let s = agents[supervisor], s.record.kind == .supervisor else {
            throw Refusal(description: "\(supervisor) is not a supervisor")
        }
        let a = try scoped(agent, by: s)
        guard a.state == .onCall, let leg = a.leg else { throw Refusal(description: "agent \(agent) is not on a call") }
        return leg
    }

    // MARK: Call actions

    /// The agent's call in progress: their leg and their caller.
    func activeCall(of id: String) throws(Refusal) -> (leg: CallID, caller: CallID) {
        guard let a = agents[id] else { throw Refusal(description: "no agent \(id)") }
        guard a.state == .onCall, let leg = a.leg, let caller = a.caller else { throw Refusal(description: "agent \(id) is not on a call") }
        return (leg, caller)
    }

    /// Put the agent's caller on hold with the queue's music.
    public func hold(_ id: String) async throws(Refusal) {
        let (leg, caller) = try activeCall(of: id)
        do { try await calls.hold(leg) } catch { throw Refusal(description: "hold: \(error)") }
        if let q = agents[id]?.queue.flatMap({ queues[$0]?.settings }) { await playMusic(caller, q) }
        log(caller, agents[id]?.queue ?? "", "held", agent: id)
    }

    /// Take the caller off hold.
    public func retrieve(_ id: String) async throws(Refusal) {
        let (leg, caller) = try activeCall(of: id)
        try? await calls.stopPlayback(caller)
        do { try await calls.retrieve(leg) } catch { throw Refusal(description: "retrieve: \(error)") }
        log(caller, agents[id]?.queue ?? "", "retrieved", agent: id)
    }

    /// Where a blind transfer sends the caller.
    public enum TransferTarget: Sendable, Equatable, CustomStringConvertible {
        case queue(String)
        case agent(String)
        /// An IVR flow (its first node).
        case flow(String)
        /// An external number over a trunk group.
        case number(trunkGroup: String, number: String)

        public var description: String {
            switch self {
            case let .queue(q): "queue \(q)"
            case let .agent(a): "agent \(a)"
            case let .flow(f): "flow \(f)"
            case let .number(g, n): "\(n) on \(g)"
            }
        }
    }

    /// Blind transfer: the agent leaves and the caller goes to `target`. To another agent, the
    /// caller hears music until that agent answers.
    public func transfer(_ id: String, to target: TransferTarget) async throws(Refusal) {
        switch target {
        case let .queue(queue):
            try await transfer(id, toQueue: queue)
        case let .agent(other):
            try await consult(id, with: other)
            try await completeTransfer(id)
        case let .flow(flow):
            let (caller, queue) = try await leave(id, detail: "to flow \(flow)")
            toFlow(caller, flow, ["queue": queue, "agent": id])
        case let .number(group, number):
            let (caller, _) = try await leave(id, detail: "to \(number) on \(group)")
            do { _ = try await calls.connect(caller, to: group, called: PartyNumber(number)) } catch {
                try? await calls.release(caller, cause: error.cause)
            }
        }
    }

    /// The agent leaves their caller, who is no longer this ACD's; returns the caller and queue.
    private func leave(_ id: String, detail: String) async throws(Refusal) -> (caller: CallID, queue: String) {
        let (leg, caller) = try activeCall(of: id)
        let entry = callers.removeValue(forKey: caller)
        agents[id]?.caller = nil
        log(caller, entry?.queue ?? "", "transferred", agent: id, detail: detail)
        do { try await calls.detach(leg) } catch { throw Refusal(description: "transfer: \(error)") }
        try? await calls.stopPlayback(caller)
        return (caller, entry?.queue ?? "")
    }

    /// Blind transfer: the agent leaves the call and the caller joins `queue` (keeping their priority).
    public func transfer(_ id: String, toQueue queue: String) async throws(Refusal) {
        let (leg, caller) = try activeCall(of: id)
        guard let target = queues[queue], !target.closing else { throw Refusal(description: "no queue \(queue)") }
        let entry = callers.removeValue(forKey: caller)
        agents[id]?.caller = nil
        log(caller, entry?.queue ?? "", "transferred", agent: id, detail: "to queue \(queue)")
        do { try await calls.detach(leg) } catch { throw Refusal(description: "transfer: \(error)") }
        await enter(caller, queue: queue, caller: entry?.waiting.caller, called: entry?.waiting.called ?? "",
                    priority: entry?.waiting.priority ?? 0, variables: entry?.variables ?? [:])
    }

    /// Attended transfer, first step: the caller goes on hold and `target`'s phone rings; the two
    /// agents talk when it answers.
    public func consult(_ id: String, with target: String) async throws(Refusal) {
        let (leg, caller) = try activeCall(of: id)
        guard consulting[id] == nil else { throw Refusal(description: "agent \(id) is already consulting") }
        guard let t = agents[target], t.state == .ready, let station = t.station else {
            throw Refusal(description: "agent \(target) is not ready to be consulted")
        }
        do { try await calls.hold(leg) } catch {}
        if let q = agents[id]?.queue.flatMap({ queues[$0]?.settings }) { await playMusic(caller, q) }
        // A call or a reload may have taken the target meanwhile.
        guard agents[target]?.state == .ready else {
            try? await calls.stopPlayback(caller)
            try? await calls.retrieve(leg)
            throw Refusal(description: "agent \(target) is not ready to be consulted")
        }
        let queue = agents[id]?.queue
        agents[target]?.caller = caller
        agents[target]?.queue = queue
        setState(target, .ringing)
        let consultLeg: CallID
        do {
            consultLeg = try await calls.consult(leg, to: station.trunkGroup, called: PartyNumber(station.number), channel: station.channel)
        } catch {
            agents[target]?.caller = nil
            setState(target, .ready)
            throw Refusal(description: "consult \(target): \(error)")
        }
        consultLegs[consultLeg] = id
        consulting[id] = (consultLeg, target)
        agents[target]?.leg = consultLeg
        if let pop = screenPop(caller, agent: target, via: "transfer from \(id)") { report(.offered(pop)) }
        log(caller, agents[id]?.queue ?? "", "consulting", agent: id, detail: "agent \(target)")
    }

    /// Attended transfer, second step: the caller goes to the consulted agent; this agent leaves.
    public func completeTransfer(_ id: String) async throws(Refusal) {
        let (leg, caller) = try activeCall(of: id)
        guard consulting[id] != nil else { throw Refusal(description: "agent \(id) is not consulting") }
        await handOver(from: id, caller: caller)
        do { try await calls.completeTransfer(leg) } catch { throw Refusal(description: "transfer: \(error)") }
    }

    /// The bookkeeping of an attended transfer: the consulted agent now has the caller. Call
    /// control joins the two when asked to complete, or by itself when the agent hangs up.
    func handOver(from id: String, caller: CallID) async {
        guard let (consultLeg, target) = consulting.removeValue(forKey: id) else { return }
        consultLegs[consultLeg] = nil
        agentLegs[consultLeg] = target
        agents[id]?.caller = nil
        callers[caller]?.agent = target
        log(caller, agents[id]?.queue ?? "", "transferred", agent: id, detail: "attended, to agent \(target)")
        if agents[target]?.state == .onCall {
            try? await calls.stopPlayback(caller)
            log(caller, agents[target]?.queue ?? "", "connected", agent: target)
        } else {
            let ring = queues[agents[target]?.queue ?? ""]?.settings.ringMilliseconds ?? 15_000
            after(ring, .transferTimeout(leg: consultLeg))
        }
    }

    /// Three-way call: the held caller joins the agent and the consulted agent.
    public func conference(_ id: String) async throws(Refusal) {
        let (leg, caller) = try activeCall(of: id)
        guard let (_, target) = consulting[id] else { throw Refusal(description: "agent \(id) is not consulting") }
        do { try await calls.conference(leg) } catch { throw Refusal(description: "three-way call: \(error)") }
        try? await calls.stopPlayback(caller)
        log(caller, agents[id]?.queue ?? "", "conference", agent: id, detail: "with agent \(target)")
    }

    /// Give up the consultation; the caller stays on hold with the agent.
    public func cancelConsult(_ id: String) async throws(Refusal) {
        let (leg, _) = try activeCall(of: id)
        guard consulting[id] != nil else { throw Refusal(description: "agent \(id) is not consulting") }
        do { try await calls.cancelConsult(leg) } catch { throw Refusal(description: "cancel: \(error)") }
    }

    /// The agent logged in at `station` (a phone dialling a code), if any.
    public func agent(at station: AgentStation) -> String? {
        agents.values.first { $0.state != .loggedOut && $0.station == station }?.record.id
    }

    public func ready(_ id: String) async throws(Refusal) {
        guard let a = agents[id] else { throw Refusal(description: "no agent \(id)") }
        switch a.state {
        case .notReady, .wrapUp: setState(id, .ready)
        case .ready: break
        default: throw Refusal(description: "agent \(id) is \(a.state); cannot be made ready now")
        }
        await dispatch()
    }

    public func pause(_ id: String, reason: String) throws(Refusal) {
        guard let a = agents[id] else { throw Refusal(description: "no agent \(id)") }
        switch a.state {
        case .ready, .notReady, .wrapUp: setState(id, .notReady(reason: reason))
        default: throw Refusal(description: "agent \(id) is \(a.state); pause after the call")
        }
    }

    public func logout(_ id: String) async throws(Refusal) {
        guard let a = agents[id] else { throw Refusal(description: "no agent \(id)") }
        guard a.state != .onCall, a.state != .ringing else {
            throw Refusal(description: "agent \(id) is \(a.state); log out after the call")
        }
        setState(id, .loggedOut)
        agents[id]?.station = nil
        await overflowUnservedCallers()
    }

    func setState(_ id: String, _ state: AgentState) {
        guard var a = agents[id] else { return }
        let previous = a.state
        a.state = state
        a.since = now
        a.serial += 1
        if state == .ready { a.idleSince = now }
        agents[id] = a
        if previous != state {
            report(.agent(AgentStateChange(agent: id, group: a.record.group, from: previous.name, to: state.name,
                                           reason: { if case let .notReady(r) = state { r } else { nil } }(),
                                           station: a.station?.number)))
        }
    }

    // MARK: Looking

    public func snapshot() -> ACDSnapshot {
        let t = now
        let agentRows = agents.values.sorted { $0.order < $1.order }.map { a in
            ACDSnapshot.Agent(id: a.record.id, name: a.record.name, group: a.record.group, kind: a.record.kind.rawValue,
                              state: a.state.name, reason: { if case let .notReady(r) = a.state { r } else { nil } }(),
                              secondsInState: a.state == .loggedOut ? nil : t - a.since, station: a.station?.number,
                              callsAnswered: a.callsAnswered, queues: a.record.queues.keys.sorted(),
                              leaving: retiringAgents.contains(a.record.id))
        }
        let queueRows = queues.values.sorted { $0.settings.name < $1.settings.name }.map { q in
            let waiting = callers.filter { $0.value.queue == q.settings.name && !$0.value.connected }
                .sorted { $0.value.waiting.precedes($1.value.waiting) }
                .map { ACDSnapshot.Caller(call: $0.key.value, caller: $0.value.waiting.caller, called: $0.value.waiting.called,
                                          priority: $0.value.waiting.priority, waitedSeconds: t - $0.value.waiting.enteredAt,
                                          estimatedWaitSeconds: estimatedWait(of: $0.key),
                                          ringing: $0.value.ringing.sorted().joined(separator: ",").nilIfEmpty) }
            let serving = agents.values.filter { $0.record.queues[q.settings.name] != nil }
            return ACDSnapshot.Queue(name: q.settings.name, strategy: q.settings.strategy.rawValue, waiting: waiting,
                                     agentsLoggedIn: serving.filter { $0.state != .loggedOut }.count,
                                     agentsReady: serving.filter { $0.state == .ready }.count, closing: q.closing)
        }
        return ACDSnapshot(queues: queueRows, agents: agentRows)
    }

    public var queueNames: [String] { queues.keys.sorted() }

    /// Whether any agent serving `queue` is logged in (else its callers go where `on_no_agents` says).
    func hasAgentsLoggedIn(_ queue: String) -> Bool {
        agents.values.contains { $0.record.queues[queue] != nil && $0.state != .loggedOut }
    }

    /// The agents of `queue` who are ready now: what its reserve of idle agents counts.
    func readyAgents(of queue: String) -> [AgentRuntime] {
        agents.values.filter { $0.state == .ready && $0.record.queues[queue] != nil }
    }

    func log(_ call: CallID, _ queue: String, _ event: String, agent: String? = nil, position: Int? = nil,
                     wait: Double? = nil, detail: String? = nil) {
        report(.queue(QueueLogEntry(call: call.value, queue: queue, event: event, agent: agent, position: position,
                                    waitSeconds: wait, detail: detail)))
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
