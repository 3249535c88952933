import CSpanDSP

/// Listens for CNG, CED/ANS (with or without phase reversals and AM) and the V.21 preamble
/// (spandsp's modem connect tone receivers). Each receiver hears the line only while a cheap
/// band check (`FaxToneBands`) finds its tone's band holding the power, starting 20 ms before
/// the block that opened its gate; the decisions fall on a fixed 10 ms grid, so any chunk size
/// gives the same detections. Allocates at creation only.
public final class FaxToneDetector {
    public static let capacity = 8
    /// Blocks held back and fed to a receiver, before the current one, when its gate opens.
    static let lookbackBlocks = 2
    static let ringBlocks = 4

    private static let blockSamples = FaxToneBands.blockSamples
    private let bands = FaxToneBands()
    /// CNG; ANS, ANS_PR, ANSam, ANSam_PR; V.21 preamble: in the order of `FaxToneBands.Verdict`.
    private let receivers: UnsafeMutablePointer<GatedToneReceiver>
    private static let receiverCount = 3
    /// The last `ringBlocks` blocks, each contiguous.
    private let ring: UnsafeMutablePointer<Int16>
    private var block = 0
    private var filled = 0
    /// How many receivers are listening (0 most of the time: then a chunk only goes to the ring).
    private var listening = 0
    /// Whole blocks heard so far (saturating at the ring's size): how much history there is.
    private var blocksHeard = 0
    private var events = FixedRing(capacity: FaxToneDetector.capacity, filler: FaxToneEvent(tone: .calling, sample: 0))
    private var samples: UInt64 = 0
    /// Bit n set: tone code n was already reported.
    private var reported: UInt32 = 0

    /// `blockOffset` samples of silence stand at the start of the first block: a media group gives
    /// each channel its own, so that the channels' band checks fall in different cycles.
    public init(blockOffset: Int = 0) {
        receivers = .allocate(capacity: Self.receiverCount)
        receivers.initialize(to: GatedToneReceiver(type: Int32(MODEM_CONNECT_TONES_FAX_CNG)))
        (receivers + 1).initialize(to: GatedToneReceiver(type: Int32(MODEM_CONNECT_TONES_ANSAM_PR)))
        (receivers + 2).initialize(to: GatedToneReceiver(type: Int32(MODEM_CONNECT_TONES_FAX_PREAMBLE)))
        ring = .allocate(capacity: Self.ringBlocks * Self.blockSamples)
        ring.initialize(repeating: 0, count: Self.ringBlocks * Self.blockSamples)
        filled = max(0, blockOffset) % Self.blockSamples
    }

    deinit {
        for r in 0..<Self.receiverCount { receivers[r].release() }
        receivers.deallocate()
        ring.deallocate()
        bands.release()
        events.release()
    }

    /// Feed linear samples.
    public func process(_ audio: UnsafeBufferPointer<Int16>) {
        guard var source = audio.baseAddress else { return }
        // Counters in locals, stored once: class properties pay an exclusivity check per access.
        var remaining = audio.count
        var filled = self.filled
        while remaining > 0 {
            let n = min(remaining, Self.blockSamples - filled)
            let piece = ring + block * Self.blockSamples + filled
            piece.update(from: source, count: n)
            samples &+= UInt64(n)
            source += n
            remaining -= n
            filled += n
            if listening != 0 {
                for r in 0..<Self.receiverCount where receivers[r].listening { listen(r, piece, n) }
            }
            if filled == Self.blockSamples {
                endBlock()
                filled = 0
            }
        }
        self.filled = filled
    }

    /// Take the oldest tone found and not yet taken.
    public func nextEvent() -> FaxToneEvent? { events.pop() }

    private func endBlock() {
        let verdict = bands.judge(ring + block * Self.blockSamples)
        blocksHeard = min(blocksHeard + 1, Self.ringBlocks)
        for r in 0..<Self.receiverCount where receivers[r].gate(bandHoldsTone: verdict[r]) {
            // Just opened: the receiver hears the tone's start, which may lie in earlier blocks.
            let back = min(Self.lookbackBlocks, blocksHeard - 1)
            for b in stride(from: back, through: 0, by: -1) {
                let index = (block - b + Self.ringBlocks) % Self.ringBlocks
                listen(r, ring + index * Self.blockSamples, Self.blockSamples)
            }
        }
        block = (block + 1) % Self.ringBlocks
        recount()
    }

    private func recount() {
        listening = 0
        for r in 0..<Self.receiverCount where receivers[r].listening { listening += 1 }
    }

    private func listen(_ r: Int, _ samples: UnsafePointer<Int16>, _ count: Int) {
        let code = receivers[r].listen(samples, count: count)
        // Each tone is reported once per call; the receivers latch what they found.
        guard let tone = FaxTone(spandsp: code), code < 32, reported & (1 << UInt32(code)) == 0 else { return }
        reported |= 1 << UInt32(code)
        events.push(FaxToneEvent(tone: tone, sample: self.samples))
        // CNG and the preamble receivers each find one tone only; once found they need not hear more.
        if r != 1 {
            receivers[r].retired = true
            recount()
        }
    }
}
