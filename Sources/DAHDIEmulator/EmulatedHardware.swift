import CDAHDI

/// A request from a client that cannot be answered yet (a blocking read or write), answered later
/// from the clock thread or on interrupt. The FUSE adapter implements it over `fuse_req_t`.
protocol PendingReply: AnyObject {
    /// Identifies the request for interrupts.
    var requestID: UInt { get }
    func replyData(_ bytes: [UInt8])
    func replyWritten(_ count: Int)
    func replyError(_ errno: Int32)
}

/// Someone waiting in `poll` on a handle; told once when something it asked for is ready.
protocol PollWaiter: AnyObject {
    /// The poll bits it waits for.
    var events: Int16 { get }
    func notify()
}

/// What a channel is on the card.
enum PortKind: Equatable {
    /// A timeslot of an E1/T1 span (B-channel or D-channel).
    case timeslot
    /// An FXS port: feeds a phone; DAHDI signalling fxoks/fxols.
    case fxs
    /// An FXO port: faces a central office; DAHDI signalling fxsks/fxsls.
    case fxo
    /// A pseudo channel, created per open of `pseudo`.
    case pseudo
}

/// A span of an emulated card (an E1/T1 interface, or the ports of an analog card).
final class EmulatedSpan {
    enum Kind: Equatable { case e1, t1, analog }

    let number: Int
    let kind: Kind
    let name: String
    let description: String
    let manufacturer: String
    let deviceType: String
    let location: String
    var channels: [EmulatedChannel] = []
    var lineConfig: Int32
    var lineBuildOut: Int32 = 0
    var syncLevel: Int32 = 0
    var running = false
    var clockStopped = false
    var cable: EmulatedCable?
    var alarms: Int32 = 0
    var maintenance: Int32 = 0

    init(number: Int, kind: Kind, name: String, description: String, manufacturer: String,
         deviceType: String, location: String, lineConfig: Int32) {
        self.number = number
        self.kind = kind
        self.name = name
        self.description = description
        self.manufacturer = manufacturer
        self.deviceType = deviceType
        self.location = location
        self.lineConfig = lineConfig
    }

    var law: CompandingLaw { kind == .t1 ? .muLaw : .aLaw }

    var spanType: String {
        switch kind {
        case .e1: return "E1"
        case .t1: return "T1"
        case .analog: return "ANALOG"
        }
    }
}

/// A cable between two spans or two analog ports, with its impairments and faults.
final class EmulatedCable {
    let name: String
    var pulled = false
    /// Receive path lost towards an end ("a" or "b"): that end sees RED, the other YELLOW.
    var brokenTowards: Set<String> = []
    /// AIS (all ones) sent towards an end: that end sees BLUE.
    var aisTowards: Set<String> = []
    var frameDropRate: Double = 0
    var frameCorruptRate: Double = 0
    /// HDLC frames take this many milliseconds to cross, as audio does (`delay_ms`).
    var frameDelayTicks: UInt64 = 0
    /// Frames on their way, in the order they were sent, each with the tick it arrives.
    var framesInFlight: [(due: UInt64, to: EmulatedChannel, frame: [UInt8], corrupted: Bool)] = []
    var random = SplitMix64(seed: 0xD0_C4A1)
    var endA: [EmulatedChannel] = []
    var endB: [EmulatedChannel] = []
    var spanA: EmulatedSpan?
    var spanB: EmulatedSpan?

    init(name: String) { self.name = name }

    /// Whether signal flows into the end `side`.
    func carriesSignal(towards side: String) -> Bool {
        !pulled && !brokenTowards.contains(side) && !aisTowards.contains(side)
    }
}

/// One direction of a cable from a channel to its peer.
struct LinePath {
    var impairment: DirectionImpairment
    /// Echo heard by the sending end of this direction's reverse (set on the end that echoes).
    var echo: EchoPath?
    let cable: EmulatedCable
    /// Which end of the cable this channel is ("a" or "b").
    let side: String
    var otherSide: String { side == "a" ? "b" : "a" }
}
