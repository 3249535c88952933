import CallCenter
import CallControl
import Control
import Foundation
import Logging
import PSTNEngine
import Storage
import Synchronization

/// The engine as one running thing: media, call control with every configured backend, the
/// built-in applications, the event log, the store, the metrics and the control socket.
/// `pstnd` runs one.
public final class Daemon: Sendable {
    public static let version = "0.4.0"

    public let resolved: DaemonConfiguration.Resolved
    public let calls: CallControl
    public let metrics = DaemonMetrics()
    /// The file the configuration came from (for reloads), if any.
    let configPath: String?
    let startedAt = Date()
    let dahdi: DAHDIDirectory
    let log: Logger
    let store: CallStore?
    private let media: MediaEngine?
    private let eventLog: CallEventLog
    private let releasedCalls = ReleasedCalls()
    private let recorder: CDRRecorder?
    var storeRecorder: CDRRecorder? { recorder }
    var currentPrompts: PromptLibrary? { prompts.withLock { $0 } }
    var currentIVR: IVRService? { ivrService.withLock { $0 } }
    private let accepting = Atomic<Bool>(true)
    private let ivrService = Mutex<IVRService?>(nil)
    /// The control server, once listening (the ACD publishes to it).
    let controlServer = Mutex<ControlServer?>(nil)
    /// The ACD, once running; nil without `acd:`.
    let acdService = Mutex<ACDService?>(nil)
    /// The outbound campaigns; nil without an ACD and a store.
    let campaignCenter = Mutex<CampaignCenter?>(nil)
    /// One reload at a time.
    private let reloads = ReloadGate()
    /// `acd:` as a reload last applied it (nil: as at start).
    let reloadedACD = Mutex<ACDOptions?>(nil)
    /// The ACD's configuration in force: stations, languages and grace times are read from it.
    var acdOptions: ACDOptions? { reloadedACD.withLock { $0 } ?? resolved.configuration.acd }
    /// The routes in force (replaced on reload), for numbers agents dial from their phones.
    let routing: Mutex<RoutingTable>
    /// Supervisors' taps in progress, by the supervisor's call.
    let supervisions = Mutex<[CallID: Supervision]>([:])
    /// Agents' desktops: the agent -> the control connection that is their desktop.
    let desktops = Mutex<[String: Int]>([:])
    /// Taps asked from a desktop, waiting for the supervisor's phone to answer, by its call.
    let pendingTaps = Mutex<[CallID: PendingTap]>([:])
    /// The IVR's prompts (every language), loaded at start and on reload; nil without `ivr:`.
    private let prompts: Mutex<PromptLibrary?>
    /// The applications' settings; a reload replaces them for calls that arrive afterwards.
    private let applications: Mutex<DaemonConfiguration.ApplicationsConfiguration>
    private let published = ControlEventMapper()
    /// The trunks' backends, made (and analog ports opened) with the media engine, until `run`
    /// hands them to call control.
    private let pendingBackends: PendingBackends
    /// Recordings, voicemail and IVR messages; nil without a store.
    let messages: MessageCenter?
    /// The blocked-number list call control screens callers with; nil without a store.
    let blocked: BlockedCallers?
    /// Faxes received and fax jobs; nil without `fax:`.
    let faxes: FaxCenter?

