/// The on/off runs of one call-progress tone as block verdicts come in, and whether they fit the
/// tone's cadence. Held inline (no heap), so updating it on the media thread costs no allocation,
/// reference counting or copy-on-write checks.
struct CadenceTrack {
    private(set) var on = false
    private(set) var runMilliseconds = 0
    /// Completed runs, newest last; the oldest dropped beyond `RunHistory.capacity`.
    private var history = RunHistory()
    private var reported = false
    private var quietMilliseconds = 0

    /// Take one block's verdict; true when the tone has just been recognised (once, until it has
    /// been quiet for 6 s).
    mutating func update(on: Bool, milliseconds: Int, pattern: CallProgressPattern) -> Bool {
        if on == self.on {
            runMilliseconds += milliseconds
        } else {
            if runMilliseconds > 0 { history.append(on: self.on, milliseconds: runMilliseconds) }
            self.on = on
            runMilliseconds = milliseconds
        }
        quietMilliseconds = on ? 0 : quietMilliseconds + milliseconds
        if reported && quietMilliseconds >= 6000 {
            reported = false
            history.removeAll()
        }
        if !reported && matches(pattern, blockMilliseconds: milliseconds) {
            reported = true
            return true
        }
        return false
    }

    private static func close(_ actual: Int, _ expected: Int) -> Bool {
        abs(actual - expected) <= max(60, expected * 15 / 100)
    }

    /// Whether the runs seen so far fit the pattern: a continuous tone held long enough, or whole
    /// cadence cycles in step (two for cycles shorter than 1.5 s); the run in progress counts once
    /// it has lasted as long as expected (or 1 s), so ringback is known before its long silence ends.
    private func matches(_ pattern: CallProgressPattern, blockMilliseconds: Int) -> Bool {
        if pattern.cadence.isEmpty { return on && runMilliseconds >= pattern.hold }
        let needed = pattern.needed
        let count = history.count
        guard count + 1 >= needed else { return false }
        let cadence = pattern.cadence
        for start in stride(from: 0, to: cadence.count, by: 2) {
            var ok = true
            for j in 0..<needed {
                let isLast = j == needed - 1
                let (runOn, runMs) = isLast ? (on, runMilliseconds) : history[count - needed + 1 + j]
                let expectedIndex = (start + j) % cadence.count
                let expected = cadence[expectedIndex]
                guard runOn == (expectedIndex % 2 == 0) else { ok = false; break }
                if isLast {
                    let tolerance = max(60, expected * 15 / 100)
                    guard runMs + blockMilliseconds >= min(expected, 1000) - 60, runMs <= expected + tolerance else {
                        ok = false
                        break
                    }
                } else if !Self.close(runMs, expected) {
                    ok = false
                    break
                }
            }
            if ok { return true }
        }
        return false
    }
}

/// The last eight completed on/off runs, newest last, in fixed inline storage.
struct RunHistory {
    static let capacity = 8
    private var durations = SIMD8<Int32>()
    /// Bit i: run i was "on".
    private var onBits: UInt8 = 0
    private(set) var count = 0

    mutating func append(on: Bool, milliseconds: Int) {
        if count == Self.capacity {
            for i in 0..<(Self.capacity - 1) { durations[i] = durations[i + 1] }
            onBits >>= 1
            count -= 1
        }
        durations[count] = Int32(clamping: milliseconds)
        if on { onBits |= 1 << UInt8(count) } else { onBits &= ~(1 << UInt8(count)) }
        count += 1
    }

    mutating func removeAll() {
        count = 0
        onBits = 0
    }

    subscript(i: Int) -> (Bool, Int) {
        (onBits & (1 << UInt8(i)) != 0, Int(durations[i]))
    }
}
