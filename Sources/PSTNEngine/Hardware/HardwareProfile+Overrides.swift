extension HardwareProfile {
    /// What the operator changes in a preset for a site: line type of all spans or of some,
    /// tone zone, what a span carries and on which timeslot, the modules of an analog card.
    public struct Overrides: Sendable, Equatable {
        /// The line type of every digital span (e.g. T1 at a North American site).
        public var line: LineType?
        /// The line type of single spans, by DAHDI span number; wins over `line`.
        public var lines: [Int: LineType]
        /// The tone zone ("cn", "us"...).
        public var zone: String?
        /// What single spans carry, by DAHDI span number.
        public var carries: [Int: Carriage]
        /// The D-channel or SS7 link timeslot of single spans, by DAHDI span number.
        public var signallingTimeslots: [Int: Int]
        /// The ports of analog cards, by the DAHDI span number of the card.
        public var ports: [Int: [AnalogPort]]

        public init(line: LineType? = nil, lines: [Int: LineType] = [:], zone: String? = nil,
                    carries: [Int: Carriage] = [:], signallingTimeslots: [Int: Int] = [:],
                    ports: [Int: [AnalogPort]] = [:]) {
            self.line = line
            self.lines = lines
            self.zone = zone
            self.carries = carries
            self.signallingTimeslots = signallingTimeslots
            self.ports = ports
        }
    }

    /// The profile with the operator's overrides, validated again.
    ///
    /// Changing a span's line type resets what depends on it (framing, coding, CRC-4, signalling
    /// timeslot) to the new line's defaults; changing what a span carries resets its timeslot.
    /// Channel numbers follow: four T1 spans take channels 1-96 where four E1 spans took 1-124.
    public func applying(_ overrides: Overrides) throws(HardwareProfileError) -> HardwareProfile {
        var result = self
        let placed = spans
        func fail(_ message: String) -> HardwareProfileError {
            HardwareProfileError(file: file, message: "override: \(message)")
        }
        func digital(_ number: Int, _ what: String) throws(HardwareProfileError) -> Span {
            guard let span = placed.first(where: { $0.number == number }) else {
                throw fail("\(what) for span \(number): profile '\(name)' has spans \(placed.map { String($0.number) }.joined(separator: ", "))")
            }
            guard case .digital = span.content else { throw fail("\(what) for span \(number): it is an analog card") }
            return span
        }
        func edit(_ span: Span, _ change: (inout DigitalSpan) -> Void) {
            guard case var .digital(list) = result.cards[span.cardIndex].content else { return }
            change(&list[span.indexInCard])
            result.cards[span.cardIndex].content = .digital(list)
            result.marks = result.marks.filter { !$0.key.hasPrefix("cards[\(span.cardIndex)].spans[\(span.indexInCard)].") }
        }
        for number in overrides.lines.keys { _ = try digital(number, "line") }
        for number in overrides.carries.keys { _ = try digital(number, "carries") }
        for number in overrides.signallingTimeslots.keys { _ = try digital(number, "timeslot") }
        for span in placed {
            guard case let .digital(old) = span.content else { continue }
            if let line = overrides.lines[span.number] ?? overrides.line, line != old.line {
                edit(span) { $0 = DigitalSpan(line: line, carries: $0.carries, timing: $0.timing, lbo: $0.lbo) }
            }
            if let carries = overrides.carries[span.number], carries != old.carries {
                edit(span) { $0.carries = carries; $0.signallingTimeslot = nil }
            }
            if let slot = overrides.signallingTimeslots[span.number] {
                edit(span) { $0.signallingTimeslot = slot }
            }
        }
        for (number, ports) in overrides.ports {
            guard let span = placed.first(where: { $0.number == number }), case let .analog(old) = span.content else {
                throw fail("ports for span \(number): profile '\(name)' has no analog card at span \(number)")
            }
            guard ports.count == old.count else {
                throw fail("ports for span \(number): the card has \(old.count) slots, the override lists \(ports.count)")
            }
            result.cards[span.cardIndex].content = .analog(ports)
        }
        if let zone = overrides.zone {
            result.zone = zone
            result.marks["zone"] = nil
        }
        do {
            try result.validate()
        } catch {
            throw HardwareProfileError(file: error.file, line: error.line, column: error.column,
                                       message: "with the overrides: \(error.message)")
        }
        return result
    }
}
