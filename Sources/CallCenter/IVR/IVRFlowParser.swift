import Yams

/// Reads IVR flows from YAML. Every problem is reported with its file and line, and one broken
/// node does not hide the problems of the others.
///
/// ```yaml
/// flows:
///   - name: bank
///     language: zh
///     start: welcome
///     nodes:
///       welcome: { play: [welcome], next: main }
///       main:
///         menu: [menu-main]
///         choices: { "1": account, "2": agent }
///         timeout_s: 5
///         retries: 3
///         invalid: [invalid]
///         timeout: [timeout]
///         on_fail: goodbye
///       account: { collect: [enter-account], min: 4, max: 12, terminator: "#", into: account, next: say, on_fail: goodbye }
///       say: { say: [ { prompt: you-entered }, { digits: "{account}" } ], next: goodbye }
///       agent: { transfer: { station: desks }, prompts: [please-hold] }
///       goodbye: { play: [goodbye], next: bye }
///       bye: { hangup: 16 }
/// ```
public enum IVRFlowParser {
    static let kinds = ["play", "menu", "collect", "say", "set", "branch", "transfer", "http", "voicemail", "record", "mailbox", "survey",
                        "fax", "hangup", "goto"]

    /// The flows of one file, and every problem found reading them.
    public static func parse(_ text: String, file: String) -> (flows: [IVRFlow], problems: [String]) {
        var problems: [String] = []
        func problem(_ node: Node?, _ message: String) {
            problems.append("\(file):\(node?.mark?.line ?? 1): \(message)")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            return ([], ["\(file): not YAML: \(error)"])
        }
        guard let flowList = root?["flows"]?.sequence else {
            problem(root, "a flows file has a list 'flows'")
            return ([], problems)
        }
        var flows: [IVRFlow] = []
        for flowNode in flowList {
            guard flowNode.mapping != nil else {
                problem(flowNode, "a flow is a mapping with name, language, start and nodes")
                continue
            }
            let name = flowNode["name"]?.string ?? ""
            if name.isEmpty { problem(flowNode, "a flow needs a name") }
            let language = flowNode["language"]?.string ?? "zh"
            let currency = flowNode["currency"]?.string ?? (language == "zh" ? "CNY" : "USD")
            if !["CNY", "USD"].contains(currency) { problem(flowNode["currency"], "flow \(name): currency must be CNY or USD") }
            let start = flowNode["start"]?.string ?? ""
            if start.isEmpty { problem(flowNode, "flow \(name) needs a start node") }
            for key in flowNode.mapping?.keys.compactMap(\.string) ?? [] where !["name", "language", "currency", "start", "nodes"].contains(key) {
                problem(flowNode[key], "flow \(name): unknown setting \(key)")
            }
            var nodes: [String: IVRNode] = [:]
            if let mapping = flowNode["nodes"]?.mapping {
                for (keyNode, value) in mapping {
                    guard let nodeName = keyNode.string, !nodeName.isEmpty else {
                        problem(keyNode, "flow \(name): a node needs a name")
                        continue
                    }
                    if nodes[nodeName] != nil { problem(keyNode, "flow \(name): node \(nodeName) is defined twice") }
                    var reader = NodeReader(flow: name, node: nodeName, yaml: value, file: file)
                    if let action = reader.action() {
                        nodes[nodeName] = IVRNode(name: nodeName, action: action, line: keyNode.mark?.line ?? 1)
                    }
                    problems += reader.problems
                }
            } else {
                problem(flowNode, "flow \(name) needs nodes")
            }
            flows.append(IVRFlow(name: name, language: language, currency: currency, start: start, nodes: nodes,
                                 file: file, line: flowNode.mark?.line ?? 1))
        }
        return (flows, problems)
    }
}

/// Reads one node's mapping into its action, noting problems.
struct NodeReader {
    let flow: String
    let node: String
    let yaml: Node
    let file: String
    private(set) var problems: [String] = []

    init(flow: String, node: String, yaml: Node, file: String) {
        self.flow = flow
        self.node = node
        self.yaml = yaml
        self.file = file
    }

    private mutating func problem(_ at: Node?, _ message: String) {
        problems.append("\(file):\((at ?? yaml).mark?.line ?? 1): flow \(flow), node \(node): \(message)")
    }

