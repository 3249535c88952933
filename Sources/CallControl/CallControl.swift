import PSTNEngine
import Synchronization

/// Call control as the applications and the daemon use it: the backends on their signalling
/// thread, the router and the call state machine behind a thread-safe front. Events come out of
/// `events`, in order; commands go in through the methods below and run on the signalling thread.
public final class CallControl: Sendable {
    private let loop: SignallingLoop
    private let manager: UncheckedBox<ManagerSlot>
    /// Every `CallEvent`, in order. One consumer.
    public let events: AsyncStream<CallEvent>
    private let continuation: AsyncStream<CallEvent>.Continuation
    private let media: MediaEngine?

    /// Holds the manager, which exists on the signalling thread only.
    final class ManagerSlot { var manager: CallManager? }

    public init(routing: RoutingTable, trunkGroups: [TrunkGroup], media: MediaEngine? = nil,
                conferences: Int = 0, toneSupervised: Set<String> = [],
                interDigitTimeout: Duration = .seconds(5), screen: CallScreen? = nil) throws(CallControlError) {
        let (stream, continuation) = AsyncStream<CallEvent>.makeStream(bufferingPolicy: .unbounded)
        events = stream
        self.continuation = continuation
        self.media = media
        let slot = ManagerSlot()
        let manager = CallManager(routing: routing, trunkGroups: trunkGroups, media: media,
                                  conferences: conferences) { continuation.yield($0) }
        manager.toneSupervisedBackends = toneSupervised
        manager.interDigitTimeout = interDigitTimeout
        manager.screen = screen
        slot.manager = manager
        let box = UncheckedBox(slot)
        self.manager = box
        loop = try SignallingLoop { context, backend, indication in
            box.value.manager?.handle(context, backend: backend, indication)
        }
    }

    /// The name of DAHDI channel `channel` in the media engine call control drives.
    public static func mediaChannelName(_ channel: Int) -> String { CallManager.mediaName(channel) }

    /// Start the signalling thread (and, when there is a media engine, the pump of its events).
    public func start() throws(CallControlError) {
        try loop.start()
        if media != nil { scheduleMediaPump() }
    }

    /// Release every call with `cause` and stop the thread.
    public func stop(cause: Q850Cause = .normalUnspecified) {
        loop.stop(cause: cause)
        continuation.finish()
    }

    private func scheduleMediaPump() {
        let box = manager
        let media = self.media
        loop.perform { context in
            func pump() {
                while let event = media?.nextEvent() { box.value.manager?.handle(context, media: event) }
                context.schedule(at: .now + .milliseconds(10)) { pump() }
            }
            pump()
        }
    }

    /// Add a backend; it starts on the signalling thread. Its inbound calls belong to `trunkGroup`
    /// unless a group in the configuration already lists it.
    public func add(_ backend: sending any SignallingBackend, trunkGroup: String? = nil) async throws(CallControlError) {
        let name = backend.name
        let box = manager
        let result: Result<Void, CallControlError> = await withCheckedContinuation { done in
            let carried = UncheckedBox(backend)
            loop.perform { context in
                do throws(CallControlError) {
                    try context.add(carried.value)
                    if let trunkGroup, box.value.manager?.groupOfBackend[name] == nil {
                        box.value.manager?.groupOfBackend[name] = trunkGroup
                    }
                    carried.value.useDialPlan { digits in box.value.manager?.numberSettles(backend: name, digits) ?? false }
                    done.resume(returning: .success(()))
                } catch {
                    done.resume(returning: .failure(error))
                }
            }
        }
        try result.get()
    }

