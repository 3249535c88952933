import CDAHDI

extension HardwareProfile {
    /// Check what the YAML types alone cannot: values that fit their span's line type, timeslots
    /// inside the span, a tone zone libtonezone knows, and span and channel numbers that do not
    /// overlap and rise together as DAHDI numbers them.
    public func validate() throws(HardwareProfileError) {
        guard Self.isPresetName(name) else {
            throw fail("name", "name '\(name)' must be lowercase letters, digits and '-'")
        }
        guard Self.isKnownZone(zone) else {
            throw fail("zone", "zone '\(zone)' is not a libtonezone tone zone (e.g. cn, us, uk, de)")
        }
        guard !cards.isEmpty else { throw fail("cards", "the profile has no cards") }
        var cardNames = Set<String>()
        for (c, card) in cards.enumerated() {
            let at = "cards[\(c)]"
            guard !card.name.isEmpty else { throw fail(at, "card \(c + 1) has an empty name") }
            guard cardNames.insert(card.name).inserted else { throw fail(at, "card '\(card.name)' is defined twice") }
            if let first = card.firstSpan, first < 1 {
                throw fail(at + ".first_span", "card '\(card.name)': first_span \(first) must be 1 or more")
            }
            if let first = card.firstChannel, first < 1 {
                throw fail(at + ".first_channel", "card '\(card.name)': first_channel \(first) must be 1 or more")
            }
            switch card.content {
            case let .digital(list):
                guard !list.isEmpty else { throw fail(at + ".spans", "card '\(card.name)' has an empty spans list") }
                for (i, span) in list.enumerated() {
                    try validate(span, at: "\(at).spans[\(i)]", named: "card '\(card.name)' span \(i + 1)")
                }
            case let .analog(ports):
                guard !ports.isEmpty else { throw fail(at + ".ports", "card '\(card.name)' has an empty ports list") }
                guard ports.count <= 64 else {
                    throw fail(at + ".ports", "card '\(card.name)' has \(ports.count) ports; at most 64")
                }
            }
        }
        try validateNumbering()
    }

    private func validate(_ span: DigitalSpan, at path: String, named: String) throws(HardwareProfileError) {
        let line = span.line.rawValue
        if let framing = span.framing, !span.line.framings.contains(framing) {
            throw fail(path + ".framing", "\(named): framing '\(framing.rawValue)' is not valid for \(line) "
                + "(\(span.line.framings.map(\.rawValue).joined(separator: ", ")))")
        }
        if let coding = span.coding, !span.line.codings.contains(coding) {
            throw fail(path + ".coding", "\(named): coding '\(coding.rawValue)' is not valid for \(line) "
                + "(\(span.line.codings.map(\.rawValue).joined(separator: ", ")))")
        }
        if span.crc4 == true, span.line == .t1 {
            throw fail(path + ".crc4", "\(named): crc4 is an E1 option; a T1 span cannot have it")
        }
        guard (0...255).contains(span.timing) else {
            throw fail(path + ".timing", "\(named): timing \(span.timing) is outside 0-255 (0: never a clock source)")
        }
        guard (0...7).contains(span.lbo) else {
            throw fail(path + ".lbo", "\(named): lbo \(span.lbo) is outside 0-7")
        }
        if let slot = span.signallingTimeslot {
            guard span.carries != .clear else {
                throw fail(path + ".dchannel", "\(named): dchannel \(slot) on a clear span; only pri and ss7 spans have one")
            }
            guard (1...span.line.timeslots).contains(slot) else {
                throw fail(path + ".dchannel", "\(named): dchannel \(slot) is not a timeslot of an \(line) span "
                    + "(1-\(span.line.timeslots))")
            }
        }
    }

    /// Span numbers unique, channel ranges disjoint, and both in the same order (DAHDI numbers the
    /// channels of span N after those of span N-1).
    private func validateNumbering() throws(HardwareProfileError) {
        let placed = spans
        for (i, a) in placed.enumerated() {
            for b in placed[..<i] {
                let at = "cards[\(a.cardIndex)]"
                if a.number == b.number {
                    throw fail(at + ".first_span", "span \(a.number) of card '\(a.card)' is also span \(b.number) of card '\(b.card)'")
                }
                if a.channels.overlaps(b.channels) {
                    throw fail(at + ".first_channel", "channels \(Self.rangeText(a.channels)) of span \(a.number) (card '\(a.card)') "
                        + "overlap channels \(Self.rangeText(b.channels)) of span \(b.number) (card '\(b.card)')")
                }
                if (a.number < b.number) != (a.channels.lowerBound < b.channels.lowerBound) {
                    throw fail(at + ".first_channel", "span \(a.number) (channels \(Self.rangeText(a.channels))) and span "
                        + "\(b.number) (channels \(Self.rangeText(b.channels))) are out of order; DAHDI numbers "
                        + "channels in span order")
                }
            }
        }
    }

    /// An error pointing at the YAML node recorded for `path` (or its nearest recorded parent).
    func fail(_ path: String, _ message: String) -> HardwareProfileError {
        var key = path
        while marks[key] == nil, let cut = key.lastIndex(where: { $0 == "." || $0 == "[" }) {
            key = String(key[..<cut])
        }
        let mark = marks[key]
        return HardwareProfileError(file: file, line: mark?.line, column: mark?.column, message: message)
    }

    static func rangeText(_ range: ClosedRange<Int>) -> String {
        range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
    }

    static func isPresetName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.first != "-"
            && name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }

    /// Whether libtonezone has the zone (the name `loadzone=` takes, e.g. "cn", "us").
    static func isKnownZone(_ zone: String) -> Bool {
        guard !zone.isEmpty, zone.utf8.count < 16, zone.allSatisfy({ $0.isASCII && ($0.isLowercase || $0 == "-") }) else {
            return false
        }
        return cdahdi_zone_number(zone) >= 0
    }
}