    private mutating func string(_ key: String, required: Bool = true) -> String? {
        guard let value = yaml[key] else {
            if required { problem(yaml, "needs \(key)") }
            return nil
        }
        guard let s = value.string else {
            problem(value, "\(key) must be a name or text")
            return nil
        }
        return s
    }

    private mutating func int(_ key: String, default fallback: Int, in range: ClosedRange<Int>) -> Int {
        guard let value = yaml[key] else { return fallback }
        guard let n = value.int, range.contains(n) else {
            problem(value, "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return fallback
        }
        return n
    }

    private mutating func milliseconds(_ key: String, default fallback: Int) -> Int {
        guard let value = yaml[key] else { return fallback }
        guard let s = value.float ?? value.int.map(Double.init), s > 0, s <= 600 else {
            problem(value, "\(key) must be a number of seconds from 0 to 600")
            return fallback
        }
        return Int(s * 1000)
    }

    /// A prompt list: one name or a list of names.
    private mutating func prompts(_ key: String, required: Bool = false) -> [String] {
        guard let value = yaml[key] else {
            if required { problem(yaml, "needs \(key)") }
            return []
        }
        if let one = value.string { return [one] }
        guard let list = value.sequence else {
            problem(value, "\(key) must be a prompt name or a list of them")
            return []
        }
        var names: [String] = []
        for item in list {
            if let s = item.string { names.append(s) } else { problem(item, "\(key): a prompt is named by a string") }
        }
        return names
    }

    private mutating func allowOnly(_ keys: Set<String>) {
        for key in yaml.mapping?.keys.compactMap(\.string) ?? [] where !keys.contains(key) {
            problem(yaml[key], "unknown setting \(key) for this kind of node")
        }
    }

    mutating func action() -> IVRAction? {
        guard let mapping = yaml.mapping else {
            problem(yaml, "a node is a mapping, such as { play: [welcome], next: main }")
            return nil
        }
        let kinds = mapping.keys.compactMap(\.string).filter { IVRFlowParser.kinds.contains($0) }
        guard kinds.count == 1, let kind = kinds.first else {
            problem(yaml, kinds.isEmpty ? "unknown node: it needs one of \(IVRFlowParser.kinds.joined(separator: ", "))"
                                        : "one node does one thing, not \(kinds.joined(separator: " and "))")
            return nil
        }
        switch kind {
        case "play":
            allowOnly(["play", "barge_in", "next"])
            let list = prompts("play", required: true)
            let barge = yaml["barge_in"]?.bool ?? false
            return string("next").map { .play(prompts: list, bargeIn: barge, next: $0) }
        case "menu":
            allowOnly(["menu", "choices", "timeout_s", "retries", "invalid", "timeout", "on_fail"])
            var choices: [String: String] = [:]
            if let c = yaml["choices"]?.mapping {
                for (k, v) in c {
                    guard let key = k.string ?? k.int.map(String.init), key.count == 1, "0123456789*#".contains(key) else {
                        problem(k, "a choice is one key: 0-9, * or #")
                        continue
                    }
                    guard let target = v.string else {
                        problem(v, "choice \(key) must name a node")
                        continue
                    }
                    choices[key] = target
                }
            } else {
                problem(yaml, "a menu needs choices")
            }
            let m = IVRMenu(prompts: prompts("menu", required: true), choices: choices,
                            timeoutMilliseconds: milliseconds("timeout_s", default: 5000),
                            retries: int("retries", default: 3, in: 1...10),
                            invalidPrompts: prompts("invalid"), timeoutPrompts: prompts("timeout"),
                            onFail: string("on_fail") ?? "")
            return .menu(m)
        case "collect":
            allowOnly(["collect", "min", "max", "terminator", "timeout_s", "inter_digit_s", "into", "retries",
                       "invalid", "next", "on_fail"])
            let minimum = int("min", default: 1, in: 1...64)
            let maximum = int("max", default: 20, in: 1...64)
            if minimum > maximum { problem(yaml["min"], "min \(minimum) is more than max \(maximum)") }
            var terminator: Character? = "#"
            if let t = yaml["terminator"] {
                if t.string == "" || t.null != nil {
                    terminator = nil
                } else if let s = t.string, s.count == 1, "*#".contains(s) {
                    terminator = s.first
                } else {
                    problem(t, "terminator must be # or * (or empty for none)")
                }
            }
            let variable = string("into") ?? ""
            if !variable.isEmpty, !variable.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                problem(yaml["into"], "a variable name is letters, digits and _")
            }
            return .collect(IVRCollect(
                prompts: prompts("collect", required: true), minimum: minimum, maximum: maximum, terminator: terminator,
                firstDigitMilliseconds: milliseconds("timeout_s", default: 6000),
                interDigitMilliseconds: milliseconds("inter_digit_s", default: 4000), variable: variable,
                retries: int("retries", default: 3, in: 1...10), invalidPrompts: prompts("invalid"),
                next: string("next") ?? "", onFail: string("on_fail") ?? ""))
        case "say":
            allowOnly(["say", "next"])
            var items: [IVRSayItem] = []
            for item in yaml["say"]?.sequence ?? [] {
                guard let pair = item.mapping?.first, pair.key.string != nil, item.mapping?.count == 1,
                      let kindName = pair.key.string, let value = pair.value.string ?? pair.value.int.map(String.init) else {
                    problem(item, "a say item is one of { prompt: NAME }, { digits: X }, { number: X }, { money: X }, { date: X }, { time: X }")
                    continue
                }
                switch kindName {
                case "prompt": items.append(.prompt(value))
                case "digits": items.append(.digits(value))
                case "number": items.append(.number(value))
                case "money": items.append(.money(value))
                case "date": items.append(.date(value))
                case "time": items.append(.time(value))
                default: problem(item, "cannot say a \(kindName) (prompt, digits, number, money, date, time)")
                }
            }
            if yaml["say"]?.sequence == nil { problem(yaml["say"], "say takes a list") }
            return string("next").map { .say(items: items, next: $0) }
        case "set":
            allowOnly(["set", "next"])
            var values: [IVRAssignment] = []
            for (k, v) in yaml["set"]?.mapping ?? [:] {
                guard let name = k.string, let value = v.string ?? v.int.map(String.init) else {
                    problem(k, "set takes name: value pairs")
                    continue
                }
                values.append(IVRAssignment(name: name, value: value))
            }
            return string("next").map { .set(values: values, next: $0) }
        case "branch":
            allowOnly(["branch", "cases", "otherwise"])
            var cases: [String: String] = [:]
            for (k, v) in yaml["cases"]?.mapping ?? [:] {
                guard let key = k.string ?? k.int.map(String.init), let target = v.string else {
                    problem(k, "a case maps a value to a node")
                    continue
                }
                cases[key] = target
            }
            guard let variable = string("branch") else { return nil }
            return string("otherwise").map { .branch(variable: variable, cases: cases, otherwise: $0) }
        case "transfer":
            allowOnly(["transfer", "prompts"])
            let t = yaml["transfer"]
            let transfer = IVRTransfer(queue: t?["queue"]?.string, priority: t?["priority"]?.int ?? 0,
                                       station: t?["station"]?.string, trunkGroup: t?["trunk_group"]?.string,
                                       number: t?["number"]?.string ?? t?["number"]?.int.map(String.init), prompts: prompts("prompts"))
            if [transfer.queue, transfer.station, transfer.trunkGroup].compactMap({ $0 }).count != 1 {
                problem(t, "transfer names a queue, a station group, or a trunk group with a number")
            }
            if let p = t?["priority"], !(0...9).contains(p.int ?? -1) { problem(p, "priority is 0-9") }
            if transfer.trunkGroup != nil, transfer.number == nil { problem(t, "a transfer to a trunk group needs a number") }
            return .transfer(transfer)
        case "http":
            allowOnly(["http", "into", "next", "on_error"])
            let h = yaml["http"]
            let url = h?["url"]?.string ?? ""
            if !(url.hasPrefix("http://") || url.hasPrefix("https://")) { problem(h, "http needs a url starting with http:// or https://") }
            let method = (h?["method"]?.string ?? "GET").uppercased()
            if !["GET", "POST"].contains(method) { problem(h?["method"], "http method must be GET or POST") }
            var body: [String: String] = [:]
            for (k, v) in h?["body"]?.mapping ?? [:] {
                guard let key = k.string, let value = v.string else {
                    problem(k, "an http body is field: value pairs")
                    continue
                }
                body[key] = value
            }
            var timeout = 3000
            if let t = h?["timeout_s"] {
                if let s = t.float ?? t.int.map(Double.init), s > 0, s <= 60 { timeout = Int(s * 1000) } else {
                    problem(t, "timeout_s must be a number of seconds from 0 to 60")
                }
            }
            for key in h?.mapping?.keys.compactMap(\.string) ?? [] where !["url", "method", "body", "timeout_s"].contains(key) {
                problem(h?[key], "unknown http setting \(key)")
            }
            let variable = string("into") ?? ""
            guard let next = string("next"), let onError = string("on_error") else { return nil }
            return .http(IVRHTTPLookup(url: url, method: method, body: body, timeoutMilliseconds: timeout,
                                       variable: variable, next: next, onError: onError))
        case "voicemail", "record":
            allowOnly([kind, "greeting", "beep", "max_s", "silence_s", "into", "next"])
            let box: String?
            let greeting: [String]
            if kind == "voicemail" {
                box = string("voicemail")
                greeting = yaml["greeting"] == nil ? ["leave-message"] : prompts("greeting")
                if box?.isEmpty == true { problem(yaml["voicemail"], "voicemail names a box (a name or {variable})") }
            } else {
                box = nil
                greeting = prompts("record", required: true)
                if yaml["greeting"] != nil { problem(yaml["greeting"], "a record node's prompts are its own list") }
            }
            let maxMilliseconds = yaml["max_s"] == nil ? 0 : milliseconds("max_s", default: 120_000)
            var silence: Int?
            if let value = yaml["silence_s"] {
                if let s = value.float ?? value.int.map(Double.init), s >= 0, s <= 600 { silence = Int(s * 1000) } else {
                    problem(value, "silence_s must be a number of seconds from 0 (never) to 600")
                }
            }
            let variable = string("into", required: false)
            return string("next").map {
                .message(IVRMessage(box: box, prompts: greeting, beep: yaml["beep"]?.bool ?? true,
                                    maxMilliseconds: maxMilliseconds, silenceMilliseconds: silence, variable: variable, next: $0))
            }
        case "fax":
            allowOnly(["fax", "prompts", "next", "on_error"])
            let f = yaml["fax"]
            guard let settings = f?.mapping else {
                problem(f, "fax is a mapping: { document: NUMBER or {variable}, to: NUMBER or {variable} for a callback, into }")
                return nil
            }
            for key in settings.keys.compactMap(\.string) where !["document", "to", "into"].contains(key) {
                problem(f?[key], "unknown fax setting \(key)")
            }
            guard let document = f?["document"]?.string ?? f?["document"]?.int.map(String.init), !document.isEmpty else {
                problem(f, "fax needs document (a library number or {variable})")
                return nil
            }
            let to = f?["to"]?.string
            let onError = string("on_error")
            let next = string("next", required: to != nil)
            if to == nil, yaml["next"] != nil { problem(yaml["next"], "a fax sent on the call ends the flow: next is only for a callback (to)") }
            guard let onError else { return nil }
            return .fax(IVRFax(document: document, to: to, prompts: prompts("prompts"), variable: f?["into"]?.string,
                               next: next, onError: onError))
        case "survey":
            allowOnly(["survey", "next"])
            guard let score = string("survey") ?? yaml["survey"]?.int.map(String.init) else { return nil }
            return string("next").map { .survey(score: score, next: $0) }
        case "mailbox":
            allowOnly(["mailbox", "next"])
            guard let box = string("mailbox") else { return nil }
            return string("next").map { .mailbox(box: box, next: $0) }
        case "hangup":
            allowOnly(["hangup"])
            guard let cause = yaml["hangup"]?.int, (1...127).contains(cause) else {
                problem(yaml["hangup"], "hangup takes a Q.850 cause (16 is normal clearing)")
                return nil
            }
            return .hangup(cause: cause)
        default:
            allowOnly(["goto"])
            return string("goto").map { .goto($0) }
        }
    }
}
