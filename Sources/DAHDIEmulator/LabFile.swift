import Foundation
import Yams

/// A problem in a lab file, with where it is when the YAML parser can tell.
public struct LabFileError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let line: Int?
    public let column: Int?
    public let message: String

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return "\(place): \(message)"
    }
}

/// The lab file as written: cards with spans or analog ports, and the cables between them.
///
/// ```yaml
/// cards:
///   - name: engine
///     spans:
///       - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16 }
///   - name: phones
///     ports: [fxo, fxo]
/// cables:
///   - { name: trunk1, a: engine/span1, b: carrier/span1 }
///   - name: line1
///     a: stations/port1
///     b: phones/port1
///     impairments: { echo: { model: 4, erl: 12, delay_ms: 2, at: a }, noise_dbm0: -60 }
/// ```
public struct LabDescription: Codable, Sendable, Equatable {
    public var cards: [Card]
    public var cables: [Cable]?

    public struct Card: Codable, Sendable, Equatable {
        public var name: String
        public var description: String?
        public var manufacturer: String?
        public var spans: [DigitalSpan]?
        public var ports: [AnalogPortKind]?
    }

    public struct DigitalSpan: Codable, Sendable, Equatable {
        public var type: LineType
        public var framing: String?
        public var coding: String?
        public var crc4: Bool?
        /// Timeslot carrying the D-channel (PRI) or the SS7 signalling link; none for clear/CAS spans.
        public var dchannel: Int?
        /// What the D timeslot speaks: `pri` (HDLC with FCS) or `ss7` (MTP2).
        public var signalling: String?
    }

    public enum LineType: String, Codable, Sendable, Equatable {
        case E1, T1
    }

    /// The kind of an analog port on the card: FXS ports feed phones, FXO ports face a central office.
    public enum AnalogPortKind: String, Codable, Sendable, Equatable {
        case fxs, fxo
    }

    public struct Cable: Codable, Sendable, Equatable {
        public var name: String
        public var a: String
        public var b: String
        public var impairments: Impairments?
    }

    public struct Impairments: Codable, Sendable, Equatable {
        public var echo: EchoPath?
        /// Gain applied from a to b and from b to a, in dB.
        public var gain_a_to_b_db: Double?
        public var gain_b_to_a_db: Double?
        /// White noise added in both directions, in dBm0.
        public var noise_dbm0: Double?
        /// Extra one-way delay, in ms, both directions: audio and D-channel/SS7 frames alike
        /// (a satellite hop).
        public var delay_ms: Int?
    }

    /// A G.168 Annex D echo path: what end `at` sends comes back to it through model `model`.
    public struct EchoPath: Codable, Sendable, Equatable {
        public var model: Int
        /// Echo return loss in dB (G.168 tests use 6 to 30 dB).
        public var erl: Double
        public var delay_ms: Int?
        /// "a" or "b": the end that hears its own echo.
        public var at: String?
    }
}

extension LabDescription {
    /// Parse and validate a lab file's text.
    public static func parse(_ text: String, file: String = "<lab>") throws(LabFileError) -> LabDescription {
        let lab: LabDescription
        do {
            lab = try YAMLDecoder().decode(LabDescription.self, from: text)
        } catch let error as YamlError {
            throw LabFileError.from(yaml: error, file: file)
        } catch let error as DecodingError {
            if case let .dataCorrupted(context) = error, let yaml = context.underlyingError as? YamlError {
                throw LabFileError.from(yaml: yaml, file: file)
            }
            throw LabFileError.from(decoding: error, file: file, text: text)
        } catch {
            throw LabFileError(file: file, line: nil, column: nil, message: "\(error)")
        }
        try lab.validate(file: file)
        return lab
    }

