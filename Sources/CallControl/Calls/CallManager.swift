import PSTNEngine

/// The one call state machine over every backend, on the signalling thread: it turns backend
/// indications into leg state, routes inbound legs, places and bridges outbound legs, starts and
/// stops the media of answered legs, and reports `CallEvent`s.
final class CallManager {
    private(set) var legs: [CallID: CallLeg] = [:]
    /// Leg -> the leg it is (or will be) bridged to.
    private var partners: [CallID: CallID] = [:]
    /// Outbound legs offered to an agent for an answered call: if one ends before it is answered,
    /// the caller stays (the queue offers the call again).
    private var offers: Set<CallID> = []
    /// An answered call's offers still ringing (ring-all: several agents at once); the first to
    /// answer is bridged and the others are released.
    private var ringGroups: [CallID: Set<CallID>] = [:]
    /// Legs whose end, even after answer, leaves their partner up (an agent hanging up sends the
    /// caller on to a survey).
    private var keepsPartner: Set<CallID> = []
    /// An agent's leg -> the consultation leg it placed (the caller on hold meanwhile), and back.
    private var consults: [CallID: CallID] = [:]
    private var consultOf: [CallID: CallID] = [:]
    /// Supervisors' legs tapping a bridge -> the agent leg they supervise.
    private var monitors: [CallID: CallID] = [:]
    private var bridges: [CallID: Int32] = [:]
    /// Agents whose consultation became a three-way call (their held caller joined the bridge).
    private var threeWays: Set<CallID> = []
    /// Legs looped back to themselves (a line test), with their conference.
    private var loops: [CallID: Int32] = [:]
    private var digitTimers: [CallID: Int] = [:]
    private var huntPosition: [String: Int] = [:]
    private var freeConferences: [Int32]
    var routing: RoutingTable
    var trunkGroups: [String: TrunkGroup]
    /// The trunk group each backend's inbound calls belong to.
    var groupOfBackend: [String: String]
    let media: MediaEngine?
    let emit: (CallEvent) -> Void
    /// False while draining for shutdown: new inbound calls are refused with `refusalCause`.
    var acceptingCalls = true
    var refusalCause: Q850Cause = .temporaryFailure
    /// How long to wait for the next overlap digit before taking the number as complete.
    var interDigitTimeout: Duration = .seconds(5)
    /// Looks at each inbound call's numbers before routing (blocked callers): a destination
    /// returned here is taken instead of the routing table's.
    var screen: CallScreen?

