/// Turns the analyser's per-window verdicts (one every 4 ms) into key-down and key-up events with
/// Q.24 timing: a digit is reported once its tone has lasted `minimumDigit` samples; it ends when
/// the tone has been gone `minimumPause` samples (shorter interruptions are bridged) or another
/// key's tone appears.
///
/// A verdict at time t covers the samples (t - span, t]; windows that only partly cover the tone
/// still pass at either edge by about `edge` samples, so a run of passing verdicts from f to l
/// means a tone from f - span + edge to l - edge.
struct DTMFDigitTracker {
    static let span = DTMFSpectrum.span
    static let edge = 16

    /// A stretch of passing verdicts for one key.
    private struct Run {
        var digit: UInt8 = 0
        var first: UInt64 = 0
        var last: UInt64 = 0

        var duration: Int { Int(last - first) + DTMFDigitTracker.span - 2 * DTMFDigitTracker.edge }
        /// The silence so far after the run, were a verdict at `now` to pass.
        func gap(at now: UInt64) -> Int { Int(now - last) - DTMFDigitTracker.span + 2 * DTMFDigitTracker.edge }
    }

    let minimumDigit: Int
    let minimumPause: Int
    private var active = Run()
    private var candidate = Run()

    init(limits: DTMFLimits) {
        minimumDigit = max(10, min(1000, limits.minimumDigitMilliseconds)) * 8
        minimumPause = max(5, min(1000, limits.minimumPauseMilliseconds)) * 8
    }

    /// Take the verdict for the window ending at sample `now` (0: no key).
    mutating func step(_ hit: UInt8, at now: UInt64, emit: (DTMFEvent) -> Void) {
        if active.digit != 0 && active.gap(at: now) >= minimumPause { end(at: now, emit: emit) }
        if candidate.digit != 0 && candidate.gap(at: now) >= minimumPause { candidate.digit = 0 }
        guard hit != 0 else { return }
        if hit == active.digit {
            active.last = now
            return
        }
        if active.digit != 0 { end(at: now, emit: emit) }
        if hit == candidate.digit {
            candidate.last = now
        } else {
            candidate = Run(digit: hit, first: now, last: now)
        }
        if candidate.duration >= minimumDigit {
            active = candidate
            candidate.digit = 0
            emit(DTMFEvent(digit: hit, kind: .began, sample: now))
        }
    }

    private mutating func end(at now: UInt64, emit: (DTMFEvent) -> Void) {
        emit(DTMFEvent(digit: active.digit, kind: .ended(durationSamples: active.duration), sample: now))
        active.digit = 0
    }
}
