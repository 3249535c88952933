import CSpanDSP

/// A DTMF key seen on a channel: its start, and when it ends, how long it lasted.
public struct DTMFEvent: Sendable, Equatable, BitwiseCopyable {
    public enum Kind: Sendable, Equatable, BitwiseCopyable {
        case began
        /// The key was released after this many samples (8 per ms).
        case ended(durationSamples: Int)
    }

    /// The key: 0-9, *, #, A-D, as ASCII.
    public let digit: UInt8
    public let kind: Kind
    /// The channel's sample count when it was seen.
    public let sample: UInt64

    public var character: Character { Character(Unicode.Scalar(digit)) }
}

/// Acceptance limits for DTMF (ITU-T Q.24 leaves them to each administration).
public struct DTMFLimits: Sendable, Equatable {
    /// Largest accepted level difference with the high-group tone weaker, in dB.
    public var normalTwistDB = 8
    /// Largest accepted level difference with the high-group tone stronger, in dB.
    public var reverseTwistDB = 4
    /// Weakest accepted tone, in dBm0.
    public var thresholdDBm0 = -36
    /// Ignore dial tone underneath the digits (350 + 440 Hz).
    public var filterDialTone = false

    public init() {}
}

/// A DTMF receiver (spandsp's Goertzel detector) that reports key down and key up with durations.
///
/// Created off the media thread (it allocates once); `process` allocates nothing and keeps up to
/// `capacity` events until `nextEvent` takes them.
public final class DTMFDetector {
    public static let capacity = 32
    private let receiver: OpaquePointer
    private var events = FixedRing(capacity: DTMFDetector.capacity, filler: DTMFEvent(digit: 0, kind: .began, sample: 0))
    private var samples: UInt64 = 0
    private var current: UInt8 = 0
    private var started: UInt64 = 0
    /// Events lost because nobody took them in time.
    public var dropped: Int { events.dropped }

    public init(limits: DTMFLimits = DTMFLimits()) {
        receiver = dtmf_rx_init(nil, nil, nil)
        dtmf_rx_parms(receiver, limits.filterDialTone ? 1 : 0, Int32(limits.normalTwistDB),
                      Int32(limits.reverseTwistDB), Int32(limits.thresholdDBm0))
        dtmf_rx_set_realtime_callback(receiver, { context, code, _, _ in
            guard let context else { return }
            Unmanaged<DTMFDetector>.fromOpaque(context).takeUnretainedValue().report(code: code)
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        dtmf_rx_free(receiver)
        events.release()
    }

    /// Feed linear samples.
    public func process(_ audio: UnsafeBufferPointer<Int16>) {
        guard let base = audio.baseAddress, !audio.isEmpty else { return }
        samples &+= UInt64(audio.count)
        _ = dtmf_rx(receiver, base, Int32(audio.count))
    }

    /// Take the oldest event not yet taken.
    public func nextEvent() -> DTMFEvent? { events.pop() }

    private func report(code: Int32) {
        let digit = UInt8(truncatingIfNeeded: code)
        if current != 0 && digit != current {
            events.push(DTMFEvent(digit: current, kind: .ended(durationSamples: Int(samples - started)), sample: samples))
            current = 0
        }
        if digit != 0 && digit != current {
            current = digit
            started = samples
            events.push(DTMFEvent(digit: digit, kind: .began, sample: samples))
        }
    }
}

/// DTMF generation (spandsp): digits at a level and timing, rendered into chunks.
public final class DTMFGenerator {
    let transmitter: OpaquePointer

    /// `levelDBm0` per tone of the low group, `twistDB` extra for the high group; times in ms.
    public init(levelDBm0: Int = -10, twistDB: Int = 2, onMilliseconds: Int = 80, offMilliseconds: Int = 80) {
        transmitter = dtmf_tx_init(nil)
        dtmf_tx_set_level(transmitter, Int32(levelDBm0), Int32(twistDB))
        dtmf_tx_set_timing(transmitter, Int32(onMilliseconds), Int32(offMilliseconds))
    }

    deinit { dtmf_tx_free(transmitter) }

    /// Queue digits to send; characters other than 0-9 * # A-D are refused.
    public func queue(_ digits: String) -> Bool {
        guard !digits.isEmpty, digits.allSatisfy({ "0123456789*#ABCDabcd".contains($0) }) else { return false }
        return dtmf_tx_put(transmitter, digits.uppercased(), -1) == 0
    }

    /// Render up to `output.count` samples; returns how many were produced (0 when done).
    public func render(into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let base = output.baseAddress else { return 0 }
        return Int(dtmf_tx(transmitter, base, Int32(output.count)))
    }
}
