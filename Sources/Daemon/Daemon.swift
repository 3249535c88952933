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
    private let accepting = Atomic<Bool>(true)
    private let ivrService = Mutex<IVRService?>(nil)
    /// The IVR's prompts (every language), loaded at start and on reload; nil without `ivr:`.
    private let prompts: Mutex<PromptLibrary?>
    /// The applications' settings; a reload replaces them for calls that arrive afterwards.
    private let applications: Mutex<DaemonConfiguration.ApplicationsConfiguration>
    private let published = ControlEventMapper()
    /// The trunks' backends, made (and analog ports opened) with the media engine, until `run`
    /// hands them to call control.
    private let pendingBackends: PendingBackends

    public init(_ resolved: DaemonConfiguration.Resolved, configPath: String? = nil,
                logger: Logger = Logger(label: "pstnd")) throws {
        self.resolved = resolved
        self.configPath = configPath
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
                                interDigitTimeout: .milliseconds(Int((c.inter_digit_s ?? 5) * 1000)))
    }

    /// Start media, call control, every backend and the control socket, then serve events until
    /// call control stops.
    public func run() async throws {
        let server = try await startControl()
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
        let ivr = prompts.withLock { $0 }.map { library in
            IVRService(flows: resolved.flows, prompts: library, calls: calls, onStep: { step in
                eventLog.write(step: step)
                server?.publish(ControlEvent(kind: "ivr.step", body: JSONValue(encoding: step)))
            }, onProblem: { [log] in log.warning("ivr: \($0)") })
        }
        ivrService.withLock { $0 = ivr }
        for await event in calls.events {
            recorder?.record(event)
            eventLog.write(event)
            metrics.record(event)
            ivr?.deliver(event)
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
            case let .released(leg):
                await released.add(leg.id)
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

    /// Re-read the configuration at `path` and apply its routes, trunk groups and applications'
    /// settings; calls in progress keep theirs. Trunks themselves change only on restart.
    public func reload(path: String) async -> (applied: Bool, note: String) {
        do {
            let fresh = try DaemonConfiguration.load(path: path)
            let trunksBefore = Set(resolved.configuration.trunks)
            try await calls.setRouting(fresh.routing, trunkGroups: fresh.trunkGroups)
            applications.withLock { $0 = fresh.configuration.applications ?? DaemonConfiguration.ApplicationsConfiguration() }
            if fresh.configuration.ivr != nil, let service = ivrService.withLock({ $0 }) {
                let library = try PromptLibrary(root: fresh.sounds)
                service.reload(flows: fresh.flows, prompts: library)
                prompts.withLock { $0 = library }
            }
            var note = "reloaded \(path): \(fresh.routing.routes.count) routes, \(fresh.trunkGroups.count) trunk groups, \(fresh.flows.count) IVR flows"
            if Set(fresh.configuration.trunks) != trunksBefore { note += " (trunk changes take effect on restart)" }
            return (true, note)
        } catch {
            return (false, "reload of \(path) refused, the running configuration stays:\n\(error)")
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
        metrics.update(deadlineMisses: mediaStatistics().map(\.deadlineMisses),
                       spanAlarms: spans.map { (span: String($0.number), alarms: $0.alarms.rawValue) })
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
