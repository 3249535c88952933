import PSTNEngine

/// One signalling backend as configuration describes it, for the daemon and the carrier
/// simulator alike: a PRI span, an SS7 linkset, or analog FXO trunks / FXS stations.
///
/// ```yaml
/// - { name: span1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31",
///     side: user, switch: euroisdn, line: E1, overlap: true }
/// - { name: ss7, type: ss7, group: carrier, variant: itu, opc: 1, dpc: 2, ni: national,
///     links: [78], cic_first: 1, bchannels: "63-77,79-93" }
/// - { name: co-lines, type: fxo, group: pstn, channels: "127-128", callerid: v23 }
/// - { name: stations, type: fxs, group: stations, channels: "125-126", numbers: ["8001", "8002"] }
/// ```
///
/// In `pstn-sim` the analog kinds name the simulator's own ports: `fxs` ports are the central
/// office facing the engine's FXO trunks (`disconnect` says how it signals the far party's
/// hang-up), `fxo` ports are phones facing the engine's FXS stations.
public struct TrunkConfiguration: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case pri, ss7, fxo, fxs
    }

    public var name: String
    public var type: Kind
    /// The trunk group its inbound calls belong to, and which outbound calls may hunt it in.
    public var group: String?

    // PRI
    public var dchannel: Int?
    /// Bearer channels (PRI B-channels; for SS7 the channels of CIC `cic_first` onwards).
    public var bchannels: ChannelList?
    /// `user` (CPE, the engine facing a carrier) or `network` (the carrier side).
    public var side: String?
    /// `euroisdn`, `ni2`, `dms100`, `lucent5e`, `4ess`, `qsig`.
    public var `switch`: String?
    /// `E1` or `T1`.
    public var line: String?
    public var overlap: Bool?
    /// Write the trunk's signalling (PRI: LAPD/Q.931; SS7: MTP2) to this pcap file from start-up.
    public var capture: String?

    // SS7
    /// `itu` or `ansi`.
    public var variant: String?
    public var opc: Int?
    public var dpc: Int?
    /// `international`, `national`, `national_spare`, `international_spare`.
    public var ni: String?
    public var links: ChannelList?
    public var cic_first: Int?

    // Analog
    public var channels: ChannelList?
    /// `bell202`, `v23` (ETSI FSK), `dtmf`, or `none`.
    public var callerid: String?
    /// One number per channel, in order: a station's own number (the calling number of the calls
    /// its phone makes), or the number an FXO line answers to (the called number of its calls).
    public var numbers: [String]?
    /// End an answered FXO call on polarity reversal.
    public var hangup_on_polarity: Bool?
    /// FXO: an outgoing call is answered only when the line's polarity reverses.
    public var answer_on_polarity: Bool?
    /// FXS: reverse polarity when a call this port rang is answered (answer supervision).
    public var reverse_polarity_on_answer: Bool?
    /// FXS: seconds a phone may take to dial its first digit (15 by default) and between digits
    /// (4) before what it dialled is taken as the whole number (or, with no digit, refused).
    public var first_digit_s: Double?
    public var inter_digit_s: Double?
    /// FXS: how the far end is told this side hung up: `tone` (busy or congestion), `battery`
    /// (a loop-current drop, as most central offices do) or `polarity`.
    public var disconnect: String?

    public init(name: String, type: Kind, group: String? = nil) {
        self.name = name
        self.type = type
        self.group = group
    }

    /// Every DAHDI channel that carries audio for this backend.
    public var bearerChannels: [Int] {
        switch type {
        case .pri, .ss7: return bchannels?.channels ?? []
        case .fxo, .fxs: return channels?.channels ?? []
        }
    }

    /// The companding law of its line: mu-law on T1, A-law otherwise.
    public var law: G711 { line == "T1" ? .muLaw : .aLaw }

    /// `numbers` by channel.
    public var numberOfChannel: [Int: String] {
        Dictionary(zip(channels?.channels ?? [], numbers ?? []), uniquingKeysWith: { a, _ in a })
    }

    /// The FXS disconnect signal `disconnect` names (tone when absent).
    public var disconnectSignal: FXSLineOptions.DisconnectSignal {
        switch disconnect {
        case "battery": return .batteryDrop
        case "polarity": return .polarityReversal
        default: return .tone
        }
    }

    /// The trunk group, defaulting to the backend's own name.
    public var groupName: String { group ?? name }

    /// The problems of this entry, each a sentence naming the field.
    public func problems() -> [String] {
        var out: [String] = []
        func need(_ value: Any?, _ field: String) {
            if value == nil { out.append("\(type.rawValue) trunk \(name) needs '\(field)'") }
        }
        if name.isEmpty { out.append("a trunk needs a name") }
        switch type {
        case .pri:
            need(dchannel, "dchannel")
            need(bchannels, "bchannels")
            if let side, !["user", "network"].contains(side) { out.append("trunk \(name): side must be user or network, not \(side)") }
            if let s = self.switch, !["euroisdn", "ni2", "dms100", "lucent5e", "4ess", "qsig"].contains(s) {
                out.append("trunk \(name): unknown switch type \(s) (euroisdn, ni2, dms100, lucent5e, 4ess, qsig)")
            }
            if let line, !["E1", "T1"].contains(line) { out.append("trunk \(name): line must be E1 or T1, not \(line)") }
        case .ss7:
            need(opc, "opc")
            need(dpc, "dpc")
            need(links, "links")
            need(bchannels, "bchannels")
            if let v = variant, !["itu", "ansi"].contains(v) { out.append("trunk \(name): variant must be itu or ansi, not \(v)") }
        case .fxo, .fxs:
            need(channels, "channels")
            if let c = callerid, !["bell202", "v23", "dtmf", "none"].contains(c) {
                out.append("trunk \(name): callerid must be bell202, v23, dtmf or none, not \(c)")
            }
            if let d = disconnect, !["tone", "battery", "polarity"].contains(d) {
                out.append("trunk \(name): disconnect must be tone, battery or polarity, not \(d)")
            }
            for (key, value) in [("first_digit_s", first_digit_s), ("inter_digit_s", inter_digit_s)] {
                if let value, !(value >= 0.5 && value <= 120) {
                    out.append("trunk \(name): \(key) must be 0.5 to 120 seconds, not \(value)")
                }
            }
            if let numbers, let channels, numbers.count != channels.channels.count {
                out.append("trunk \(name): \(numbers.count) numbers for \(channels.channels.count) channels")
            }
        }
        return out
    }
}
