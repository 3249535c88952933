import Yams

/// A preset for the DAHDI cards of one server (a file in `hw-profiles/`): which spans there are,
/// their line type and framing, what each span carries (ISDN PRI, an SS7 link, clear channels),
/// which analog ports are FXS stations and which are FXO trunks, and the tone zone.
///
/// From it come the two views of the same hardware:
/// - `systemConf()`: the text of DAHDI's `system.conf`; `dahdi_cfg -c <file>` reads it (Debian
///   installs it as `/etc/dahdi/system.conf`, which plain `dahdi_cfg` reads);
/// - `channelMap()`: the engine's map of DAHDI channel numbers to B-channels, D-channels, SS7
///   links, FXO trunks and FXS stations.
///
/// No echo canceller is attached to any channel: the engine runs its own on every call, and a
/// DAHDI one (`echocanceller=` lines) would cancel a second time. A profile that names one is refused.
///
/// ```yaml
/// name: te420
/// description: Digium TE420, 4 x E1/T1
/// zone: cn
/// cards:
///   - name: te420
///     line: E1            # default of the card's spans; E1 or T1
///     first_span: 1       # optional: after the previous card
///     first_channel: 1    # optional: after the previous card
///     spans:
///       - { carries: pri, timing: 1 }               # D-channel on ts16 (E1) / ts24 (T1)
///       - { carries: ss7, dchannel: 16, timing: 2 } # MTP2 link on ts16
///       - { carries: clear, timing: 0, line: T1, framing: esf, coding: b8zs, lbo: 0 }
///   - name: tdm410
///     ports: [fxs, fxs, fxo, empty]                 # FXS -> fxoks, FXO -> fxsks
/// ```
///
/// Span and channel numbers follow DAHDI: spans are numbered in card order from `first_span`,
/// channels consecutively from `first_channel` (31 per E1 span, 24 per T1 span, one per analog
/// port, an empty module slot keeping its number). The operator adjusts a preset with
/// `applying(_:)` (line type, tone zone, what a span carries, analog ports).
public struct HardwareProfile: Sendable, Equatable {
    /// The preset's name, also its file name without `.yaml`.
    public var name: String
    /// A one-line description of the hardware.
    public var summary: String
    /// The libtonezone zone for `loadzone=` and `defaultzone=` ("cn", "us"...).
    public var zone: String
    /// The cards, in DAHDI span order.
    public var cards: [Card]
    /// Where the profile was read from (`<profile>` for text).
    public var file: String
    /// Where each key was in the YAML, by path (`cards[0].spans[2].dchannel`), for errors.
    var marks: [String: Mark] = [:]

    public init(name: String, summary: String, zone: String, cards: [Card], file: String = "<profile>") {
        self.name = name
        self.summary = summary
        self.zone = zone
        self.cards = cards
        self.file = file
    }

    public static func == (a: HardwareProfile, b: HardwareProfile) -> Bool {
        a.name == b.name && a.summary == b.summary && a.zone == b.zone && a.cards == b.cards
    }

    /// One card: digital spans or analog ports.
    public struct Card: Sendable, Equatable {
        public var name: String
        /// The product, e.g. "Digium TE420".
        public var model: String?
        /// The DAHDI number of the card's first span; nil: the one after the previous card's last.
        public var firstSpan: Int?
        /// The DAHDI number of the card's first channel; nil: the one after the previous card's last.
        public var firstChannel: Int?
        public var content: Content

        public init(name: String, model: String? = nil, firstSpan: Int? = nil, firstChannel: Int? = nil,
                    content: Content) {
            self.name = name
            self.model = model
            self.firstSpan = firstSpan
            self.firstChannel = firstChannel
            self.content = content
        }

        /// A digital card has one span per entry; an analog card is one DAHDI span of ports.
        public enum Content: Sendable, Equatable {
            case digital([DigitalSpan])
            case analog([AnalogPort])
        }
    }

    /// E1 (31 timeslots, 2.048 Mbit/s) or T1 (24 timeslots, 1.544 Mbit/s).
    public enum LineType: String, Sendable, CaseIterable {
        case e1 = "E1"
        case t1 = "T1"

        /// Timeslots, hence DAHDI channels, per span.
        public var timeslots: Int { self == .e1 ? 31 : 24 }
        public var defaultFraming: Framing { self == .e1 ? .ccs : .esf }
        public var defaultCoding: LineCoding { self == .e1 ? .hdb3 : .b8zs }
        /// The D-channel (or SS7 link) timeslot unless one is given: 16 on E1, 24 on T1.
        public var defaultSignallingTimeslot: Int { self == .e1 ? 16 : 24 }
        public var framings: [Framing] { self == .e1 ? [.ccs] : [.esf, .d4] }
        public var codings: [LineCoding] { self == .e1 ? [.hdb3, .ami] : [.b8zs, .ami] }
    }

    /// Span framing as `dahdi_cfg` spells it. E1 CAS (R2) is not offered: the engine speaks PRI and SS7.
    public enum Framing: String, Sendable, CaseIterable {
        case ccs, esf, d4
    }

    /// Span line coding as `dahdi_cfg` spells it.
    public enum LineCoding: String, Sendable, CaseIterable {
        case hdb3, b8zs, ami
    }

    /// What a digital span carries.
    public enum Carriage: String, Sendable, CaseIterable {
        /// ISDN PRI: a D-channel (`hardhdlc`) on the signalling timeslot, B-channels on the others.
        case pri
        /// SS7: an MTP2 signalling link on the signalling timeslot, bearer channels on the others.
        case ss7
        /// Clear channels only, no signalling on the span.
        case clear
    }

    /// One E1/T1 span as the profile declares it; nil settings take the line type's default.
    public struct DigitalSpan: Sendable, Equatable {
        public var line: LineType
        public var framing: Framing?
        public var coding: LineCoding?
        /// E1 CRC-4 multiframe; nil: on for E1. Never on T1.
        public var crc4: Bool?
        /// Timing source priority: 1 is the preferred clock source, 0 never provides timing.
        public var timing: Int
        /// Line build-out (0-7), 0 for a short haul or any E1.
        public var lbo: Int
        public var carries: Carriage
        /// The D-channel or SS7 link timeslot; nil: 16 on E1, 24 on T1.
        public var signallingTimeslot: Int?

        public init(line: LineType, carries: Carriage, timing: Int, lbo: Int = 0, framing: Framing? = nil,
                    coding: LineCoding? = nil, crc4: Bool? = nil, signallingTimeslot: Int? = nil) {
            self.line = line
            self.carries = carries
            self.timing = timing
            self.lbo = lbo
            self.framing = framing
            self.coding = coding
            self.crc4 = crc4
            self.signallingTimeslot = signallingTimeslot
        }

        public var effectiveFraming: Framing { framing ?? line.defaultFraming }
        public var effectiveCoding: LineCoding { coding ?? line.defaultCoding }
        public var effectiveCRC4: Bool { line == .e1 && (crc4 ?? true) }
        /// The timeslot of the D-channel or SS7 link; nil on a clear span.
        public var effectiveSignallingTimeslot: Int? {
            carries == .clear ? nil : (signallingTimeslot ?? line.defaultSignallingTimeslot)
        }
    }

    /// An analog module slot: FXS feeds a phone (a station), FXO faces a central office (a trunk).
    public enum AnalogPort: String, Sendable, CaseIterable {
        /// A station port, configured `fxoks` (DAHDI names signalling after the far end).
        case fxs
        /// A trunk port, configured `fxsks`.
        case fxo
        /// An empty module slot: it keeps its channel number and is not configured.
        case empty
    }
}
