extension HardwareProfile {
    /// A span placed on DAHDI's numbering: its span number and channel numbers.
    public struct Span: Sendable, Equatable {
        /// The DAHDI span number.
        public var number: Int
        /// The name of the card it is on.
        public var card: String
        /// The DAHDI channel numbers of its timeslots or ports.
        public var channels: ClosedRange<Int>
        public var content: Content
        /// Index of the card in `cards`, and of the span in the card (0 for an analog card).
        var cardIndex: Int
        var indexInCard: Int

        /// A digital span, or the ports of an analog card.
        public enum Content: Sendable, Equatable {
            case digital(DigitalSpan)
            case analog([AnalogPort])
        }
    }

    /// The spans in card order with their DAHDI span and channel numbers: each card starts at its
    /// `firstSpan`/`firstChannel`, or right after the previous card.
    public var spans: [Span] {
        var result: [Span] = []
        var nextSpan = 1
        var nextChannel = 1
        for (c, card) in cards.enumerated() {
            var span = card.firstSpan ?? nextSpan
            var channel = card.firstChannel ?? nextChannel
            switch card.content {
            case let .digital(list):
                for (i, digital) in list.enumerated() {
                    let count = digital.line.timeslots
                    result.append(Span(number: span, card: card.name, channels: channel...(channel + count - 1),
                                       content: .digital(digital), cardIndex: c, indexInCard: i))
                    span += 1
                    channel += count
                }
            case let .analog(ports):
                let count = max(ports.count, 1)
                result.append(Span(number: span, card: card.name, channels: channel...(channel + count - 1),
                                   content: .analog(ports), cardIndex: c, indexInCard: 0))
                span += 1
                channel += count
            }
            nextSpan = span
            nextChannel = channel
        }
        return result
    }
}
