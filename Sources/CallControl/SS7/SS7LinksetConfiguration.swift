import CLibSS7

/// How one SS7 linkset is run: the point codes, the signalling links and the circuits.
public struct SS7LinksetConfiguration: Sendable, Equatable {
    /// The ISUP variant: ITU-T (China, Europe) or ANSI (North America).
    public enum Variant: String, Sendable {
        case itu, ansi

        var libss7Value: Int32 { self == .itu ? SS7_ITU : SS7_ANSI }
    }

    /// The network indicator of the routing label's service information octet.
    public enum NetworkIndicator: String, Sendable {
        case international, internationalSpare = "international_spare", national, nationalSpare = "national_spare"

        var libss7Value: Int32 {
            switch self {
            case .international: SS7_NI_INT
            case .internationalSpare: SS7_NI_INT_SPARE
            case .national: SS7_NI_NAT
            case .nationalSpare: SS7_NI_NAT_SPARE
            }
        }
    }

    /// One signalling link: its DAHDI channel and its signalling link code.
    public struct Link: Sendable, Equatable {
        public var channel: Int
        public var slc: Int
        public init(channel: Int, slc: Int) {
            self.channel = channel
            self.slc = slc
        }
    }

    public var name: String
    public var variant: Variant
    public var networkIndicator: NetworkIndicator
    /// Our point code.
    public var originatingPointCode: UInt32
    /// The adjacent (and destination) point code.
    public var destinationPointCode: UInt32
    public var links: [Link]
    /// CIC -> DAHDI channel.
    public var circuits: [Int: Int]

    public init(name: String, variant: Variant, networkIndicator: NetworkIndicator, originatingPointCode: UInt32,
                destinationPointCode: UInt32, links: [Link], circuits: [Int: Int]) {
        self.name = name
        self.variant = variant
        self.networkIndicator = networkIndicator
        self.originatingPointCode = originatingPointCode
        self.destinationPointCode = destinationPointCode
        self.links = links
        self.circuits = circuits
    }
}
