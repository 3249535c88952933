import Yams

extension HardwareProfile {
    /// Parse and validate a profile's YAML text. Unknown keys, values of the wrong type and
    /// unknown names are refused with the line and column of the offending node.
    public static func parse(_ text: String, file: String = "<profile>") throws(HardwareProfileError) -> HardwareProfile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ProfileReader.error(from: error, file: file)
        } catch {
            throw HardwareProfileError(file: file, message: "YAML: \(error)")
        }
        guard let root else { throw HardwareProfileError(file: file, message: "the profile is empty") }
        var reader = ProfileReader(file: file)
        var profile = try reader.profile(root)
        profile.marks = reader.marks
        try profile.validate()
        return profile
    }
}

/// Walks the composed YAML nodes, so that every error can say where it is.
struct ProfileReader {
    let file: String
    /// Where each key's value is, by path, for the validation that follows.
    var marks: [String: Mark] = [:]

    static let profileKeys = ["name", "description", "zone", "cards"]
    static let cardKeys = ["name", "model", "line", "first_span", "first_channel", "spans", "ports"]
    static let spanKeys = ["carries", "line", "framing", "coding", "crc4", "timing", "lbo", "dchannel"]

    mutating func profile(_ root: Node) throws(HardwareProfileError) -> HardwareProfile {
        let top = try fields(root, "the profile", allowed: Self.profileKeys, path: "")
        let name = try string(try required(top, "name", root, "the profile"), "name")
        let summary = try top["description"].map { (n: Node) throws(HardwareProfileError) in try string(n, "description") } ?? name
        let zone = try string(try required(top, "zone", root, "the profile"), "zone")
        let cardsNode = try required(top, "cards", root, "the profile")
        guard case let .sequence(list) = cardsNode else { throw error(cardsNode, "cards: expected a list of cards") }
        var cards: [HardwareProfile.Card] = []
        for (c, node) in list.enumerated() {
            cards.append(try card(node, index: c, profileName: name, only: list.count == 1))
        }
        return HardwareProfile(name: name, summary: summary, zone: zone, cards: cards, file: file)
    }

    mutating func card(_ node: Node, index c: Int, profileName: String, only: Bool) throws(HardwareProfileError) -> HardwareProfile.Card {
        let path = "cards[\(c)]"
        let what = "card \(c + 1)"
        let f = try fields(node, what, allowed: Self.cardKeys, path: path)
        let name = try f["name"].map { (n: Node) throws(HardwareProfileError) in try string(n, "\(what): name") }
            ?? (only ? profileName : "\(profileName)-\(c + 1)")
        let label = "card '\(name)'"
        let model = try f["model"].map { (n: Node) throws(HardwareProfileError) in try string(n, "\(label): model") }
        let firstSpan = try f["first_span"].map { (n: Node) throws(HardwareProfileError) in try int(n, "\(label): first_span") }
        let firstChannel = try f["first_channel"].map { (n: Node) throws(HardwareProfileError) in try int(n, "\(label): first_channel") }
        let line = try f["line"].map { (n: Node) throws(HardwareProfileError) in
            try choice(n, "\(label): line", HardwareProfile.LineType.self, caseInsensitive: true)
        }
        switch (f["spans"], f["ports"]) {
        case let (spansNode?, nil):
            guard case let .sequence(list) = spansNode else { throw error(spansNode, "\(label): spans: expected a list of spans") }
            var spans: [HardwareProfile.DigitalSpan] = []
            for (i, spanNode) in list.enumerated() {
                spans.append(try span(spanNode, path: "\(path).spans[\(i)]", what: "\(label) span \(i + 1)",
                                      cardLine: line, position: i + 1))
            }
            return .init(name: name, model: model, firstSpan: firstSpan, firstChannel: firstChannel, content: .digital(spans))
        case let (nil, portsNode?):
            if let lineNode = f["line"] { throw error(lineNode, "\(label): line applies to digital spans, not analog ports") }
            guard case let .sequence(list) = portsNode else {
                throw error(portsNode, "\(label): ports: expected a list of fxs, fxo or empty")
            }
            var ports: [HardwareProfile.AnalogPort] = []
            for (i, portNode) in list.enumerated() {
                ports.append(try choice(portNode, "\(label) port \(i + 1)", HardwareProfile.AnalogPort.self, caseInsensitive: true))
            }
            return .init(name: name, model: model, firstSpan: firstSpan, firstChannel: firstChannel, content: .analog(ports))
        case (.some, .some):
            throw error(node, "\(label) has both spans and ports; a card is digital (spans) or analog (ports)")
        case (nil, nil):
            throw error(node, "\(label) has neither spans (digital) nor ports (analog)")
        }
    }

