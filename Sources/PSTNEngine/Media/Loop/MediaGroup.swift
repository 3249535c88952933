import Synchronization

/// The channels one media thread serves and everything the loop needs for them: their
/// pipelines, a pool of conferences, the command queue in and the event queue out, and the
/// statistics. `runCycle` is the hot path; whoever drives it (the DAHDI thread or the benchmark)
/// fills each ready channel's `lineIn` before and takes `lineOut` after.
public final class MediaGroup: @unchecked Sendable {
    public let index: Int
    public let settings: MediaSettings
    public let statistics = MediaStatistics()
    let channels: [MediaChannel]
    let conferences: [ConferenceMixer]
    /// Parties in each conference.
    var members: [Int]
    let commands: SPSCQueue<MediaCommand>
    let sink: MediaEventSink
    /// Serialises senders: the command queue has a single producer.
    private let sendLock = Mutex(())
    private let slotsByName: [String: Int]

    public init(index: Int = 0, channels configurations: [MediaChannelConfiguration],
                settings: MediaSettings) throws(MediaError) {
        try settings.validate()
        self.index = index
        self.settings = settings
        var made: [MediaChannel] = []
        var names: [String: Int] = [:]
        for (slot, c) in configurations.enumerated() {
            guard names[c.name] == nil else {
                throw MediaError(operation: "creating media group \(index)", subject: c.name, reason: "the channel is listed twice")
            }
            names[c.name] = slot
            made.append(try MediaChannel(slot: slot, configuration: c, settings: settings))
        }
        channels = made
        slotsByName = names
        conferences = (0..<settings.conferences).map { _ in
            ConferenceMixer(capacity: settings.conferenceCapacity, chunk: settings.chunkSamples)
        }
        members = Array(repeating: 0, count: settings.conferences)
        commands = SPSCQueue(capacity: max(settings.commandQueueCapacity, MediaSettings.commandsPerChannel * made.count),
                             filler: MediaCommand(channel: -1, .leave))
        sink = MediaEventSink(group: index, capacity: settings.eventQueueCapacity)
    }

    deinit {
        // The loop has stopped: what the queue and the channels still hold goes back as a
        // deactivation would hand it back (recordings finished, streams detached), each channel's
        // at once so the retire queue never fills.
        while let command = commands.pop() { command.action.carried?.release() }
        for ch in channels {
            stopEverything(on: ch)
            sink.releaseRetired()
        }
    }

    public var channelCount: Int { channels.count }

    /// The slot of the channel configured under `name`.
    public func slot(named name: String) -> Int? { slotsByName[name] }

    public func name(ofSlot slot: Int) -> String? { channels.indices.contains(slot) ? channels[slot].name : nil }

    /// Queue a command for the loop (any thread). False when the queue is full: the command is
    /// counted in the statistics (`commandsRefused`) and what it carried is released (a refused
    /// recording session is still the caller's to `finish()`).
    @discardableResult
    public func send(_ command: MediaCommand) -> Bool {
        if sendLock.withLock({ _ in commands.push(command) }) { return true }
        statistics.commandsRefused.add(1, ordering: .relaxed)
        command.action.carried?.release()
        return false
    }

    /// Take the next event (one consumer). Also releases what the loop has finished with.
    public func nextEvent() -> MediaEvent? {
        sink.releaseRetired()
        return sink.events.pop()
    }

    /// Events dropped because nobody read them in time.
    public var droppedEvents: Int { sink.droppedEvents.load(ordering: .relaxed) }

    /// One chunk for every active channel whose audio is `ready`: commands first, then receive
    /// (decode, echo cancel, detect), mix the conferences, then transmit (compose, record, encode).
    public func runCycle() {
        takeCommands()
        processCycle()
    }

    /// Carry out the queued commands, at most `settings.commandsPerCycle` of them; the rest
    /// wait for the next call.
    func takeCommands() {
        var budget = settings.commandsPerCycle
        while budget > 0, let command = commands.pop() {
            execute(command)
            budget -= 1
        }
    }

    /// Commands queued and not yet carried out.
    public var commandsWaiting: Int { commands.count }

    /// The audio half of `runCycle`.
    func processCycle() {
        // The group holds every channel and the sink while it runs: borrowing them unretained
        // keeps reference counting (atomic, twice per channel per pass) out of the loop.
        Unmanaged.passUnretained(sink)._withUnsafeGuaranteedRef { sink in
            // Each pass prefetches the memory of the channels ahead (MediaChannel+Prefetch),
            // starting as if three channels came before the first.
            for i in -3..<0 { prefetchAhead(of: i, receiving: true) }
            for i in channels.indices {
                prefetchAhead(of: i, receiving: true)
                Unmanaged.passUnretained(channels[i])._withUnsafeGuaranteedRef { ch in
                    guard ch.isActive, ch.ready else { return }
                    ch.receive(events: sink)
                    if ch.conference >= 0 {
                        conferences[Int(ch.conference)].input(ch.conferenceSlot).baseAddress!
                            .update(from: ch.clean, count: ch.chunk)
                    }
                }
            }
            for c in conferences.indices where members[c] > 0 { conferences[c].mix() }
            for i in -3..<0 { prefetchAhead(of: i, receiving: false) }
            for i in channels.indices {
                prefetchAhead(of: i, receiving: false)
                Unmanaged.passUnretained(channels[i])._withUnsafeGuaranteedRef { ch in
                    guard ch.isActive else { return }
                    guard ch.ready else {
                        // Heard as silence this chunk; its audio joins in the chunk it arrives.
                        if ch.conference >= 0 {
                            conferences[Int(ch.conference)].input(ch.conferenceSlot).update(repeating: 0)
                        }
                        return
                    }
                    let audio = ch.conference >= 0 ? conferences[Int(ch.conference)].output(ch.conferenceSlot) : nil
                    ch.transmit(conferenceAudio: audio, events: sink)
                }
            }
        }
    }

    /// The prefetch stages due while channel `i` is processed: the object of the channel three
    /// ahead, the parts of the one two ahead, the arrays of the next; for the receive pass or
    /// the transmit pass.
    @inline(__always)
    private func prefetchAhead(of i: Int, receiving: Bool) {
        borrowChannel(i + 3) { $0.prefetchObject() }
        borrowChannel(i + 2) { receiving ? $0.prefetchReceiveParts() : $0.prefetchTransmitParts() }
        borrowChannel(i + 1) { receiving ? $0.prefetchReceiveArrays() : $0.prefetchRecordingRing() }
    }

    /// The channel in `slot` borrowed unretained, if there is one.
    @inline(__always)
    private func borrowChannel(_ slot: Int, _ body: (MediaChannel) -> Void) {
        guard channels.indices.contains(slot) else { return }
        Unmanaged.passUnretained(channels[slot])._withUnsafeGuaranteedRef(body)
    }

    /// A channel's line buffers, one chunk each: fill `input` with what the line brought before a
    /// cycle, take `output` after it. For drivers other than `MediaThread` (benchmark, tests).
    public func line(slot: Int) -> (input: UnsafeMutableBufferPointer<UInt8>, output: UnsafeBufferPointer<UInt8>) {
        let ch = channels[slot]
        return (UnsafeMutableBufferPointer(start: ch.lineIn, count: ch.chunk),
                UnsafeBufferPointer(start: ch.lineOut, count: ch.chunk))
    }

    /// Mark every channel's chunk as read (synthetic traffic, where every line always has one);
    /// inactive channels are still skipped.
    public func markAllReady() {
        for i in channels.indices { channels[i].ready = true }
    }
}
