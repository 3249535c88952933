/// Collects dialled digits from an off-hook phone or a seized line: complete on `#` (not part
/// of the number), at `maximumLength`, when the dial plan says the digits so far are a whole
/// number (`settle`), or when `interDigitTimeout` passes after a digit.
/// Before the first digit `firstDigitTimeout` applies; passing it with no digit is a timeout.
/// Pure state: the caller feeds digits and instants.
public struct DigitCollector: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case collecting
        case complete(String)
        /// No digit came in time.
        case timedOut
    }

    public var firstDigitTimeout: Duration
    public var interDigitTimeout: Duration
    public var maximumLength: Int
    public var terminator: Character?

    public private(set) var digits = ""
    public private(set) var outcome = Outcome.collecting
    private var deadlineInstant: ContinuousClock.Instant

    public init(startingAt now: ContinuousClock.Instant, firstDigitTimeout: Duration = .seconds(15),
                interDigitTimeout: Duration = .seconds(4), maximumLength: Int = 20, terminator: Character? = "#") {
        self.firstDigitTimeout = firstDigitTimeout
        self.interDigitTimeout = interDigitTimeout
        self.maximumLength = max(1, maximumLength)
        self.terminator = terminator
        deadlineInstant = now + firstDigitTimeout
    }

    /// When `timerFired` must next be called; nil once complete.
    public var deadline: ContinuousClock.Instant? { outcome == .collecting ? deadlineInstant : nil }

    public mutating func add(_ digit: Character, at now: ContinuousClock.Instant) {
        guard outcome == .collecting else { return }
        if digit == terminator {
            outcome = digits.isEmpty ? .timedOut : .complete(digits)
            return
        }
        digits.append(digit)
        deadlineInstant = now + interDigitTimeout
        if digits.count >= maximumLength { outcome = .complete(digits) }
    }

    /// The digits so far are a whole number (the dial plan knows no longer one): complete now.
    public mutating func settle() {
        guard outcome == .collecting, !digits.isEmpty else { return }
        outcome = .complete(digits)
    }

    public mutating func timerFired(at now: ContinuousClock.Instant) {
        guard outcome == .collecting, now >= deadlineInstant else { return }
        outcome = digits.isEmpty ? .timedOut : .complete(digits)
    }
}
