@testable import CallCenter
import Testing

@Suite("IVR flows: reading and checking")
struct IVRFlowTests {
    static let good = """
    flows:
      - name: bank
        language: zh
        start: welcome
        nodes:
          welcome: { play: [welcome], next: main }
          main:
            menu: [menu-main]
            choices: { "1": account, "2": agent, "0": main }
            timeout_s: 4
            retries: 2
            invalid: [invalid]
            timeout: [timeout]
            on_fail: goodbye
          account: { collect: [enter-account], min: 4, max: 8, into: account, next: say, on_fail: goodbye }
          say: { say: [ { prompt: you-entered }, { digits: "{account}" }, { money: "12.50" } ], next: top }
          agent: { transfer: { station: desks }, prompts: [please-hold] }
          goodbye: { play: goodbye, next: bye }
          bye: { hangup: 16 }
    """

    static let prompts: Set<String> = ["zh/welcome", "zh/menu-main", "zh/invalid", "zh/timeout", "zh/enter-account",
                                       "zh/you-entered", "zh/please-hold", "zh/goodbye"]

    @Test("a good flow reads into its nodes and passes every check")
    func good() {
        let (flows, problems) = IVRFlowParser.parse(Self.good, file: "bank.yaml")
        #expect(problems.isEmpty, "\(problems)")
        let flow = try! #require(flows.first)
        #expect(flow.name == "bank" && flow.start == "welcome" && flow.nodes.count == 7)
        guard case let .menu(menu)? = flow.nodes["main"]?.action else { Issue.record("main is not a menu"); return }
        #expect(menu.choices == ["1": "account", "2": "agent", "0": "main"])
        #expect(menu.timeoutMilliseconds == 4000 && menu.retries == 2 && menu.onFail == "goodbye")
        #expect(flow.nodes["main"]?.line == 7)
        guard case let .collect(c)? = flow.nodes["account"]?.action else { Issue.record("account is not collect"); return }
        #expect(c.minimum == 4 && c.maximum == 8 && c.terminator == "#" && c.variable == "account")
        #expect(IVRFlowValidator.problems(flows, prompts: Self.prompts).isEmpty)
    }

    @Test("each kind of flow error is reported with its file and line", arguments: [
        ("welcome: { play: [welcome], next: nowhere }", "leads to nowhere, which does not exist", 6),
        ("welcome: { play: [welcom], next: main }", "plays welcom, which is not in sounds/zh", 6),
        ("welcome: { play: [welcome], next: main }\n      orphan: { play: [welcome], next: main }", "node orphan cannot be reached", 7),
        ("welcome: { play: [welcome], next: a }\n      a: { play: [welcome], next: welcome }", "loop without input", 6),
        ("welcome: { dance: [welcome], next: main }", "unknown node", 6),
        ("welcome: { play: [welcome], menu: [welcome], next: main }", "one node does one thing", 6),
        ("welcome: { play: [welcome] }", "needs next", 6),
        ("welcome: { hangup: 300 }", "Q.850 cause", 6),
        ("welcome: { collect: [welcome], min: 9, max: 2, into: x, next: main, on_fail: main }", "min 9 is more than max 2", 6),
        ("welcome: { voicemail: sales }", "needs next", 6),
        ("welcome: { voicemail: \"\", next: main }", "voicemail names a box", 6),
        ("welcome: { record: [welcome], greeting: [welcome], next: main }", "a record node's prompts are its own list", 6),
        ("welcome: { voicemail: sales, max_s: 9000, next: main }", "max_s must be a number of seconds", 6),
        ("welcome: { mailbox: sales, next: main, beep: true }", "unknown setting beep", 6),
        ("welcome: { voicemail: sales, greeting: [hello], next: main }", "plays hello, which is not in sounds/zh", 6),
        ("welcome: { fax: 101, on_error: main }", "fax is a mapping", 6),
        ("welcome: { fax: { to: \"{n}\" }, next: main, on_error: main }", "fax needs document", 6),
        ("welcome: { fax: { document: 101, copies: 2 }, on_error: main }", "unknown fax setting copies", 6),
        ("welcome: { fax: { document: 101 }, next: main, on_error: main }", "a fax sent on the call ends the flow", 6),
        ("welcome: { fax: { document: 101, to: \"{n}\" }, on_error: main }", "needs next", 6),
        ("welcome: { fax: { document: 101 } }", "needs on_error", 6),
        ("welcome: { fax: { document: 101 }, prompts: [fax-start], on_error: main }", "plays fax-start, which is not in sounds/zh", 6),
    ])
    func errors(_ replacement: String, _ message: String, _ line: Int) {
        let text = """
        flows:
          - name: broken
            language: zh
            start: welcome
            nodes:
              \(replacement)
              main: { menu: [welcome], choices: { "1": welcome }, on_fail: welcome }
        """
        let (flows, parsed) = IVRFlowParser.parse(text, file: "broken.yaml")
        let all = parsed + IVRFlowValidator.problems(flows, prompts: ["zh/welcome"])
        let found = all.first { $0.contains(message) }
        #expect(found != nil, "\(message) in \(all)")
        #expect(found?.hasPrefix("broken.yaml:\(line):") == true, "\(found ?? "") at line \(line)")
    }