    public init(_ resolved: DaemonConfiguration.Resolved, configPath: String? = nil,
                logger: Logger = Logger(label: "pstnd")) throws {
        self.resolved = resolved
        self.configPath = configPath
        routing = Mutex(resolved.routing)
        applications = Mutex(resolved.configuration.applications ?? DaemonConfiguration.ApplicationsConfiguration())
        if resolved.configuration.ivr != nil {
            let library = try PromptLibrary(root: resolved.sounds)
            for failure in library.failures { logger.warning("prompt not loaded: \(failure)") }
            logger.info("\(library.names.count) prompts from \(resolved.sounds), \(resolved.flows.count) IVR flows")
            prompts = Mutex(library)
        } else {
            prompts = Mutex(nil)
        }
        var logger = logger
        logger.logLevel = Logger.Level(rawValue: resolved.configuration.log_level ?? "info") ?? .info
        log = logger
        let c = resolved.configuration
        let dahdi = DAHDIDirectory(c.dahdi ?? "/dev/dahdi")
        self.dahdi = dahdi
        // A second daemon stops here, before it touches the store or a channel.
        if let socket = c.control?.socket, ControlServer.someoneListens(on: socket) {
            throw DaemonError("start", "another pstnd is serving the control socket \(socket); stop it first")
        }
        if let path = c.store {
            let opened = try CallStore.open(at: path)
            let recovered = opened.recovery
            if recovered.interruptedCalls > 0 || recovered.interruptedLegs > 0 {
                logger.warning("store \(path): \(recovered.interruptedCalls) calls and \(recovered.interruptedLegs) legs left open by the last run closed as interrupted")
            }
            store = opened
            recorder = CDRRecorder(store: opened) { [logger] problem in logger.error("store: \(problem)") }
        } else {
            store = nil
            recorder = nil
        }
        if let store {
            let list = BlockedCallers(cause: c.blocked?.cause.flatMap(Q850Cause.init(rawValue:)) ?? .callRejected)
            try list.load(from: store)
            if list.count > 0 { logger.info("\(list.count) blocked numbers") }
            blocked = list
        } else {
            blocked = nil
        }
        eventLog = try CallEventLog(path: c.events)
        // Analog ports are opened first: the media engine shares their descriptors.
        let (made, analogLines) = try BackendFactory.makeAll(c.trunks, dahdi: dahdi, role: .engine, zone: resolved.zone,
                                                             law: resolved.law, settings: resolved.settings) { [logger] trunk, line in
            logger.info("\(line)", metadata: ["trunk": "\(trunk.name)"])
        }
        let backends = zip(made, c.trunks).map { ConfiguredBackend(backend: $0, trunk: $1) }
        pendingBackends = PendingBackends(backends)
        let media = c.trunks.isEmpty ? nil : try MediaPlan.engine(for: c.trunks, dahdi: dahdi, law: resolved.law,
                                                                  zone: resolved.zone, settings: resolved.settings,
                                                                  lines: analogLines)
        self.media = media
        calls = try CallControl(routing: resolved.routing, trunkGroups: resolved.trunkGroups, media: media,
                                conferences: resolved.settings.conferences,
                                toneSupervised: Set(c.trunks.filter { $0.type == .fxo }.map(\.name)),
                                interDigitTimeout: .milliseconds(Int((c.inter_digit_s ?? 5) * 1000)),
                                screen: blocked?.screen)
        if let store, let recorder {
            let folder = configPath.flatMap { p in p.lastIndex(of: "/").map { String(p[..<$0]) } } ?? ""
            messages = MessageCenter(store: store, calls: calls, recorder: recorder, configuration: c, folder: folder, log: logger)
            if var options = c.fax {
                if !options.dir.hasPrefix("/"), !folder.isEmpty { options.dir = folder + "/" + options.dir }
                options.library = options.library?.mapValues { $0.hasPrefix("/") || folder.isEmpty ? $0 : folder + "/" + $0 }
                faxes = FaxCenter(options: options, store: store, calls: calls, recorder: recorder, log: logger,
                                  sessionPriority: MediaSettings.feederPriority(below: resolved.settings.realtimePriority))
            } else {
                faxes = nil
            }
        } else {
            messages = nil
            faxes = nil
        }
    }

