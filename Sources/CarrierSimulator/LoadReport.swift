import FaxService
/// What a load run did: every attempt accounted for, failures by cause, and setup latency
/// (attempt to answer) percentiles.
public struct LoadReport: Sendable, Codable, Equatable {
    public var attempts = 0
    public var answered = 0
    public var failed = 0
    /// Attempts not made because `concurrent` calls were already up.
    public var skipped = 0
    /// Calls still up when the run ended (should be 0 after the drain).
    public var unfinished = 0
    public var failuresByCause: [String: Int] = [:]
    public var setupLatencyMs: Percentiles?
    public var seconds: Double = 0

    public init() {}

    /// Whether every attempt ended as answered or failed.
    public var allAccounted: Bool { answered + failed + unfinished == attempts && unfinished == 0 }

    /// p50, p90, p99 and max of a sample.
    public struct Percentiles: Sendable, Codable, Equatable {
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var max: Double

        public init?(_ values: [Double]) {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1)] }
            p50 = at(0.50)
            p90 = at(0.90)
            p99 = at(0.99)
            max = sorted.last!
        }
    }
}

/// What happened to one scripted call, as the JSON report shows it.
public struct CallReport: Sendable, Codable, Equatable {
    public var name: String
    public var id: UInt64?
    public var calling: String?
    public var called: String
    public var placedAt: Double?
    public var answeredAt: Double?
    public var releasedAt: Double?
    public var setupLatencyMs: Double?
    public var cause: Int?
    public var causeText: String?
    public var releasedBy: String?
    /// DTMF digits heard from the engine while listening.
    public var dtmfHeard: String = ""
    /// Tones heard (busy, ringback, fax CED...).
    public var tonesHeard: [String] = []
    /// Recordings made while listening, with their level in dBm0.
    public var recordings: [Recording] = []
    /// Why the script could not go on, if it could not.
    public var failure: String?
    /// How a fax sent or received on the call ended.
    public var fax: FaxOutcome?

    public struct Recording: Sendable, Codable, Equatable {
        public var path: String
        public var levelDBm0: Double?
    }

    public init(name: String, called: String) {
        self.name = name
        self.called = called
    }
}