    @Test("voicemail, record and mailbox nodes read with their defaults")
    func messageNodes() throws {
        let text = """
        flows:
          - name: vm
            language: en
            start: leave
            nodes:
              leave: { voicemail: "{called}", next: note }
              note: { record: [leave-message], beep: false, max_s: 30, into: note_id, next: box }
              box: { mailbox: sales, next: bye }
              bye: { hangup: 16 }
        """
        let (flows, problems) = IVRFlowParser.parse(text, file: "vm.yaml")
        #expect(problems.isEmpty, "\(problems)")
        let flow = try #require(flows.first)
        guard case let .message(vm)? = flow.nodes["leave"]?.action,
              case let .message(note)? = flow.nodes["note"]?.action,
              case let .mailbox(box, next)? = flow.nodes["box"]?.action else {
            Issue.record("nodes read as \(flow.nodes)")
            return
        }
        #expect(vm.box == "{called}" && vm.prompts == ["leave-message"] && vm.beep && vm.maxMilliseconds == 0)
        #expect(note.box == nil && !note.beep && note.maxMilliseconds == 30_000 && note.variable == "note_id")
        #expect(box == "sales" && next == "bye")
        let needed: Set<String> = ["en/leave-message", "en/no-new-messages", "en/mailbox-you-have", "en/mailbox-new-messages",
                                   "en/end-of-messages"]
        #expect(IVRFlowValidator.problems(flows, prompts: needed).isEmpty)
        #expect(IVRFlowValidator.problems(flows, prompts: needed.subtracting(["en/end-of-messages"]))
            .contains { $0.contains("end-of-messages") }, "the mailbox's own prompts are checked")
    }

    @Test("fax nodes read: on the call (ending the flow) or by a callback to a number")
    func faxNodes() throws {
        let text = """
        flows:
          - name: fod
            language: zh
            start: pick
            nodes:
              pick: { collect: [enter-document], min: 3, max: 3, into: doc, next: here, on_fail: bye }
              here: { fax: { document: "{doc}" }, prompts: [fax-start], on_error: later }
              later: { fax: { document: 101, to: "{caller}", into: job }, next: bye, on_error: bye }
              bye: { hangup: 16 }
        """
        let (flows, problems) = IVRFlowParser.parse(text, file: "fod.yaml")
        #expect(problems.isEmpty, "\(problems)")
        let flow = try #require(flows.first)
        guard case let .fax(here)? = flow.nodes["here"]?.action, case let .fax(later)? = flow.nodes["later"]?.action else {
            Issue.record("nodes read as \(flow.nodes)")
            return
        }
        #expect(here == IVRFax(document: "{doc}", to: nil, prompts: ["fax-start"], variable: nil, next: nil, onError: "later"))
        #expect(later == IVRFax(document: "101", to: "{caller}", prompts: [], variable: "job", next: "bye", onError: "bye"))
        #expect(IVRFlowValidator.problems(flows, prompts: ["zh/enter-document", "zh/fax-start"]).isEmpty)
    }

    @Test("text that is not a flows file is refused with a reason", arguments: ["", "flows: 3", "{", "flows: [ 1, 2 ]", "\u{0}"])
    func notFlows(_ text: String) {
        let (flows, problems) = IVRFlowParser.parse(text, file: "x.yaml")
        #expect(!problems.isEmpty || flows.isEmpty)
        #expect(problems.allSatisfy { $0.hasPrefix("x.yaml") })
    }
}

@Suite("Spoken numbers, amounts and dates")
struct SayPhrasesTests {
    func zh(_ n: Int) -> String {
        let words = ["numbers/0": "零", "numbers/1": "一", "numbers/2": "二", "numbers/3": "三", "numbers/4": "四",
                     "numbers/5": "五", "numbers/6": "六", "numbers/7": "七", "numbers/8": "八", "numbers/9": "九",
                     "numbers/10": "十", "numbers/hundred": "百", "numbers/thousand": "千", "numbers/wan": "万",
                     "numbers/yi": "亿", "numbers/liang": "两", "numbers/minus": "负"]
        return SayPhrases.number(n, language: "zh")!.map { words[$0] ?? "?" }.joined()
    }

