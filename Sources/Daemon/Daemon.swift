import CallControl
import Foundation
import PSTNEngine
import Storage

/// The engine as one running thing: media, call control with every configured backend, the
/// built-in applications, the event log. `pstnd` runs one.
public final class Daemon: Sendable {
    public let resolved: DaemonConfiguration.Resolved
    public let calls: CallControl
    private let media: MediaEngine?
    private let log: CallEventLog
    private let releasedCalls = ReleasedCalls()
    private let store: CallStore?
    private let recorder: CDRRecorder?
    /// The trunks' backends, made (and analog ports opened) with the media engine, until `run`
    /// hands them to call control.
    private let pendingBackends: PendingBackends

    public init(_ resolved: DaemonConfiguration.Resolved) throws {
        self.resolved = resolved
        let c = resolved.configuration
        let dahdi = DAHDIDirectory(c.dahdi ?? "/dev/dahdi")
        // Analog ports are opened first: the media engine shares their descriptors.
        var backends: [ConfiguredBackend] = []
        var analogLines: [Int: DAHDIChannel] = [:]
        for trunk in c.trunks {
            let analog = trunk.type == .fxo || trunk.type == .fxs
            let format = AnalogMediaFormat(law: resolved.law ?? trunk.law, settings: resolved.settings)
            let backend = try BackendFactory.make(trunk, dahdi: dahdi, role: .engine, zone: resolved.zone,
                                                  media: analog ? format : nil) { line in
                FileHandle.standardError.write(Data("pstnd: \(line)\n".utf8))
            }
            if let lines = backend as? AnalogLineBackend {
                for channel in trunk.bearerChannels { analogLines[channel] = lines.line(channel) }
            }
            backends.append(ConfiguredBackend(backend: backend, trunk: trunk))
        }
        pendingBackends = PendingBackends(backends)
        let media = c.trunks.isEmpty ? nil : try MediaPlan.engine(for: c.trunks, dahdi: dahdi, law: resolved.law,
                                                                  zone: resolved.zone, settings: resolved.settings,
                                                                  lines: analogLines)
        self.media = media
        log = try CallEventLog(path: c.events)
        if let path = c.store {
            let opened = try CallStore.open(at: path)
            let recovered = opened.recovery
            if recovered.interruptedCalls > 0 || recovered.interruptedLegs > 0 {
                FileHandle.standardError.write(Data("pstnd: store \(path): \(recovered.interruptedCalls) calls and \(recovered.interruptedLegs) legs left open by the last run closed as interrupted\n".utf8))
            }
            store = opened
            recorder = CDRRecorder(store: opened) { problem in
                FileHandle.standardError.write(Data("pstnd: store: \(problem)\n".utf8))
            }
        } else {
            store = nil
            recorder = nil
        }
        calls = try CallControl(routing: resolved.routing, trunkGroups: resolved.trunkGroups, media: media,
                                conferences: resolved.settings.conferences,
                                toneSupervised: Set(c.trunks.filter { $0.type == .fxo }.map(\.name)),
                                interDigitTimeout: .milliseconds(Int((c.inter_digit_s ?? 5) * 1000)))
    }

    /// Start media, call control and every backend, then serve events until call control stops.
    public func run() async throws {
        try media?.start()
        try calls.start()
        for configured in pendingBackends.take() {
            let trunk = configured.trunk
            nonisolated(unsafe) let backend = configured.backend
            try await calls.add(backend, trunkGroup: trunk.groupName)
            FileHandle.standardError.write(Data("pstnd: started \(trunk.type.rawValue) trunk \(trunk.name)\n".utf8))
        }
        FileHandle.standardError.write(Data("pstnd: running with \(resolved.configuration.trunks.count) trunks\n".utf8))
        let answer = AnswerApplication(settings: resolved.configuration.applications?.answer ?? AnswerSettings(),
                                       calls: calls)
        let released = releasedCalls
        for await event in calls.events {
            recorder?.record(event)
            log.write(event)
            switch event {
            case let .routed(id, .application(name: "answer", argument), _):
                Task { await answer.take(id, argument: argument) { await released.contains(id) } }
            case let .released(leg):
                await released.add(leg.id)
            default:
                break
            }
        }
        await recorder?.stop()
        try? store?.close()
    }

    /// Re-read the configuration at `path` and apply its routes and trunk groups; calls in
    /// progress keep theirs. Trunks themselves change only on restart. Returns what was done.
    public func reload(path: String) async -> String {
        do {
            let fresh = try DaemonConfiguration.load(path: path)
            let trunksBefore = Set(resolved.configuration.trunks)
            try await calls.setRouting(fresh.routing, trunkGroups: fresh.trunkGroups)
            var note = "reloaded \(path): \(fresh.routing.routes.count) routes, \(fresh.trunkGroups.count) trunk groups"
            if Set(fresh.configuration.trunks) != trunksBefore { note += " (trunk changes take effect on restart)" }
            return note
        } catch {
            return "reload of \(path) refused, the running configuration stays:\n\(error)"
        }
    }

    /// The orderly shutdown of SIGTERM: refuse new calls, let calls in progress finish for up to
    /// the configured drain time, release the rest with cause 41, then stop.
    public func drain() async {
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