    /// Load a lab file from disk.
    public static func load(path: String) throws(LabFileError) -> LabDescription {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LabFileError(file: path, line: nil, column: nil, message: "cannot read the lab file: \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    func validate(file: String) throws(LabFileError) {
        func fail(_ message: String) -> LabFileError {
            LabFileError(file: file, line: nil, column: nil, message: message)
        }
        guard !cards.isEmpty else { throw fail("the lab has no cards") }
        var names = Set<String>()
        for card in cards {
            guard !card.name.isEmpty, !card.name.contains("/") else {
                throw fail("card name '\(card.name)' must be non-empty and have no '/'")
            }
            guard names.insert(card.name).inserted else { throw fail("card '\(card.name)' is defined twice") }
            let spans = card.spans ?? []
            let ports = card.ports ?? []
            guard spans.isEmpty != ports.isEmpty else {
                throw fail("card '\(card.name)' must have either spans (digital) or ports (analog)")
            }
            guard ports.count <= 64 else { throw fail("card '\(card.name)' has \(ports.count) ports; at most 64") }
            guard spans.count <= 16 else { throw fail("card '\(card.name)' has \(spans.count) spans; at most 16") }
            for (i, span) in spans.enumerated() {
                let where_ = "card '\(card.name)' span \(i + 1)"
                let slots = span.type == .E1 ? 31 : 24
                if let d = span.dchannel, !(1...slots).contains(d) {
                    throw fail("\(where_): dchannel \(d) is not a timeslot of a \(span.type.rawValue) (1-\(slots))")
                }
                if let s = span.signalling, !["pri", "ss7", "clear", "cas"].contains(s) {
                    throw fail("\(where_): signalling '\(s)' is not one of pri, ss7, clear, cas")
                }
                if let f = span.framing {
                    let valid = span.type == .E1 ? ["ccs", "cas"] : ["esf", "d4", "sf"]
                    guard valid.contains(f) else { throw fail("\(where_): framing '\(f)' is not valid for \(span.type.rawValue) (\(valid.joined(separator: ", ")))") }
                }
                if let c = span.coding {
                    let valid = span.type == .E1 ? ["hdb3", "ami"] : ["b8zs", "ami"]
                    guard valid.contains(c) else { throw fail("\(where_): coding '\(c)' is not valid for \(span.type.rawValue) (\(valid.joined(separator: ", ")))") }
                }
            }
        }
        var used = Set<String>()
        var cableNames = Set<String>()
        for cable in cables ?? [] {
            guard cableNames.insert(cable.name).inserted else { throw fail("cable '\(cable.name)' is defined twice") }
            let a = try endpoint(cable.a, cable: cable.name, file: file)
            let b = try endpoint(cable.b, cable: cable.name, file: file)
            guard used.insert(cable.a).inserted else { throw fail("cable '\(cable.name)': \(cable.a) already has a cable") }
            guard used.insert(cable.b).inserted else { throw fail("cable '\(cable.name)': \(cable.b) already has a cable") }
            switch (a, b) {
            case let (.span(ca, sa), .span(cb, sb)):
                let ta = cards.first { $0.name == ca }!.spans![sa - 1].type
                let tb = cards.first { $0.name == cb }!.spans![sb - 1].type
                guard ta == tb else { throw fail("cable '\(cable.name)' joins an \(ta.rawValue) span to a \(tb.rawValue) span") }
            case let (.port(ca, pa), .port(cb, pb)):
                let ka = cards.first { $0.name == ca }!.ports![pa - 1]
                let kb = cards.first { $0.name == cb }!.ports![pb - 1]
                guard ka != kb else { throw fail("cable '\(cable.name)' joins two \(ka.rawValue.uppercased()) ports; a line joins an FXS port to an FXO port") }
            default:
                throw fail("cable '\(cable.name)' joins a span to an analog port")
            }
            if let imp = cable.impairments {
                if let echo = imp.echo {
                    guard (2...9).contains(echo.model) else { throw fail("cable '\(cable.name)': echo model \(echo.model) is not a G.168 model (2-9)") }
                    guard echo.erl >= 0, echo.erl <= 60 else { throw fail("cable '\(cable.name)': echo erl \(echo.erl) dB is outside 0-60") }
                    if let at = echo.at, at != "a", at != "b" { throw fail("cable '\(cable.name)': echo 'at' must be a or b") }
                    if let d = echo.delay_ms, !(0...500).contains(d) { throw fail("cable '\(cable.name)': echo delay_ms \(d) is outside 0-500") }
                }
                if let d = imp.delay_ms, !(0...2000).contains(d) { throw fail("cable '\(cable.name)': delay_ms \(d) is outside 0-2000") }
                if let n = imp.noise_dbm0, n > 0 || n < -100 { throw fail("cable '\(cable.name)': noise_dbm0 \(n) is outside -100 to 0") }
                for g in [imp.gain_a_to_b_db, imp.gain_b_to_a_db].compactMap({ $0 }) where abs(g) > 40 {
                    throw fail("cable '\(cable.name)': gain \(g) dB is outside -40 to 40")
                }
            }
        }
    }

    /// One end of a cable: `CARD/spanN` or `CARD/portN`, both 1-based.
    public enum Endpoint: Equatable, Sendable {
        case span(card: String, index: Int)
        case port(card: String, index: Int)
    }

    func endpoint(_ text: String, cable: String, file: String) throws(LabFileError) -> Endpoint {
        func fail(_ message: String) -> LabFileError {
            LabFileError(file: file, line: nil, column: nil, message: "cable '\(cable)': \(message)")
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw fail("endpoint '\(text)' is not CARD/spanN or CARD/portN") }
        let cardName = String(parts[0])
        guard let card = cards.first(where: { $0.name == cardName }) else { throw fail("no card named '\(cardName)'") }
        let what = parts[1]
        if what.hasPrefix("span"), let n = Int(what.dropFirst(4)) {
            guard let spans = card.spans, (1...max(1, spans.count)).contains(n), n <= spans.count else {
                throw fail("card '\(cardName)' has no span \(n)")
            }
            return .span(card: cardName, index: n)
        }
        if what.hasPrefix("port"), let n = Int(what.dropFirst(4)) {
            guard let ports = card.ports, n >= 1, n <= ports.count else { throw fail("card '\(cardName)' has no port \(n)") }
            return .port(card: cardName, index: n)
        }
        throw fail("endpoint '\(text)' is not CARD/spanN or CARD/portN")
    }
}

extension LabFileError {
    static func from(yaml error: YamlError, file: String) -> LabFileError {
        switch error {
        case let .scanner(context, problem, mark, _):
            return LabFileError(file: file, line: mark.line, column: mark.column,
                                message: "YAML: \(problem)\(context.map { " \($0.text)" } ?? "")")
        case let .parser(context, problem, mark, _):
            return LabFileError(file: file, line: mark.line, column: mark.column,
                                message: "YAML: \(problem)\(context.map { " \($0.text)" } ?? "")")
        case let .composer(context, problem, mark, _):
            return LabFileError(file: file, line: mark.line, column: mark.column,
                                message: "YAML: \(problem)\(context.map { " \($0.text)" } ?? "")")
        default:
            return LabFileError(file: file, line: nil, column: nil, message: "YAML: \(error)")
        }
    }

    static func from(decoding error: DecodingError, file: String, text: String) -> LabFileError {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        let message: String
        switch error {
        case let .keyNotFound(key, context):
            message = "missing '\(key.stringValue)' at \(path(context).isEmpty ? "top level" : path(context))"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            message = "\(path(context)): \(context.debugDescription)"
        @unknown default:
            message = "\(error)"
        }
        return LabFileError(file: file, line: nil, column: nil, message: message)
    }
}