    /// Start media, call control, every backend and the control socket, then serve events until
    /// call control stops.
    public func run() async throws {
        // The ACD exists before the control socket answers, so a desktop that connects at once
        // finds it; it sees calls once call control starts.
        let acd = makeACD()
        acdService.withLock { $0 = acd }
        let acdRun = acd.map { service in Task { await service.run() } }
        defer {
            acd?.stop()
            acdRun?.cancel()
        }
        let campaigns = makeCampaigns(acd)
        campaignCenter.withLock { $0 = campaigns }
        let server = try await startControl()
        controlServer.withLock { $0 = server }
        campaigns?.publish(to: server)
        try media?.start()
        try calls.start()
        for configured in pendingBackends.take() {
            let trunk = configured.trunk
            nonisolated(unsafe) let backend = configured.backend
            try await calls.add(backend, trunkGroup: trunk.groupName)
            log.info("started \(trunk.type.rawValue) trunk \(trunk.name)")
        }
        log.notice("running with \(resolved.configuration.trunks.count) trunks")
        let calls = self.calls
        let released = releasedCalls
        let eventLog = self.eventLog
        let messages = self.messages
        messages?.publish(to: server)
        messages?.repairLeftOpen()
        let faxes = self.faxes
        faxes?.publish(to: server)
        let faxRun = faxes.map { center in
            Task {
                center.prepareLibrary()
                await center.run()
            }
        }
        defer { faxRun?.cancel() }
        let campaignRun = campaigns.map { center in Task { await center.run() } }
        defer { campaignRun?.cancel() }
        let retention = messages.map { center in
            Task.detached {
                while !Task.isCancelled {
                    center.deleteExpired()
                    try? await Task.sleep(for: .seconds(3600))
                }
            }
        }
        defer { retention?.cancel() }
        let recorder = self.recorder
        var toQueue: (@Sendable (CallID, String, Int, [String: String]) -> Void)?
        if let acd {
            toQueue = { @Sendable call, queue, priority, variables in
                acd.enter(call, queue: queue, caller: variables["caller"], called: variables["called"] ?? "", priority: priority,
                          variables: variables)
            }
        }
        let ivr = prompts.withLock { $0 }.map { library in
            IVRService(flows: resolved.flows, prompts: library, calls: calls, messages: messages, toQueue: toQueue, onStep: { step in
                eventLog.write(step: step)
                recorder?.record(step: IVRStepRecord(call: CallID(step.call), flow: step.flow, node: step.node,
                                                     input: step.input, at: WallTime(secondsSince1970: step.time)))
                server?.publish(ControlEvent(kind: "ivr.step", body: JSONValue(encoding: step)))
            }, onProblem: { [log] in log.warning("ivr: \($0)") }, onSurvey: { score in
                recorder?.record(survey: SurveyRecord(call: score.call, flow: score.flow, queue: score.queue, agent: score.agent,
                                                      score: score.score, at: .now()))
                server?.publish(ControlEvent(kind: "survey.score", queue: score.queue, agent: score.agent,
                                             body: .object(["call": .number(Double(score.call.value)), "score": .number(Double(score.score)),
                                                            "agent": score.agent.map(JSONValue.string) ?? .null,
                                                            "queue": score.queue.map(JSONValue.string) ?? .null])))
            }, faxDesk: faxes)
        }
        ivrService.withLock { $0 = ivr }
        for await event in calls.events {
            recorder?.record(event)
            eventLog.write(event)
            metrics.record(event)
            ivr?.deliver(event)
            acd?.deliver(event)
            faxes?.deliver(event)
            campaigns?.deliver(event)
            if let server, let published = published.map(event) { server.publish(published) }
            switch event {
            case let .routed(id, .application(name: "ivr", flow), _):
                let leg = try? await calls.calls().first { $0.id == id }
                if let ivr {
                    ivr.take(id, flow: flow ?? "", caller: leg?.setup.calling?.digits, called: leg?.setup.called.digits ?? "")
                } else {
                    try? await calls.release(id, cause: .serviceNotAvailable)
                }
            case let .routed(id, .application(name: "answer", argument), _):
                // The settings in force when the call arrives (a reload changes them for new calls).
                let answer = AnswerApplication(settings: self.applications.withLock { $0.answer ?? AnswerSettings() }, calls: calls)
                Task { await answer.take(id, argument: argument) { await released.contains(id) } }
            case let .routed(id, .application(name: "queue", argument), _):
                let (queue, priority) = Self.queueTarget(argument)
                if let acd {
                    let leg = try? await calls.calls().first { $0.id == id }
                    acd.enter(id, queue: queue, caller: leg?.setup.calling?.digits, called: leg?.setup.called.digits ?? "",
                              priority: priority)
                } else {
                    try? await calls.release(id, cause: .serviceNotAvailable)
                }
            case let .routed(id, .application(name: "fax", _), _):
                let leg = try? await calls.calls().first { $0.id == id }
                if let faxes {
                    Task { await faxes.receive(id, calling: leg?.setup.calling?.digits, called: leg?.setup.called.digits ?? "", answered: false) }
                } else {
                    try? await calls.release(id, cause: .serviceNotAvailable)
                }
            case let .routed(id, .application(name: "agent", argument), _):
                Task { await self.agentCode(id, argument) }
            case let .tone(id, "calling") where faxes != nil && ivr?.handOff(id) == true:
                // A fax machine's calling tone during an IVR flow: the call becomes a fax reception.
                log.notice("\(id): fax calling tone heard in the IVR; receiving a fax")
                let leg = try? await calls.calls().first { $0.id == id }
                if let faxes {
                    Task {
                        try? await calls.stopPlayback(id)
                        await faxes.receive(id, calling: leg?.setup.calling?.digits, called: leg?.setup.called.digits ?? "", answered: true)
                    }
                }
            case let .dtmf(id, digit, _) where supervisions.withLock({ $0[id] != nil }):
                Task { await self.supervisionKey(id, digit) }
            case let .routed(id, .application(name: "blocked", _), _):
                let options = resolved.configuration.blocked ?? BlockedOptions()
                let library = prompts.withLock { $0 }
                let prompt = library?["\(options.language ?? "zh")/\(options.prompt ?? "blocked")"]
                let cause = blocked?.cause ?? .callRejected
                Task {
                    guard let prompt else {
                        try? await calls.release(id, cause: cause)
                        return
                    }
                    try? await calls.answer(id)
                    try? await calls.play(id, [prompt], id: 1)
                    try? await Task.sleep(for: .milliseconds(prompt.milliseconds + 300))
                    try? await calls.release(id, cause: cause)
                }
            case let .placed(leg, parent):
                messages?.placed(leg.id, for: parent)
            case let .answered(id):
                if let tap = pendingTaps.withLock({ $0.removeValue(forKey: id) }) {
                    Task { await self.startTap(id, tap) }
                }
                if let messages, let leg = try? await calls.calls().first(where: { $0.id == id }) {
                    Task { await messages.answered(leg) }
                }
            case let .recordingClosed(closed):
                messages?.closed(closed)
            case let .released(leg):
                await released.add(leg.id)
                supervisions.withLock { $0[leg.id] = nil }
                pendingTaps.withLock { $0[leg.id] = nil }
            default:
                break
            }
        }
        await server?.stop()
        await recorder?.stop()
        try? store?.close()
    }