    /// Run `body` with the manager on the signalling thread and return its result.
    private func onLoop<T: Sendable>(_ body: @escaping @Sendable (SignallingContext, CallManager) throws(CallControlError) -> T)
        async throws(CallControlError) -> T {
        let box = manager
        let result: Result<T, CallControlError> = await withCheckedContinuation { done in
            loop.perform { context in
                guard let manager = box.value.manager else {
                    done.resume(returning: .failure(CallControlError("call control", "stopped")))
                    return
                }
                do throws(CallControlError) {
                    done.resume(returning: .success(try body(context, manager)))
                } catch {
                    done.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Answer an inbound call (an application took it).
    public func answer(_ call: CallID) async throws(CallControlError) {
        try await onLoop { context, manager throws(CallControlError) in try manager.answer(context, call) }
    }

    /// End a call with `cause`.
    public func release(_ call: CallID, cause: Q850Cause = .normalClearing) async throws(CallControlError) {
        try await onLoop { context, manager throws(CallControlError) in
            guard manager.legs[call] != nil else {
                throw CallControlError("release \(call)", "no such call", cause: .invalidCallReference)
            }
            manager.release(context, call, cause: cause)
        }
    }

    /// Tell the caller of an inbound call that the called party is being alerted.
    public func alert(_ call: CallID, inbandAudio: Bool = false) async throws(CallControlError) {
        try await onLoop { context, manager throws(CallControlError) in
            guard let leg = manager.legs[call] else {
                throw CallControlError("alert \(call)", "no such call", cause: .invalidCallReference)
            }
            context.backend(named: leg.backend)?.alert(call, inbandAudio: inbandAudio)
        }
    }

    /// Place a call out on a trunk group; returns its id once the backend has sent the setup.
    public func place(trunkGroup: String, setup: CallSetup) async throws(CallControlError) -> CallID {
        try await onLoop { context, manager throws(CallControlError) in
            try manager.place(context, group: trunkGroup, setup: setup, for: nil)
        }
    }

    /// Send digits on a call (overlap sending, keypad).
    public func sendDigits(_ call: CallID, _ digits: String) async throws(CallControlError) {
        try await onLoop { context, manager throws(CallControlError) in
            guard let leg = manager.legs[call] else {
                throw CallControlError("send digits on \(call)", "no such call", cause: .invalidCallReference)
            }
            context.backend(named: leg.backend)?.sendDigits(call, digits)
        }
    }

    /// Make an agent's consultation a three-way call with their held caller.
    public func conference(_ agent: CallID) async throws(CallControlError) {
        try await onLoop { _, manager throws(CallControlError) in try manager.conference(agent) }
    }

    /// Loop an answered call's audio back to it (a line test: the caller hears themselves), or
    /// end the loop.
    public func loopback(_ call: CallID, on: Bool) async throws(CallControlError) {
        try await onLoop { _, manager throws(CallControlError) in try manager.loopback(call, on: on) }
    }

    /// Flash the hook on an answered call of an analog line (a phone asking its exchange for
    /// hold, transfer or three-way calling).
    public func flash(_ call: CallID) async throws(CallControlError) {
        try await onLoop { context, manager throws(CallControlError) in
            guard let leg = manager.legs[call] else {
                throw CallControlError("flash on \(call)", "no such call", cause: .invalidCallReference)
            }
            guard let line = context.backend(named: leg.backend) as? AnalogPhone else {
                throw CallControlError("flash on \(call)", "\(leg.backend) is not an analog line", cause: .facilityNotImplemented)
            }
            try line.flash(call)
        }
    }

    /// Replace the routing table (reload); calls in progress keep their routes.
    public func setRouting(_ table: RoutingTable, trunkGroups: [TrunkGroup]? = nil) async throws(CallControlError) {
        try await onLoop { _, manager in
            manager.routing = table
            if let trunkGroups {
                manager.trunkGroups = Dictionary(trunkGroups.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
                for g in trunkGroups { for m in g.members { manager.groupOfBackend[m] = g.name } }
            }
        }
    }

    /// Stop (or resume) taking new inbound calls; refused calls get `cause`. Calls in progress go on.
    public func setAcceptingCalls(_ accepting: Bool, refusing cause: Q850Cause = .temporaryFailure) async throws(CallControlError) {
        try await onLoop { _, manager in
            manager.acceptingCalls = accepting
            manager.refusalCause = cause
        }
    }

    /// Release every leg in progress with `cause`.
    public func releaseAll(cause: Q850Cause) async throws(CallControlError) {
        try await onLoop { context, manager in
            for id in manager.legs.keys.sorted() { manager.release(context, id, cause: cause) }
        }
    }

    /// The legs in progress.
    public func calls() async throws(CallControlError) -> [CallLeg] {
        try await onLoop { _, manager in manager.legs.values.sorted { $0.id < $1.id } }
    }

    /// Every backend's channels.
    public func channels() async throws(CallControlError) -> [String: [ChannelStatus]] {
        try await onLoop { context, _ in
            Dictionary(context.backends.map { ($0.name, $0.channelStates()) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// A maintenance action on one backend.
    public func maintain(_ backend: String, _ action: MaintenanceAction) async throws(CallControlError) {
        try await onLoop { context, _ throws(CallControlError) in
            guard let b = context.backend(named: backend) else {
                throw CallControlError("maintenance on \(backend)", "no such span or linkset")
            }
            try b.maintain(action)
        }
    }

    /// Start (`path`) or stop (nil) the signalling capture of one backend.
    public func capture(_ backend: String, to path: String?) async throws(CallControlError) {
        try await onLoop { context, _ throws(CallControlError) in
            guard let b = context.backend(named: backend) else {
                throw CallControlError("capture on \(backend)", "no such trunk")
            }
            try b.capture(to: path)
        }
    }

    /// Play `prompts` in order to an answered call; `.playFinished(call, id:, reason:)` follows
    /// when they end. `stopOnDTMF`: a key cuts them short (barge-in). A new play replaces one
    /// still going.
    public func play(_ call: CallID, _ prompts: [Prompt], id: Int32, loop: Bool = false,
                     stopOnDTMF: Bool = false) async throws(CallControlError) {
        let media = self.media
        try await onLoop { _, manager throws(CallControlError) in
            guard let media else { throw CallControlError("play to \(call)", "no media engine", cause: .facilityNotImplemented) }
            guard let leg = manager.legs[call], let channel = leg.channel, leg.state == .answered else {
                throw CallControlError("play to \(call)", "no answered call with a channel", cause: .invalidCallReference)
            }
            guard media.play(prompts, on: CallManager.mediaName(channel), id: id, loop: loop, stopOnDTMF: stopOnDTMF) else {
                throw CallControlError("play to \(call)", "the media engine's queue is full", cause: .temporaryFailure)
            }
        }
    }

    /// Record an answered call's channel into `path` (both directions: the far end on the left
    /// of a stereo file, what the engine sends on the right). `.recordingClosed` with `id`
    /// follows when the file is closed: on `stopRecording`, at the call's end, or on a new
    /// recording of the same call.
    public func record(_ call: CallID, id: Int, path: String, format: RecordingFormat,
                       layout: RecordingLayout) async throws(CallControlError) {
        let media = self.media
        try await onLoop { _, manager throws(CallControlError) in
            guard let media else { throw CallControlError("record \(call)", "no media engine", cause: .facilityNotImplemented) }
            guard let leg = manager.legs[call], let channel = leg.channel, leg.state == .answered else {
                throw CallControlError("record \(call)", "no answered call with a channel", cause: .invalidCallReference)
            }
            let started: Bool
            do {
                started = try media.record(CallManager.mediaName(channel), id: id, path: path, format: format, layout: layout)
            } catch {
                throw CallControlError("record \(call) into \(path)", "\(error)", cause: .resourceUnavailable)
            }
            guard started else {
                throw CallControlError("record \(call)", "the media engine's queue is full", cause: .temporaryFailure)
            }
        }
    }

    /// Report (once, as `.silence`) when the far end of an answered call has been silent for
    /// `milliseconds`; sound re-arms the watch, 0 stops it.
    public func watchSilence(_ call: CallID, milliseconds: Int) async throws(CallControlError) {
        let media = self.media
        try await onLoop { _, manager throws(CallControlError) in
            guard let media, let channel = manager.legs[call]?.channel else {
                throw CallControlError("watch \(call) for silence", "no such call with a channel", cause: .invalidCallReference)
            }
            media.send(.watchSilence(milliseconds: Int32(clamping: milliseconds)), to: CallManager.mediaName(channel))
        }
    }

    /// Hand an answered call's audio both ways to a worker (a fax session) through `stream`,
    /// with the echo canceller off; what the stream sends replaces every other source until
    /// `stopStream` or the call's end (the stream is then detached).
    public func stream(_ call: CallID, _ stream: AudioStream) async throws(CallControlError) {
        let media = self.media
        try await onLoop { _, manager throws(CallControlError) in
            guard let media else { throw CallControlError("stream \(call)", "no media engine", cause: .facilityNotImplemented) }
            guard let leg = manager.legs[call], let channel = leg.channel, leg.state == .answered else {
                throw CallControlError("stream \(call)", "no answered call with a channel", cause: .invalidCallReference)
            }
            let name = CallManager.mediaName(channel)
            guard media.send(.echoCanceller(on: false), to: name), media.stream(stream, on: name) else {
                throw CallControlError("stream \(call)", "the media engine's queue is full", cause: .temporaryFailure)
            }
        }
    }

    /// End what `stream` started on `call` (the echo canceller stays off for the rest of the
    /// call, as after a modem's answer tone).
    public func stopStream(_ call: CallID) async throws(CallControlError) {
        let media = self.media
        try await onLoop { _, manager throws(CallControlError) in
            guard let media, let channel = manager.legs[call]?.channel else { return }
            media.send(.stopStream, to: CallManager.mediaName(channel))
        }
    }

    /// Stop recording `call` (its file is closed and `.recordingClosed` follows). `droppingLast`
    /// of audio is left out of a WAV file: what ended a message (a key press, a silence).
    public func stopRecording(_ call: CallID, droppingLast: Duration = .zero) async throws(CallControlError) {
        let media = self.media
        let samples = Int32(clamping: max(0, droppingLast.components.seconds * 8000
                                              + droppingLast.components.attoseconds / 125_000_000_000_000))
        try await onLoop { _, manager throws(CallControlError) in
            guard let media, let channel = manager.legs[call]?.channel else {
                throw CallControlError("stop recording \(call)", "no such call with a channel", cause: .invalidCallReference)
            }
            media.send(samples > 0 ? .stopRecordingDropping(lastSamples: samples) : .stopRecording,
                       to: CallManager.mediaName(channel))
        }
    }

    /// Stop what `play` started on `call` (its `.playFinished` says `stopped`).
    public func stopPlayback(_ call: CallID) async throws(CallControlError) {
        let media = self.media
        try await onLoop { _, manager throws(CallControlError) in
            guard let media, let channel = manager.legs[call]?.channel else { return }
            media.send(.stopPlayback, to: CallManager.mediaName(channel))
        }
    }

    /// Hold a bridged call: the two legs stay up but hear each other no more.
    public func hold(_ call: CallID) async throws(CallControlError) {
        try await onLoop { _, manager throws(CallControlError) in try manager.hold(call) }
    }

    /// Bridge a held call again.
    public func retrieve(_ call: CallID) async throws(CallControlError) {
        try await onLoop { _, manager throws(CallControlError) in try manager.retrieve(call) }
    }

    /// From an agent's leg whose caller is on hold, call `called` on `group` (an FXS port's
    /// `channel` for another agent) to consult; bridged to the agent when it answers.
    public func consult(_ agent: CallID, to group: String, called: PartyNumber, channel: Int? = nil) async throws(CallControlError) -> CallID {
        try await onLoop { context, manager throws(CallControlError) in
            guard let leg = manager.legs[agent] else {
                throw CallControlError("consult from \(agent)", "no such call", cause: .invalidCallReference)
            }
            var setup = CallSetup(calling: leg.setup.calling, called: called)
            setup.numberComplete = true
            if let channel { setup.channel = ChannelSelection(channel: channel, exclusive: true) }
            return try manager.consult(context, agent, group: group, setup: setup)
        }
    }

    /// Complete the attended transfer: the caller goes to the consulted party, the agent leaves.
    public func completeTransfer(_ agent: CallID) async throws(CallControlError) {
        try await onLoop { context, manager throws(CallControlError) in try manager.completeTransfer(context, agent) }
    }

    /// End the consultation; the caller stays on hold with the agent.
    public func cancelConsult(_ agent: CallID) async throws(CallControlError) {
        try await onLoop { context, manager throws(CallControlError) in try manager.cancelConsult(context, agent) }
    }

    /// Release `call` (an agent's leg) without its partner, which stays up to be handed on.
    public func detach(_ call: CallID) async throws(CallControlError) {
        try await onLoop { context, manager throws(CallControlError) in try manager.detach(call, context: context) }
    }

    /// Tap the bridged call of `agent` (an agent's leg) with the answered leg `supervisor` in
    /// `mode`; again with another mode to change it. The tap ends when either call ends.
    public func monitor(_ agent: CallID, supervisor: CallID, mode: MonitorMode) async throws(CallControlError) {
        try await onLoop { _, manager throws(CallControlError) in try manager.monitor(agent, supervisor: supervisor, mode: mode) }
    }

    /// The supervisor tapping `agent`'s call takes it over: the agent's leg is released, the caller
    /// stays bridged to the supervisor.
    public func takeOver(_ agent: CallID, supervisor: CallID) async throws(CallControlError) {
        try await onLoop { context, manager throws(CallControlError) in
            try manager.takeOver(agent, supervisor: supervisor, context: context)
        }
    }

    /// Hand an answered call to a new leg on `group` (a station group, or a trunk group with the
    /// number to call): the caller's number goes with it, the two are bridged when it answers,
    /// and either end's release ends the other. `channel` rings exactly that channel (an agent's
    /// phone). An `offer` (a queue ringing an agent) that ends before it is answered leaves the
    /// caller up; several offers may ring at once, and the first to answer takes the call.
    /// `keepCaller`: the caller stays up when the new leg ends even after answer (a survey
    /// follows). `calling` replaces the caller's number (an agent's click-to-dial shows their
    /// own). Returns the new leg.
    public func connect(_ call: CallID, to group: String, called: PartyNumber, channel: Int? = nil,
                        offer: Bool = false, keepCaller: Bool = false, calling: PartyNumber? = nil) async throws(CallControlError) -> CallID {
        try await onLoop { context, manager throws(CallControlError) in
            guard let leg = manager.legs[call] else {
                throw CallControlError("connect \(call) to \(group)", "no such call", cause: .invalidCallReference)
            }
            var setup = CallSetup(calling: calling ?? leg.setup.calling, called: called, callingName: leg.setup.callingName)
            setup.numberComplete = true
            if let channel { setup.channel = ChannelSelection(channel: channel, exclusive: true) }
            return try manager.connect(context, call, group: group, setup: setup, offer: offer, keepCaller: keepCaller)
        }
    }
}
