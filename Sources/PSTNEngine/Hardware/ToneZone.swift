import CDAHDI

/// A national tone zone as libtonezone defines it ("cn", "us", "gb"...): its DAHDI zone number,
/// description and ring cadence, which FXS ports use when they ring a phone.
public struct ToneZone: Sendable, Equatable {
    public let country: String
    public let number: Int
    public let description: String
    /// Ring cadence in ms: on, off, on, off...
    public let ringCadence: [Int]

    /// libtonezone's names that differ from the ISO 3166 country code.
    private static let aliases = ["gb": "uk"]

    /// Look a zone up by country code (ISO 3166 or libtonezone's name); nil when libtonezone does not know it.
    public init?(country requested: String) {
        guard !requested.isEmpty, requested.utf8.count < 16,
              requested.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-") }) else {
            return nil
        }
        let country = Self.aliases[requested.lowercased()] ?? requested.lowercased()
        let number = cdahdi_zone_number(country)
        guard number >= 0 else { return nil }
        var cadence = [Int32](repeating: 0, count: Int(DAHDI_MAX_CADENCE))
        let count = cadence.withUnsafeMutableBufferPointer {
            cdahdi_zone_ring_cadence(country, $0.baseAddress, Int32($0.count))
        }
        self.country = country
        self.number = Int(number)
        self.description = cdahdi_zone_description(number).map { String(cString: $0) } ?? country
        self.ringCadence = cadence.prefix(Int(max(0, count))).map { abs(Int($0)) }
    }
}

/// The tones a zone defines, by DAHDI's tone ids.
public enum ZoneTone: Int32, CaseIterable, Sendable {
    case dial = 0
    case busy = 1
    case ringback = 2
    case congestion = 3
    case callWaiting = 4
    case dialRecall = 5
    case record = 6
    case specialInformation = 7
    case stutterDial = 10
}

extension ToneZone {
    /// The definition of a tone in this zone, as libtonezone writes it; nil when not defined.
    public func definition(of tone: ZoneTone) -> String? {
        cdahdi_zone_tone(country, tone.rawValue).map { String(cString: $0) }
    }
}