    private func startControl() async throws -> ControlServer? {
        guard let options = resolved.configuration.control else { return nil }
        let server = ControlServer(options.serverConfiguration, handler: DaemonControl(daemon: self)) { [log] in
            log.notice("\($0)")
        }
        do {
            try await server.start()
        } catch {
            throw DaemonError("start the control socket", error.description)
        }
        log.notice("control socket \(options.socket) (mode \(options.mode ?? "0660"), group \(options.group ?? "the daemon's"))")
        return server
    }

    /// Add (or replace) prompt `name` (`LANG/NAME`) from any audio file: converted to 8 kHz mono
    /// PCM in the prompt folder, and in use for calls that arrive from now on. Returns its length in ms.
    func addPrompt(name: String, from source: String) throws -> Int {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
              name.allSatisfy({ $0.isLetter || $0.isNumber || "-_/".contains($0) }) else {
            throw DaemonError("add prompt \(name)", "a prompt is named LANG/NAME (such as zh/welcome): letters, digits, - and _")
        }
        guard prompts.withLock({ $0 }) != nil else { throw DaemonError("add prompt \(name)", "the IVR is not configured (ivr:)") }
        let prompt: Prompt
        do { prompt = try Prompt.load(path: source, name: name) } catch {
            throw DaemonError("add prompt \(name)", "\(source) is not usable audio: \(error.reason)")
        }
        let target = "\(resolved.sounds)/\(name).wav"
        let folder = String(target[..<target.lastIndex(of: "/")!])
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try prompt.writeWAV(to: target)
        let library = try PromptLibrary(root: resolved.sounds)
        prompts.withLock { $0 = library }
        ivrService.withLock { $0 }?.replacePrompts(library)
        return prompt.milliseconds
    }

    /// Re-read the configuration at `path` and apply its routes, trunk groups, applications'
    /// settings, ACD queues, agents, CRM and campaigns; calls in progress keep theirs. Trunks
    /// themselves change only on restart.
    public func reload(path: String) async -> (applied: Bool, note: String) {
        await reloads.run { [self] in
            do {
                let fresh = try DaemonConfiguration.load(path: path)
                let trunksBefore = Set(resolved.configuration.trunks)
                let ivr = ivrService.withLock { $0 }
                let library = fresh.configuration.ivr != nil && ivr != nil ? try PromptLibrary(root: fresh.sounds) : nil
                // The ACD first, so that a route to a new queue finds it.
                let acd = await reloadACD(fresh.configuration.acd)
                try await calls.setRouting(fresh.routing, trunkGroups: fresh.trunkGroups)
                routing.withLock { $0 = fresh.routing }
                applications.withLock { $0 = fresh.configuration.applications ?? DaemonConfiguration.ApplicationsConfiguration() }
                if let ivr, let library {
                    ivr.reload(flows: fresh.flows, prompts: library)
                    prompts.withLock { $0 = library }
                }
                var note = "reloaded \(path): \(fresh.routing.routes.count) routes, \(fresh.trunkGroups.count) trunk groups, \(fresh.flows.count) IVR flows"
                if Set(fresh.configuration.trunks) != trunksBefore { note += " (trunk changes take effect on restart)" }
                if let acd { note += "; " + acd }
                return (true, note)
            } catch {
                return (false, "reload of \(path) refused, the running configuration stays:\n\(error)")
            }
        }
    }

    /// Whether new inbound calls are taken (false while draining).
    var acceptingCalls: Bool { accepting.load(ordering: .relaxed) }

    /// The orderly shutdown of SIGTERM: refuse new calls, let calls in progress finish for up to
    /// the configured drain time, release the rest with cause 41, then stop.
    public func drain() async {
        accepting.store(false, ordering: .relaxed)
        try? await calls.setAcceptingCalls(false, refusing: .temporaryFailure)
        let limit = ContinuousClock.now + .milliseconds(Int((resolved.configuration.drain_s ?? 30) * 1000))
        while ContinuousClock.now < limit, let active = try? await calls.calls(), !active.isEmpty {
            try? await Task.sleep(for: .milliseconds(100))
        }
        try? await calls.releaseAll(cause: .temporaryFailure)
        let released = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < released, let active = try? await calls.calls(), !active.isEmpty {
            try? await Task.sleep(for: .milliseconds(50))
        }
        stop(cause: .temporaryFailure)
    }

    /// Release every call with `cause` and stop.
    public func stop(cause: Q850Cause = .normalClearing) {
        calls.stop(cause: cause)
        media?.stop()
    }

    /// Release `call` `seconds` after it is answered (calls originated from the control socket).
    func hangUp(_ call: CallID, afterAnswer seconds: Double) {
        let calls = self.calls
        let released = releasedCalls
        Task {
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                if await released.contains(call) { return }
                if let leg = try? await calls.calls().first(where: { $0.id == call }), leg.answeredAt != nil { break }
                try? await Task.sleep(for: .milliseconds(100))
            }
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            if await released.contains(call) { return }
            try? await calls.release(call, cause: .normalClearing)
        }
    }