    @Test("Mandarin numbers", arguments: [
        (0, "零"), (7, "七"), (10, "十"), (15, "十五"), (20, "二十"), (110, "一百一十"), (101, "一百零一"),
        (200, "两百"), (1001, "一千零一"), (2020, "两千零二十"), (10_000, "一万"), (10_005, "一万零五"),
        (20_000, "两万"), (123_456, "十二万三千四百五十六"), (100_000_000, "一亿"), (100_010_000, "一亿零一万"), (-3, "负三"),
    ])
    func mandarin(_ n: Int, _ text: String) {
        #expect(zh(n) == text)
    }

    @Test("English numbers")
    func english() {
        #expect(SayPhrases.number(0, language: "en") == ["numbers/0"])
        #expect(SayPhrases.number(115, language: "en") == ["numbers/1", "numbers/hundred", "numbers/15"])
        #expect(SayPhrases.number(2_045_300, language: "en") == ["numbers/2", "numbers/million", "numbers/40", "numbers/5",
                                                                 "numbers/thousand", "numbers/3", "numbers/hundred"])
        #expect(SayPhrases.number(1_000_000_000_000, language: "en") == nil)
    }

    @Test("amounts in yuan and in dollars")
    func money() {
        #expect(SayPhrases.money("12.05", language: "zh", currency: "CNY") ==
                ["numbers/10", "numbers/2", "money/yuan", "numbers/0", "numbers/5", "money/fen"])
        #expect(SayPhrases.money("300", language: "zh", currency: "CNY") == ["numbers/3", "numbers/hundred", "money/yuan", "money/zheng"])
        #expect(SayPhrases.money("0.5", language: "zh", currency: "CNY") == ["numbers/5", "money/jiao"])
        #expect(SayPhrases.money("1.01", language: "en", currency: "USD") ==
                ["numbers/1", "money/dollar", "money/and", "numbers/1", "money/cent"])
        for bad in ["abc", "1.234", "1..2", "--1", ""] {
            #expect(SayPhrases.money(bad, language: "zh", currency: "CNY") == nil, "\(bad)")
        }
    }

    @Test("digits, dates and times")
    func datesAndTimes() {
        #expect(SayPhrases.digits("12*#") == ["digits/1", "digits/2", "digits/star", "digits/pound"])
        #expect(SayPhrases.digits("12a") == nil)
        #expect(SayPhrases.date("2026-12-06", language: "zh") ==
                ["numbers/2", "numbers/0", "numbers/2", "numbers/6", "time/year", "numbers/10", "numbers/2", "time/month",
                 "numbers/6", "time/hao"])
        #expect(SayPhrases.date("2026-12-06", language: "en")?.prefix(2) == ["months/12", "ordinals/6"])
        #expect(SayPhrases.date("2026-13-01", language: "en") == nil)
        #expect(SayPhrases.time("14:30", language: "zh") == ["time/pm", "numbers/2", "time/oclock", "numbers/3", "numbers/10", "time/minute"])
        #expect(SayPhrases.time("09:00", language: "en") == ["numbers/9", "time/oclock", "time/am"])
        #expect(SayPhrases.time("25:00", language: "en") == nil)
    }

    @Test("every fragment the phrases use is in the committed catalogue")
    func fragmentsExist() throws {
        let catalogue = try String(contentsOfFile: #filePath.replacingOccurrences(of: "Tests/CallCenterTests/IVRFlowTests.swift",
                                                                                   with: "sounds/prompts.txt"), encoding: .utf8)
        let names = Set(catalogue.split(separator: "\n").compactMap { line -> String? in
            guard !line.hasPrefix("#"), let name = line.split(separator: "|").first else { return nil }
            return name.trimmingCharacters(in: .whitespaces)
        })
        var used: Set<String> = []
        for n in [0, 7, 15, 20, 110, 2000, 12_345, 100_010_000, -4] {
            used.formUnion(SayPhrases.number(n, language: "zh") ?? [])
            used.formUnion(SayPhrases.number(n, language: "en") ?? [])
        }
        for m in ["12.05", "1.01", "3.5"] {
            for (l, c) in [("zh", "CNY"), ("en", "USD"), ("en", "CNY"), ("zh", "USD")] { used.formUnion(SayPhrases.money(m, language: l, currency: c) ?? []) }
        }
        used.formUnion(SayPhrases.date("2026-12-31", language: "zh")! + SayPhrases.date("2026-12-31", language: "en")!)
        used.formUnion(SayPhrases.time("14:05", language: "zh")! + SayPhrases.time("14:05", language: "en")! + SayPhrases.digits("0*#")!)
        #expect(used.subtracting(names).isEmpty, "missing from sounds/prompts.txt: \(used.subtracting(names).sorted())")
    }
}
