/// The media layer as the other layers see it: one media thread per group of spans and the
/// recording writer. Commands go to a channel by its name; events from every thread and from
/// the writer come out of one place. Nothing here touches audio.
public final class MediaEngine: @unchecked Sendable {
    public let threads: [MediaThread]
    public let recorder: RecordingWriter
    private let locations: [String: (group: Int, slot: Int)]
    private var nextGroup = 0

    /// One thread per entry of `groups`; channel names must be unique across all of them.
    public init(groups: [[MediaChannelConfiguration]], settings: MediaSettings,
                recorder: RecordingWriter = RecordingWriter()) throws(MediaError) {
        var made: [MediaThread] = []
        var where_: [String: (Int, Int)] = [:]
        for (g, channels) in groups.enumerated() {
            for (slot, c) in channels.enumerated() {
                guard where_[c.name] == nil else {
                    throw MediaError(operation: "creating the media engine", subject: c.name,
                                     reason: "the channel is in more than one group")
                }
                where_[c.name] = (g, slot)
            }
            made.append(try MediaThread(index: g, channels: channels, settings: settings))
        }
        threads = made
        locations = where_
        self.recorder = recorder
    }

    public func start() throws(MediaError) {
        recorder.start()
        for t in threads { try t.start() }
    }

    /// Stop the threads, then let the writer close every recording.
    public func stop() {
        for t in threads { t.stop() }
        recorder.stop()
    }

    /// Where a channel lives: its group (thread) and slot.
    public func locate(_ channel: String) -> (group: Int, slot: Int)? { locations[channel] }

    /// Queue a command for a channel by name; false when the channel is unknown or the queue
    /// full (what the command carried is then released).
    @discardableResult
    public func send(_ action: MediaCommand.Action, to channel: String) -> Bool {
        guard let (g, slot) = locations[channel] else {
            action.carried?.release()
            return false
        }
        return threads[g].group.send(MediaCommand(channel: slot, action))
    }

    /// Play prompts on a channel (a sequence; `loop` for music on hold).
    @discardableResult
    public func play(_ prompts: [Prompt], on channel: String, id: Int32, loop: Bool = false, stopOnDTMF: Bool = false) -> Bool {
        send(.play(LoopReference(retaining: PlayRequest(id: id, prompts: prompts, loop: loop, stopOnDTMF: stopOnDTMF))), to: channel)
    }

    /// Start recording a channel into `path`; its file is closed (and a `recordingClosed` event
    /// posted) after `.stopRecording`, deactivation, or a new recording on the channel.
    public func record(_ channel: String, id: Int, path: String, format: RecordingFormat,
                       layout: RecordingLayout) throws(RecordingError) -> Bool {
        guard locations[channel] != nil else { return false }
        let session = try RecordingSession(id: id, path: path, format: format, layout: layout)
        recorder.add(session)
        guard send(.record(LoopReference(retaining: session)), to: channel) else {
            session.finish()
            return false
        }
        return true
    }

    /// Stream a channel's audio both ways to a worker (see `AudioStream`); false when the
    /// channel is unknown or its queue full.
    @discardableResult
    public func stream(_ stream: AudioStream, on channel: String) -> Bool {
        send(.stream(LoopReference(retaining: stream)), to: channel)
    }

    /// The next event from any thread or from the writer (one consumer), or nil.
    public func nextEvent() -> MediaEngineEvent? {
        if let closed = recorder.nextClosed() { return .recordingClosed(closed) }
        for k in 0..<threads.count {
            let g = (nextGroup + k) % threads.count
            if let e = threads[g].group.nextEvent() {
                nextGroup = (g + 1) % threads.count
                return .channel(name: threads[g].group.name(ofSlot: Int(e.channel)), e)
            }
        }
        return nil
    }
}

/// Something the media layer reports.
public enum MediaEngineEvent: Sendable, Equatable {
    /// An event of a channel (named, or nil for the whole thread) from its media thread.
    case channel(name: String?, MediaEvent)
    /// A recording's file is closed.
    case recordingClosed(RecordingClosed)
}