    /// Each media thread's statistics now.
    func mediaStatistics() -> [MediaStatisticsSnapshot] {
        media?.threads.map(\.statistics.snapshot) ?? []
    }

    /// The metrics in Prometheus text format, with media and span figures read now.
    func metricsText() -> String {
        let spans = (try? DAHDIControl(directory: dahdi).spans()) ?? []
        metrics.update(media: mediaStatistics(),
                       spanAlarms: spans.map { (span: String($0.number), alarms: $0.alarms.rawValue) })
        if let campaigns = campaignCenter.withLock({ $0 }), let store {
            metrics.update(campaigns: campaigns.campaigns.compactMap { c in
                (try? store.campaignContactCounts(c.name)).map { counts in
                    (name: c.name, contacts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }))
                }
            }, states: CampaignContactRecord.State.allCases.map(\.rawValue))
        }
        return metrics.exposition()
    }
}

/// Calls that have ended, so that an application holding one does not release it twice.
actor ReleasedCalls {
    private var ids: Set<CallID> = []
    func add(_ id: CallID) { ids.insert(id) }
    func contains(_ id: CallID) -> Bool { ids.contains(id) }
}

/// A trunk's backend, made from its configuration and not yet running.
struct ConfiguredBackend {
    let backend: any SignallingBackend
    let trunk: TrunkConfiguration
}

/// The backends `Daemon.init` made, until `run` takes them (once) for call control, which then
/// owns them on its signalling thread. Nothing else touches them, hence the unchecked sending.
final class PendingBackends: @unchecked Sendable {
    private let lock = NSLock()
    private var backends: [ConfiguredBackend]

    init(_ backends: [ConfiguredBackend]) {
        self.backends = backends
    }

    /// The backends, the first time; empty after.
    func take() -> [ConfiguredBackend] {
        lock.withLock {
            defer { backends = [] }
            return backends
        }
    }
}