    init(routing: RoutingTable, trunkGroups: [TrunkGroup], media: MediaEngine?, conferences: Int,
         emit: @escaping (CallEvent) -> Void) {
        self.routing = routing
        self.trunkGroups = Dictionary(trunkGroups.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var owner: [String: String] = [:]
        for g in trunkGroups { for m in g.members where owner[m] == nil { owner[m] = g.name } }
        groupOfBackend = owner
        self.media = media
        freeConferences = (0..<Int32(max(0, conferences))).reversed()
        self.emit = emit
    }

    /// The DAHDI channel's name in the media engine.
    static func mediaName(_ channel: Int) -> String { "dahdi/\(channel)" }

    // MARK: Indications from backends

    /// Indications a backend gave while call control was inside its `place` (analog lines
    /// report proceeding and alerting at once): handled once the new leg exists.
    private var heldIndications: [(backend: String, indication: SignallingIndication)]?

    func handle(_ context: SignallingContext, backend: String, _ indication: SignallingIndication) {
        if heldIndications != nil {
            heldIndications?.append((backend, indication))
            return
        }
        switch indication {
        case let .incoming(id, channel, setup):
            let group = groupOfBackend[backend] ?? backend
            let leg = CallLeg(id: id, backend: backend, trunkGroup: group, direction: .inbound, channel: channel,
                              setup: setup, at: .now())
            legs[id] = leg
            emit(.offered(leg))
            guard acceptingCalls else {
                release(context, id, cause: refusalCause)
                return
            }
            route(context, id)
        case let .moreDigits(id, digits, complete):
            guard var leg = legs[id], leg.state <= .routing else { return }
            leg.addDigits(digits, complete: complete)
            legs[id] = leg
            route(context, id)
        case let .proceeding(id, channel):
            legs[id]?.settle(channel: channel)
        case let .alerting(id, _):
            transition(id, "alerting") { leg throws(CallLeg.RefusedTransition) in try leg.alerting() }
            emit(.alerting(id))
            if let partner = partners[id], legs[partner]?.direction == .inbound,
               let other = legs[partner], other.state < .alerting {
                transition(partner, "alerting") { leg throws(CallLeg.RefusedTransition) in try leg.alerting() }
                context.backend(named: other.backend)?.alert(partner, inbandAudio: false)
            }
        case let .progress(id, inband):
            emit(.progress(id, inbandAudio: inband))
        case let .answered(id):
            guard transition(id, "answered", { leg throws(CallLeg.RefusedTransition) in try leg.answered(at: .now()) }) else { return }
            var losers: [CallID] = []
            if offers.remove(id) != nil, let caller = partners[id] {
                // The first agent to answer takes the call; the others stop ringing (once this
                // answer is reported, so that their ends are seen as answered elsewhere).
                partners[caller] = id
                for other in ringGroups.removeValue(forKey: caller) ?? [] where other != id {
                    partners[other] = nil
                    offers.remove(other)
                    losers.append(other)
                }
            }
            defer { for other in losers { release(context, other, cause: .nonSelectedUserClearing) } }
            startMedia(id)
            emit(.answered(id))
            if let agent = consultOf[id] {
                bridge(agent, id)
            }
            if let partner = partners[id], let other = legs[partner] {
                if other.state < .answered, other.direction == .inbound {
                    context.backend(named: other.backend)?.answer(partner)
                    if let after = legs[partner], after.state < .answered {
                        transition(partner, "answer") { leg throws(CallLeg.RefusedTransition) in try leg.answered(at: .now()) }
                        startMedia(partner)
                        emit(.answered(partner))
                    }
                }
                bridge(id, partner)
            }
        case let .released(id, cause, by):
            guard var leg = legs[id] else { return }
            leg.released(cause: cause, by: by, at: .now())
            legs[id] = nil
            if let t = digitTimers.removeValue(forKey: id) { context.cancelTimer(t) }
            stopMedia(leg)
            if let room = loops.removeValue(forKey: id) { freeConferences.append(room) }
            emit(.released(leg))
            monitors[id] = nil
            if let agent = consultOf.removeValue(forKey: id) {
                // The consulted party hung up: the agent stays, the caller still on hold (or,
                // after a three-way call, talking with the agent again).
                consults[agent] = nil
                let wasThreeWay = endThreeWay(agent)
                if bridges[id] != nil { releaseConference(agent, id) }
                if wasThreeWay, let caller = partners[agent], legs[caller] != nil { bridge(agent, caller) }
            }
            if let agent = partners[id], threeWays.contains(agent), let consult = consults[agent] {
                // The caller left a three-way call: the agent and the consulted party talk on.
                threeWays.remove(agent)
                consults[agent] = nil
                consultOf[consult] = nil
                partners[agent] = consult
                partners[consult] = agent
            }
            if consults[id] != nil, let orphan = joinConsult(id) {
                // The agent hung up while consulting: the caller goes to the consulted party
                // (or, the caller gone, the consultation ends too).
                release(context, orphan, cause: cause)
            }
            let wasOffer = offers.remove(id) != nil
            let keeps = keepsPartner.remove(id) != nil
            if let partner = partners.removeValue(forKey: id) {
                if wasOffer {
                    ringGroups[partner]?.remove(id)
                    if ringGroups[partner]?.isEmpty == true { ringGroups[partner] = nil }
                }
                if partners[partner] == id {
                    partners[partner] = nil
                    for (supervisor, agent) in monitors where agent == id || agent == partner {
                        monitors[supervisor] = nil
                        release(context, supervisor, cause: .normalClearing)
                    }
                    releaseConference(id, partner)
                    if !wasOffer, !keeps { release(context, partner, cause: cause) }
                }
            }
            // A caller who hangs up stops the agents' phones still ringing for it.
            for out in ringGroups.removeValue(forKey: id) ?? [] {
                partners[out] = nil
                offers.remove(out)
                release(context, out, cause: cause)
            }
        case let .flash(id):
            emit(.flash(id))
        case let .digit(id, d):
            emit(.dtmf(id, digit: d, milliseconds: 0))
        case let .channelState(channel, availability):
            let call = legs.values.first { $0.channel == channel && $0.backend == backend }?.id
            emit(.channelState(backend: backend, ChannelStatus(channel: channel, availability: availability,
                                                               call: call, label: "\(channel)")))
        case let .link(_, up):
            emit(.link(backend: backend, up: up))
        case let .protocolError(text):
            emit(.protocolError(backend: backend, text))
        }
    }

    /// Apply a leg transition; a refused one is reported, not obeyed.
    @discardableResult
    private func transition(_ id: CallID, _ what: String,
                            _ change: (inout CallLeg) throws(CallLeg.RefusedTransition) -> Void) -> Bool {
        guard var leg = legs[id] else { return false }
        do {
            try change(&leg)
            legs[id] = leg
            return true
        } catch {
            emit(.protocolError(backend: leg.backend, error.description))
            return false
        }
    }

    // MARK: Routing

    /// Whether routing would take `digits`, dialled on `backend`, as the whole number now: no
    /// rule could match a longer one (a backend that collects digits itself stops there).
    func numberSettles(backend: String, _ digits: String) -> Bool {
        routing.decide(trunkGroup: groupOfBackend[backend] ?? backend, called: digits, calling: nil,
                       complete: false, at: .now()) != .needMoreDigits
    }

    private func route(_ context: SignallingContext, _ id: CallID) {
        guard let leg = legs[id], let backend = context.backend(named: leg.backend) else { return }
        if let t = digitTimers.removeValue(forKey: id) { context.cancelTimer(t) }
        var decision = routing.decide(trunkGroup: leg.trunkGroup, called: leg.setup.called.digits,
                                      calling: leg.setup.calling?.digits, complete: leg.setup.numberComplete,
                                      at: .now())
        if let screen, let screened = screen.destination(calling: leg.setup.calling?.digits,
                                                          called: leg.setup.called.digits) {
            decision = .route(screened.destination, origin: screened.reason)
        }
        switch decision {
        case .needMoreDigits:
            if leg.state == .offered {
                backend.requestMoreDigits(id)
                transition(id, "routing") { leg throws(CallLeg.RefusedTransition) in try leg.routing() }
            }
            digitTimers[id] = context.schedule(at: .now + interDigitTimeout) { [weak self, unowned context] in
                guard let self, self.legs[id] != nil else { return }
                self.digitTimers[id] = nil
                self.legs[id]?.addDigits("", complete: true)
                self.route(context, id)
            }
        case .noRoute:
            release(context, id, cause: .unallocatedNumber)
        case let .route(destination, origin):
            transition(id, "routing") { leg throws(CallLeg.RefusedTransition) in try leg.routing() }
            emit(.routed(id, destination, rule: origin))
            switch destination {
            case let .reject(cause):
                release(context, id, cause: cause)
            case .application:
                backend.proceeding(id)
            case let .station(group):
                backend.proceeding(id)
                forward(context, id, to: group, rewrite: NumberRewrite())
            case let .trunkGroup(group, rewrite):
                backend.proceeding(id)
                forward(context, id, to: group, rewrite: rewrite)
            }
        }
    }

    private func forward(_ context: SignallingContext, _ id: CallID, to group: String, rewrite: NumberRewrite) {
        guard let leg = legs[id] else { return }
        var setup = CallSetup(calling: leg.setup.calling, called: rewrite.apply(to: leg.setup.called),
                              redirecting: leg.setup.redirecting, callingName: leg.setup.callingName)
        setup.numberComplete = true
        do throws(CallControlError) {
            try place(context, group: group, setup: setup, for: id) { out in
                self.partners[id] = out
                self.partners[out] = id
            }
        } catch {
            release(context, id, cause: error.cause)
        }
    }

    // MARK: Commands

    /// Place a leg on `group` for the answered call `id` and bridge the two when it answers
    /// (an application hands its caller on); either leg's end ends the other.
    func connect(_ context: SignallingContext, _ id: CallID, group: String, setup: CallSetup,
                 offer: Bool = false, keepCaller: Bool = false) throws(CallControlError) -> CallID {
        guard let leg = legs[id], leg.state < .releasing else {
            throw CallControlError("connect \(id) to \(group)", "no such call", cause: .invalidCallReference)
        }
        guard partners[id] == nil else {
            throw CallControlError("connect \(id) to \(group)", "the call is already connected", cause: .messageNotCompatibleWithCallState)
        }
        return try place(context, group: group, setup: setup, for: id) { out in
            self.partners[out] = id
            if keepCaller { self.keepsPartner.insert(out) }
            if offer {
                // Offers ring side by side; the caller's partner is set by the one that answers.
                self.offers.insert(out)
                self.ringGroups[id, default: []].insert(out)
            } else {
                self.partners[id] = out
            }
        }
    }

    /// Place an outbound leg on the first member of `group` that takes it. `linked` runs once
    /// the leg exists, before anything the backend already reported about it is handled.
    @discardableResult
    func place(_ context: SignallingContext, group name: String, setup: CallSetup, for parent: CallID?,
               linked: (CallID) -> Void = { _ in }) throws(CallControlError) -> CallID {
        guard let group = trunkGroups[name] else {
            throw CallControlError("place a call to \(setup.called) on trunk group \(name)", "no such trunk group",
                                   cause: .noRouteToDestination)
        }
        let id = CallID.next()
        let count = group.members.count
        let start = group.hunt == .roundRobin ? (huntPosition[name] ?? 0) : 0
        var lastError = CallControlError("place a call to \(setup.called) on trunk group \(name)",
                                         "the group has no members", cause: .noCircuitAvailable)
        for k in 0..<count {
            let member = group.members[(start + k) % count]
            guard let backend = context.backend(named: member) else { continue }
            heldIndications = []
            do throws(CallControlError) {
                try backend.place(id, setup)
            } catch {
                heldIndications = nil
                lastError = error
                continue
            }
            let held = heldIndications ?? []
            heldIndications = nil
            huntPosition[name] = (start + k + 1) % count
            let leg = CallLeg(id: id, backend: member, trunkGroup: name, direction: .outbound,
                              channel: setup.channel?.channel, setup: setup, at: .now())
            legs[id] = leg
            emit(.placed(leg, for: parent))
            linked(id)
            for h in held { handle(context, backend: h.backend, h.indication) }
            return id
        }
        throw lastError
    }

    /// Release `id` with `cause`; `forRemote`: the far end ended it by a tone or line state we
    /// act on, so the record says the remote side released.
    func release(_ context: SignallingContext, _ id: CallID, cause: Q850Cause, forRemote: Bool = false) {
        guard let leg = legs[id], leg.state < .releasing else { return }
        transition(id, "release") { leg throws(CallLeg.RefusedTransition) in try leg.releasing(cause: cause) }
        if forRemote { legs[id]?.markRemoteRelease() }
        context.backend(named: leg.backend)?.release(id, cause: cause)
    }

    func answer(_ context: SignallingContext, _ id: CallID) throws(CallControlError) {
        guard let leg = legs[id] else { throw CallControlError("answer \(id)", "no such call", cause: .invalidCallReference) }
        // An application handing an answered caller to another (a queue to an IVR flow) answers again: nothing to do.
        if leg.direction == .inbound, leg.state == .answered { return }
        guard leg.direction == .inbound, leg.state < .answered else {
            throw CallControlError("answer \(id)", "the call is \(leg.state.rawValue)", cause: .messageNotCompatibleWithCallState)
        }
        context.backend(named: leg.backend)?.answer(id)
        // An analog line reports its answer at once, and that report has done the rest.
        guard let after = legs[id], after.state < .answered else { return }
        transition(id, "answer") { leg throws(CallLeg.RefusedTransition) in try leg.answered(at: .now()) }
        startMedia(id)
        emit(.answered(id))
    }

    // MARK: Media

    private func startMedia(_ id: CallID) {
        guard let media, let leg = legs[id], let channel = leg.channel else { return }
        if toneSupervisedBackends.contains(leg.backend) {
            // Its far end's hang-up may come only as busy or congestion tone.
            media.send(.detectors(.all), to: Self.mediaName(channel))
        }
        media.send(.activate, to: Self.mediaName(channel))
    }

    private func stopMedia(_ leg: CallLeg) {
        guard let media, let channel = leg.channel, leg.answeredAt != nil else { return }
        media.send(.deactivate, to: Self.mediaName(channel))
    }

    private func bridge(_ a: CallID, _ b: CallID) {
        for looped in [a, b] {
            if let room = loops.removeValue(forKey: looped) { freeConferences.append(room) }
        }
        guard bridges[a] == nil, let media, let ca = legs[a]?.channel, let cb = legs[b]?.channel,
              let room = freeConferences.popLast() else { return }
        bridges[a] = room
        bridges[b] = room
        media.send(.join(conference: room, role: .participant), to: Self.mediaName(ca))
        media.send(.join(conference: room, role: .participant), to: Self.mediaName(cb))
        emit(.bridged(a, b))
    }

    private func releaseConference(_ a: CallID, _ b: CallID) {
        guard let room = bridges.removeValue(forKey: a) else { return }
        bridges[b] = nil
        if let media, let cb = legs[b]?.channel { media.send(.leave, to: Self.mediaName(cb)) }
        freeConferences.append(room)
    }

    /// Loop an answered, unbridged leg's audio back to it (the far end hears itself), or end
    /// the loop; a loop ends by itself when the leg is bridged or released.
    func loopback(_ id: CallID, on: Bool) throws(CallControlError) {
        guard let media, let leg = legs[id], leg.state == .answered, let channel = leg.channel else {
            throw CallControlError("loopback on \(id)", "no answered call with a channel", cause: .invalidCallReference)
        }
        if on {
            guard bridges[id] == nil, loops[id] == nil, let room = freeConferences.popLast() else {
                throw CallControlError("loopback on \(id)", "the call is bridged, or no conference is free",
                                       cause: .messageNotCompatibleWithCallState)
            }
            loops[id] = room
            // The canceller would take the phone's own voice coming back for an echo of what
            // was sent (it is: one loop later) and cancel or suppress it; a line test wants it raw.
            media.send(.echoCanceller(on: false), to: Self.mediaName(channel))
            media.send(.join(conference: room, role: .echo), to: Self.mediaName(channel))
        } else if let room = loops.removeValue(forKey: id) {
            media.send(.leave, to: Self.mediaName(channel))
            media.send(.echoCanceller(on: media.threads.first?.group.settings.echoCancellerOn ?? true), to: Self.mediaName(channel))
            freeConferences.append(room)
        }
    }

    // MARK: Hold and transfer

    /// Part a bridged pair without ending either leg (hold): their audio stops flowing; either
    /// end still ends the other.
    func hold(_ id: CallID) throws(CallControlError) {
        guard let partner = partners[id], partners[partner] == id, bridges[id] != nil else {
            throw CallControlError("hold \(id)", "the call is not bridged", cause: .messageNotCompatibleWithCallState)
        }
        if let media, let channel = legs[id]?.channel { media.send(.leave, to: Self.mediaName(channel)) }
        releaseConference(id, partner)
    }

    /// Bridge a held pair again.
    func retrieve(_ id: CallID) throws(CallControlError) {
        guard let partner = partners[id], partners[partner] == id, bridges[id] == nil,
              legs[id]?.state == .answered, legs[partner]?.state == .answered else {
            throw CallControlError("retrieve \(id)", "the call is not held", cause: .messageNotCompatibleWithCallState)
        }
        bridge(id, partner)
    }

    /// Detach `id` from its partner and release it, leaving the partner up (a blind transfer:
    /// the agent goes, the caller is handed on).
    func detach(_ id: CallID, context: SignallingContext) throws(CallControlError) {
        guard let partner = partners[id], partners[partner] == id else {
            throw CallControlError("transfer from \(id)", "the call has no partner", cause: .messageNotCompatibleWithCallState)
        }
        if let media, let channel = legs[id]?.channel { media.send(.leave, to: Self.mediaName(channel)) }
        releaseConference(id, partner)
        partners[id] = nil
        partners[partner] = nil
        keepsPartner.remove(id)
        for (supervisor, agent) in monitors where agent == id {
            monitors[supervisor] = nil
            release(context, supervisor, cause: .normalClearing)
        }
        release(context, id, cause: .normalClearing)
    }

    /// Place a consultation call from the agent's leg `agent` (its caller on hold) to `group`;
    /// the agent and the consulted party are bridged when it answers.
    func consult(_ context: SignallingContext, _ agent: CallID, group: String, setup: CallSetup) throws(CallControlError) -> CallID {
        guard let caller = partners[agent], partners[caller] == agent, bridges[agent] == nil, consults[agent] == nil,
              legs[agent]?.state == .answered else {
            throw CallControlError("consult from \(agent)", "the agent's caller is not on hold, or a consultation is already up",
                                   cause: .messageNotCompatibleWithCallState)
        }
        return try place(context, group: group, setup: setup, for: caller) { out in
            self.consults[agent] = out
            self.consultOf[out] = agent
        }
    }

    /// Complete an attended transfer: the caller is bridged to the consulted party (at once if it
    /// answered, else when it does) and the agent's leg is released.
    func completeTransfer(_ context: SignallingContext, _ agent: CallID) throws(CallControlError) {
        guard consults[agent] != nil else {
            throw CallControlError("complete the transfer of \(agent)", "no consultation is up", cause: .messageNotCompatibleWithCallState)
        }
        if let orphan = joinConsult(agent) { release(context, orphan, cause: .normalClearing) }
        release(context, agent, cause: .normalClearing)
    }

    /// Hang up the consultation; the caller stays on hold with the agent.
    func cancelConsult(_ context: SignallingContext, _ agent: CallID) throws(CallControlError) {
        guard let consult = consults[agent] else {
            throw CallControlError("cancel the consultation of \(agent)", "no consultation is up", cause: .messageNotCompatibleWithCallState)
        }
        release(context, consult, cause: .normalClearing)
    }

    /// Hand the agent's caller to the consulted party and cut the agent out of both; returns the
    /// consultation leg when there is no caller left to hand it (to be released).
    private func joinConsult(_ agent: CallID) -> CallID? {
        endThreeWay(agent)
        guard let consult = consults.removeValue(forKey: agent) else { return nil }
        consultOf[consult] = nil
        guard let caller = partners[agent], legs[caller] != nil else {
            if bridges[agent] != nil { releaseConference(agent, consult) }
            return consult
        }
        if bridges[agent] != nil { releaseConference(agent, consult) }
        if let media, let channel = legs[agent]?.channel { media.send(.leave, to: Self.mediaName(channel)) }
        partners[agent] = nil
        keepsPartner.remove(agent)
        partners[caller] = consult
        partners[consult] = caller
        if legs[consult]?.state == .answered, legs[caller]?.state == .answered { bridge(caller, consult) }
        return nil
    }

    /// Make the agent's consultation a three-way call: the held caller joins the bridge of the
    /// agent and the consulted party. Hanging up the consulted party returns to the caller;
    /// the agent hanging up leaves the other two together.
    func conference(_ agent: CallID) throws(CallControlError) {
        guard let consult = consults[agent], let room = bridges[agent], bridges[consult] == room,
              let caller = partners[agent], partners[caller] == agent, bridges[caller] == nil,
              legs[caller]?.state == .answered, let media, let channel = legs[caller]?.channel else {
            throw CallControlError("three-way call from \(agent)", "no answered consultation beside a held caller",
                                   cause: .messageNotCompatibleWithCallState)
        }
        threeWays.insert(agent)
        media.send(.join(conference: room, role: .participant), to: Self.mediaName(channel))
        emit(.bridged(caller, agent))
    }

    /// The caller of a three-way call leaves its bridge (before the bridge is freed or changed).
    @discardableResult
    private func endThreeWay(_ agent: CallID) -> Bool {
        guard threeWays.remove(agent) != nil else { return false }
        if let caller = partners[agent], let media, let channel = legs[caller]?.channel {
            media.send(.leave, to: Self.mediaName(channel))
        }
        return true
    }

    // MARK: Supervision

    /// Tap the bridge of `agent` (an agent's leg, bridged to its caller) with the answered leg
    /// `supervisor`: listen (heard by no one), whisper (heard by the agent only) or barge (heard
    /// by both). Called again, it changes the mode.
    func monitor(_ agent: CallID, supervisor: CallID, mode: MonitorMode) throws(CallControlError) {
        guard let media, let room = bridges[agent], let agentChannel = legs[agent]?.channel else {
            throw CallControlError("supervise \(agent)", "the call is not bridged", cause: .invalidCallReference)
        }
        guard let leg = legs[supervisor], leg.state == .answered, let channel = leg.channel, bridges[supervisor] == nil else {
            throw CallControlError("supervise \(agent) from \(supervisor)", "the supervisor's call is not answered, or is bridged",
                                   cause: .invalidCallReference)
        }
        let role: MediaRole
        switch mode {
        case .listen: role = .listener
        case .barge: role = .participant
        case .whisper:
            guard let target = media.locate(Self.mediaName(agentChannel)), let own = media.locate(Self.mediaName(channel)),
                  target.group == own.group else {
                throw CallControlError("whisper to \(agent)", "the agent's and the supervisor's channels are on different media threads")
            }
            role = .whisperer(target: Int32(target.slot))
        }
        if monitors[supervisor] == agent {
            media.send(.setRole(role), to: Self.mediaName(channel))
        } else {
            monitors[supervisor] = agent
            media.send(.join(conference: room, role: role), to: Self.mediaName(channel))
        }
    }

    /// The supervisor takes the call over: the agent's leg is released and the caller stays,
    /// bridged to the supervisor.
    func takeOver(_ agent: CallID, supervisor: CallID, context: SignallingContext) throws(CallControlError) {
        guard monitors[supervisor] == agent, let caller = partners[agent], let room = bridges[agent],
              let media, let channel = legs[supervisor]?.channel else {
            throw CallControlError("take over \(agent)", "the supervisor is not on that call", cause: .invalidCallReference)
        }
        monitors[supervisor] = nil
        partners[agent] = nil
        offers.remove(agent)
        keepsPartner.remove(agent)
        partners[caller] = supervisor
        partners[supervisor] = caller
        bridges[agent] = nil
        bridges[supervisor] = room
        if let agentChannel = legs[agent]?.channel { media.send(.leave, to: Self.mediaName(agentChannel)) }
        media.send(.setRole(.participant), to: Self.mediaName(channel))
        emit(.bridged(supervisor, caller))
        release(context, agent, cause: .normalClearing)
    }

    // MARK: Media events

    /// Backends whose answered calls end when busy or congestion tone is heard on them (analog
    /// FXO trunks, whose central office signals the far party's hang-up only by tone).
    var toneSupervisedBackends: Set<String> = []

    func handle(_ context: SignallingContext, media event: MediaEngineEvent) {
        if case let .recordingClosed(closed) = event {
            emit(.recordingClosed(closed))
            return
        }
        guard case let .channel(name?, e) = event, name.hasPrefix("dahdi/"), let channel = Int(name.dropFirst(6)),
              let leg = legs.values.first(where: { $0.channel == channel && $0.state == .answered }) else { return }
        switch e.kind {
        case let .dtmf(digit, ms):
            emit(.dtmf(leg.id, digit: Character(Unicode.Scalar(digit)), milliseconds: Int(ms)))
        case let .playFinished(id, _, reason):
            emit(.playFinished(leg.id, id: id, reason: reason))
        case let .silence(ms):
            emit(.silence(leg.id, milliseconds: Int(ms)))
        case let .faxTone(tone):
            emit(.tone(leg.id, "\(tone)"))
        case let .callProgress(tone):
            emit(.tone(leg.id, "\(tone)"))
            if toneSupervisedBackends.contains(leg.backend), tone == .busy || tone == .congestion {
                let cause: Q850Cause = tone == .busy ? .normalClearing : .switchingEquipmentCongestion
                release(context, leg.id, cause: cause, forRemote: true)
            }
        default:
            break
        }
    }
}
