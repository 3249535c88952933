import CDAHDI
import Glibc
import PSTNEngine

/// One analog port's descriptor as the signalling thread uses it: events always; audio (20 ms
/// chunks of linear samples) only while the backend owns it, i.e. while no call on the line is
/// answered. From answer to release the media engine owns the audio of the same descriptor and
/// this type only does ioctls and events.
final class AnalogLineIO {
    static let chunkSamples = 160
    /// Driver buffers each way: 160 ms of cushion, so a signalling thread the machine delays
    /// neither starves the line of caller ID nor loses what the far end sent.
    static let bufferCount = 8

    let channel: DAHDIChannel
    /// How the media engine reads and writes the line once a call is answered; the line is put
    /// back that way whenever this type stops listening. Nil: no media engine shares the line.
    let handover: AnalogMediaFormat?
    /// Reading audio (and playing `source`, if any).
    private(set) var listening = false
    private var source: LineAudioSource?
    /// A rendered chunk the driver had no room for yet.
    private var unsent: [Int16] = []
    private var buffer = [Int16](repeating: 0, count: AnalogLineIO.chunkSamples)
    private var outgoing = [Int16](repeating: 0, count: AnalogLineIO.chunkSamples)

    init(channel number: Int, in directory: DAHDIDirectory, handover: AnalogMediaFormat? = nil) throws(CallControlError) {
        do {
            channel = try DAHDIChannel(number: number, in: directory, nonBlocking: true)
            if let handover { try channel.setFormat(handover.format) }
        } catch {
            throw CallControlError("open analog channel \(number)", error.description, cause: .destinationOutOfOrder)
        }
        self.handover = handover
    }

    var pollEvents: Int16 { Int16(POLLPRI) | (listening ? Int16(POLLIN) : 0) }

    /// Take the line's audio: linear 20 ms chunks, stale audio dropped.
    func listen() throws(DAHDIError) {
        guard !listening else { return }
        try channel.setFormat(.linear)
        try channel.setBuffers(count: Self.bufferCount, size: Self.chunkSamples)
        try? channel.flush(Int32(DAHDI_FLUSH_READ))
        listening = true
    }

    /// Give the audio up (to the media engine, or because nothing needs it).
    func stopListening() {
        if listening, let handover {
            try? channel.setFormat(handover.format)
            try? channel.setBuffers(count: handover.buffers, size: handover.bufferBytes)
        }
        listening = false
        source = nil
        unsent.removeAll()
    }

    /// Play `newSource` from now on (nil: silence). Starts listening, which paces the writes.
    func play(_ newSource: LineAudioSource?) throws(DAHDIError) {
        try listen()
        if source != nil { try? channel.flush(Int32(DAHDI_FLUSH_WRITE)) }
        source = newSource
        unsent.removeAll()
        fill()
    }

    var isPlaying: Bool { source != nil }

    /// Take every queued event.
    func events() -> [ChannelEvent] {
        var events: [ChannelEvent] = []
        while events.count < 64, let event = try? channel.nextEvent() {
            events.append(event)
        }
        return events
    }

    /// Read the chunks waiting (at most a few), hand each to `received`, and write one chunk of
    /// the source for each. Returns false when reading hit a pending event (read `events()` first).
    /// `finished` is called once when the source runs out.
    func pump(received: (UnsafeBufferPointer<Int16>) -> Void, finished: () -> Void) -> Bool {
        for _ in 0..<8 where listening {
            let result = buffer.withUnsafeMutableBytes { raw in
                Result { () throws(DAHDIError) in try channel.read(into: raw) }
            }
            let count: Int
            switch result {
            case let .success(bytes): count = bytes / 2
            case let .failure(error): return !error.isEventPending
            }
            guard count > 0 else { return true }
            buffer.withUnsafeBufferPointer { received(UnsafeBufferPointer(rebasing: $0[0..<count])) }
            if source != nil, !fill() { finished() }
        }
        return true
    }

    /// Write chunks of the source until the driver's buffers are full; false when it has ended.
    @discardableResult
    private func fill() -> Bool {
        for _ in 0..<Self.bufferCount where source != nil {
            switch sendNext() {
            case .sent: continue
            case .full: return true
            case .ended: return false
            }
        }
        return true
    }

    private enum Sent { case sent, full, ended }

    /// Render and write one chunk (or retry the one the driver refused).
    private func sendNext() -> Sent {
        guard let source else { return .ended }
        if unsent.isEmpty {
            let n = outgoing.withUnsafeMutableBufferPointer { source.render(into: $0) }
            if n == 0 {
                self.source = nil
                return .ended
            }
            unsent = Array(outgoing[0..<n])
            if n < outgoing.count { unsent += [Int16](repeating: 0, count: outgoing.count - n) }
        }
        let written = unsent.withUnsafeBytes { raw in (try? channel.write(raw)) ?? 0 }
        guard written > 0 else { return .full }
        unsent.removeAll()
        return .sent
    }
}
