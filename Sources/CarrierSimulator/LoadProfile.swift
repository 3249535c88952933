/// A load run: calls placed at a steady rate up to a ceiling of concurrent calls, each held for
/// a time drawn from a distribution, for a number of seconds.
public struct LoadProfile: Sendable, Codable, Equatable {
    public var trunk: String
    /// The number called, or several separated by commas, called in turn.
    public var called: String
    public var calling: String?
    /// Call attempts per second.
    public var rate: Double
    /// Most calls up at once; attempts beyond it are counted as skipped.
    public var concurrent: Int
    public var seconds: Double
    public var hold: HoldTime?

    public init(trunk: String, called: String, rate: Double, concurrent: Int, seconds: Double, hold: HoldTime? = nil) {
        self.trunk = trunk
        self.called = called
        self.rate = rate
        self.concurrent = concurrent
        self.seconds = seconds
        self.hold = hold
    }

    /// The number the `k`th attempt calls.
    func calledNumber(attempt k: Int) -> String {
        let numbers = called.split(separator: ",").map { $0.filter { !$0.isWhitespace } }
        return numbers.isEmpty ? called : numbers[k % numbers.count]
    }

    func problems() -> [String] {
        var out: [String] = []
        if called.split(separator: ",", omittingEmptySubsequences: false).contains(where: { $0.allSatisfy(\.isWhitespace) }) {
            out.append("load: called has an empty number")
        }
        if !(rate > 0 && rate <= 1000) { out.append("load: rate must be between 0 and 1000 calls per second") }
        if concurrent < 1 { out.append("load: concurrent must be at least 1") }
        if !(seconds > 0) { out.append("load: seconds must be positive") }
        if let hold { out += hold.problems() }
        return out
    }
}

/// How long a load call stays up after answer: fixed, uniform between bounds, or exponential
/// around a mean (as call-center traffic is usually modelled).
public struct HoldTime: Sendable, Codable, Equatable {
    public var fixed_s: Double?
    public var min_s: Double?
    public var max_s: Double?
    public var mean_s: Double?

    public init(fixed: Double) { fixed_s = fixed }

    func problems() -> [String] {
        let forms = [fixed_s != nil, min_s != nil || max_s != nil, mean_s != nil].filter { $0 }.count
        var out: [String] = []
        if forms != 1 { out.append("hold: give one of fixed_s, min_s+max_s, or mean_s") }
        if let a = min_s, let b = max_s, !(a >= 0 && a <= b) { out.append("hold: need 0 <= min_s <= max_s") }
        if (min_s == nil) != (max_s == nil) { out.append("hold: min_s and max_s go together") }
        if let m = mean_s, !(m > 0) { out.append("hold: mean_s must be positive") }
        if let f = fixed_s, !(f >= 0) { out.append("hold: fixed_s must not be negative") }
        return out
    }

    /// A hold time in seconds, from `random` (uniform in [0, 1)).
    public func draw(_ random: Double) -> Double {
        if let fixed_s { return fixed_s }
        if let min_s, let max_s { return min_s + (max_s - min_s) * random }
        if let mean_s { return -mean_s * log(1 - random) }
        return 0
    }
}

import Glibc
