/// A call-progress tone as tone zones write it (libtonezone, Asterisk indications):
/// comma-separated segments `[!]F1[+F2|*F2][/MS]`; `0` is silence, `+` adds a second frequency,
/// `*` modulates the first by the second, `/MS` is the segment's length (none: it lasts until
/// stopped), `!` plays the segment only the first time through, and a trailing `@` on the
/// frequencies plays them 10 dB quieter (libtonezone's Australian congestion tone alternates so).
public struct ToneSpecification: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        public var frequencies: [Double]
        public var amplitudeModulated: Bool
        /// Milliseconds; nil holds the segment until the tone is stopped.
        public var milliseconds: Int?
        public var playedOnce: Bool
        /// Played 10 dB below the tone's level.
        public var attenuated: Bool
    }

    public let segments: [Segment]

    /// Parse a tone definition; malformed text throws with the reason.
    public init(_ text: String) throws(ToneSpecificationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ToneSpecificationError(text: text, reason: "empty tone") }
        var segments: [Segment] = []
        for raw in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            segments.append(try Self.segment(String(raw), in: text))
        }
        guard segments.count <= 64 else { throw ToneSpecificationError(text: text, reason: "more than 64 segments") }
        self.segments = segments
    }

    private static func segment(_ raw: String, in text: String) throws(ToneSpecificationError) -> Segment {
        var body = Substring(raw.trimmingCharacters(in: .whitespaces))
        let once = body.hasPrefix("!")
        if once { body = body.dropFirst() }
        var milliseconds: Int?
        if let slash = body.firstIndex(of: "/") {
            guard let ms = Int(body[body.index(after: slash)...]), ms > 0, ms <= 600_000 else {
                throw ToneSpecificationError(text: text, reason: "'\(raw)' has no valid duration after '/' (1-600000 ms)")
            }
            milliseconds = ms
            body = body[..<slash]
        }
        let attenuated = body.hasSuffix("@")
        if attenuated { body = body.dropLast() }
        let modulated = body.contains("*")
        let parts = body.split(separator: modulated ? "*" : "+", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else {
            throw ToneSpecificationError(text: text, reason: "'\(raw)' has more than two frequencies")
        }
        var frequencies: [Double] = []
        for p in parts {
            guard let f = Double(p), f.isFinite, f >= 0, f < 4000 else {
                throw ToneSpecificationError(text: text, reason: "'\(raw)': '\(p)' is not a frequency below 4000 Hz")
            }
            if f > 0 { frequencies.append(f) }
        }
        if modulated && frequencies.count != 2 {
            throw ToneSpecificationError(text: text, reason: "'\(raw)': modulation needs a carrier and a modulating frequency")
        }
        return Segment(frequencies: frequencies, amplitudeModulated: modulated, milliseconds: milliseconds,
                       playedOnce: once, attenuated: attenuated)
    }
}

/// A tone definition that cannot be used, and why.
public struct ToneSpecificationError: Error, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "tone \"\(text)\": \(reason)" }
}

import Foundation