    mutating func span(_ node: Node, path: String, what: String, cardLine: HardwareProfile.LineType?,
                       position: Int) throws(HardwareProfileError) -> HardwareProfile.DigitalSpan {
        let f = try fields(node, what, allowed: Self.spanKeys, path: path)
        let line = try f["line"].map { (n: Node) throws(HardwareProfileError) in
            try choice(n, "\(what): line", HardwareProfile.LineType.self, caseInsensitive: true)
        } ?? cardLine
        guard let line else { throw error(node, "\(what): no line type (E1 or T1) on the span or its card") }
        let carries = try choice(try required(f, "carries", node, what), "\(what): carries", HardwareProfile.Carriage.self)
        var span = HardwareProfile.DigitalSpan(line: line, carries: carries, timing: position)
        if let n = f["framing"] { span.framing = try choice(n, "\(what): framing", HardwareProfile.Framing.self) }
        if let n = f["coding"] { span.coding = try choice(n, "\(what): coding", HardwareProfile.LineCoding.self) }
        if let n = f["crc4"] { span.crc4 = try bool(n, "\(what): crc4") }
        if let n = f["timing"] { span.timing = try int(n, "\(what): timing") }
        if let n = f["lbo"] { span.lbo = try int(n, "\(what): lbo") }
        if let n = f["dchannel"] { span.signallingTimeslot = try int(n, "\(what): dchannel") }
        return span
    }

    // MARK: Node access

    /// The keys of a mapping, refusing keys not in `allowed`; records each value's position.
    mutating func fields(_ node: Node, _ what: String, allowed: [String], path: String) throws(HardwareProfileError) -> [String: Node] {
        guard case let .mapping(mapping) = node else {
            throw error(node, "\(what): expected a mapping with keys \(allowed.joined(separator: ", "))")
        }
        if !path.isEmpty { marks[path] = node.mark }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard case let .scalar(scalar) = key else { throw error(key, "\(what): a key must be a plain name") }
            let name = scalar.string
            if name == "echocanceller" {
                throw error(key, "\(what): echocanceller: profiles attach no DAHDI echo canceller; "
                    + "the engine runs its own on every channel")
            }
            guard allowed.contains(name) else {
                throw error(key, "\(what): unknown key '\(name)' (expected \(allowed.joined(separator: ", ")))")
            }
            result[name] = value
            marks[path.isEmpty ? name : "\(path).\(name)"] = value.mark
        }
        return result
    }

    func required(_ f: [String: Node], _ key: String, _ parent: Node, _ what: String) throws(HardwareProfileError) -> Node {
        guard let node = f[key] else { throw error(parent, "\(what): missing '\(key)'") }
        return node
    }

    func scalar(_ node: Node, _ what: String, expected: String) throws(HardwareProfileError) -> Node.Scalar {
        switch node {
        case let .scalar(scalar): return scalar
        case .mapping: throw error(node, "\(what): expected \(expected), got a mapping")
        case .sequence: throw error(node, "\(what): expected \(expected), got a list")
        case .alias: throw error(node, "\(what): expected \(expected), got an alias (aliases are not supported)")
        }
    }

    func string(_ node: Node, _ what: String) throws(HardwareProfileError) -> String {
        let text = try scalar(node, what, expected: "a string").string
        guard !text.contains("\n") else { throw error(node, "\(what): expected one line of text") }
        return text
    }

    func int(_ node: Node, _ what: String) throws(HardwareProfileError) -> Int {
        let text = try scalar(node, what, expected: "an integer").string
        guard let value = Int(text) else { throw error(node, "\(what): expected an integer, got '\(text)'") }
        return value
    }

    func bool(_ node: Node, _ what: String) throws(HardwareProfileError) -> Bool {
        let text = try scalar(node, what, expected: "true or false").string
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(node, "\(what): expected true or false, got '\(text)'")
        }
    }

    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ what: String, _ type: T.Type,
                                                   caseInsensitive: Bool = false) throws(HardwareProfileError) -> T
    where T.RawValue == String {
        let names = T.allCases.map(\.rawValue)
        let text = try scalar(node, what, expected: "one of \(names.joined(separator: ", "))").string
        let found = T.allCases.first { caseInsensitive ? $0.rawValue.lowercased() == text.lowercased() : $0.rawValue == text }
        guard let found else {
            throw error(node, "\(what): unknown value '\(text)' (expected one of \(names.joined(separator: ", ")))")
        }
        return found
    }

    func error(_ node: Node, _ message: String) -> HardwareProfileError {
        HardwareProfileError(file: file, line: node.mark?.line, column: node.mark?.column, message: message)
    }

    static func error(from yaml: YamlError, file: String) -> HardwareProfileError {
        func located(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> HardwareProfileError {
            HardwareProfileError(file: file, line: mark.line, column: mark.column,
                                 message: "YAML: \(problem)\(context.map { " \($0.text)" } ?? "")")
        }
        switch yaml {
        case let .scanner(context, problem, mark, _): return located(mark, problem, context)
        case let .parser(context, problem, mark, _): return located(mark, problem, context)
        case let .composer(context, problem, mark, _): return located(mark, problem, context)
        case let .duplicatedKeysInMapping(duplicates, context):
            return HardwareProfileError(file: file, line: context.mark.line, column: context.mark.column,
                                        message: "YAML: duplicated key '\(duplicates.first ?? "")'")
        default:
            return HardwareProfileError(file: file, message: "YAML: \(yaml)")
        }
    }
}
