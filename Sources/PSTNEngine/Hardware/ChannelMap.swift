/// What every configured DAHDI channel is for, and what every span is: the engine's view of a
/// `HardwareProfile`. Signalling opens D-channels and SS7 links from it, the media layer the
/// B-channels, and the analog code its FXO trunks and FXS stations.
public struct ChannelMap: Sendable, Equatable {
    /// The job of one channel.
    public enum Role: Sendable, Hashable {
        /// A bearer channel of a PRI, SS7 or clear span.
        case bChannel(span: Int)
        /// The ISDN PRI D-channel of a span.
        case dChannel(span: Int)
        /// An SS7 signalling link (MTP2) of a span.
        case signallingLink(span: Int)
        /// An FXO port: a line from a central office.
        case fxoTrunk
        /// An FXS port: a phone (an agent's station).
        case fxsStation
    }

    /// One configured channel.
    public struct Channel: Sendable, Equatable {
        /// The DAHDI channel number.
        public var number: Int
        /// The DAHDI span number.
        public var span: Int
        public var role: Role
        /// How `system.conf` configures it.
        public var signalling: ChannelSignalling
    }

    /// What a span carries.
    public enum SpanKind: String, Sendable {
        case pri, ss7, clear, analog
    }

    /// One span.
    public struct Span: Sendable, Equatable {
        /// The DAHDI span number.
        public var number: Int
        /// The card it is on.
        public var card: String
        public var kind: SpanKind
        /// E1 or T1; nil for an analog card.
        public var line: HardwareProfile.LineType?
        /// Its DAHDI channel numbers, configured or not (an empty analog slot has a number).
        public var channels: ClosedRange<Int>
    }

    /// The configured channels, by rising number.
    public let channels: [Channel]
    /// The spans, by rising number.
    public let spans: [Span]

    public init(channels: [Channel], spans: [Span]) {
        self.channels = channels.sorted { $0.number < $1.number }
        self.spans = spans.sorted { $0.number < $1.number }
    }

    /// The channel numbered `number`, nil when it is not configured.
    public subscript(channel number: Int) -> Channel? {
        channels.first { $0.number == number }
    }

    /// The span numbered `number`.
    public func span(_ number: Int) -> Span? {
        spans.first { $0.number == number }
    }

    /// The channel numbers of a role, e.g. `numbers(of: .dChannel(span: 1))`.
    public func numbers(of role: Role) -> [Int] {
        channels.filter { $0.role == role }.map(\.number)
    }

    /// B-channels of span `span`.
    public func bChannels(span: Int) -> [Int] { numbers(of: .bChannel(span: span)) }
    /// PRI D-channels of all spans.
    public var dChannels: [Int] { channels.filter { if case .dChannel = $0.role { true } else { false } }.map(\.number) }
    /// SS7 signalling links of all spans.
    public var signallingLinks: [Int] {
        channels.filter { if case .signallingLink = $0.role { true } else { false } }.map(\.number)
    }
    /// FXO trunk ports.
    public var fxoTrunks: [Int] { numbers(of: .fxoTrunk) }
    /// FXS station ports.
    public var fxsStations: [Int] { numbers(of: .fxsStation) }
}

extension HardwareProfile {
    /// The channel map of the profile's hardware.
    public func channelMap() -> ChannelMap {
        var channels: [ChannelMap.Channel] = []
        var spanList: [ChannelMap.Span] = []
        for span in spans {
            switch span.content {
            case let .digital(digital):
                let kind: ChannelMap.SpanKind
                switch digital.carries {
                case .pri: kind = .pri
                case .ss7: kind = .ss7
                case .clear: kind = .clear
                }
                spanList.append(.init(number: span.number, card: span.card, kind: kind, line: digital.line, channels: span.channels))
                let slot = digital.effectiveSignallingTimeslot
                for (offset, number) in span.channels.enumerated() {
                    let role: ChannelMap.Role
                    let signalling: ChannelSignalling
                    switch (offset + 1 == slot, digital.carries) {
                    case (true, .pri): (role, signalling) = (.dChannel(span: span.number), .hardHDLC)
                    case (true, .ss7): (role, signalling) = (.signallingLink(span: span.number), .mtp2)
                    default: (role, signalling) = (.bChannel(span: span.number), .clear)
                    }
                    channels.append(.init(number: number, span: span.number, role: role, signalling: signalling))
                }
            case let .analog(ports):
                spanList.append(.init(number: span.number, card: span.card, kind: .analog, line: nil, channels: span.channels))
                for (port, number) in zip(ports, span.channels) {
                    switch port {
                    case .fxs: channels.append(.init(number: number, span: span.number, role: .fxsStation, signalling: .fxoKewlstart))
                    case .fxo: channels.append(.init(number: number, span: span.number, role: .fxoTrunk, signalling: .fxsKewlstart))
                    case .empty: break
                    }
                }
            }
        }
        return ChannelMap(channels: channels, spans: spanList)
    }
}
