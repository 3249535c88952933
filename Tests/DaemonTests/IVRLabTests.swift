import Foundation
import LabTestSupport
import Testing

/// The IVR in `pstnd`, called by `pstn-sim` over an emulated E1: what the caller hears is
/// identified by correlation with the prompt files, and the engine's step log says what it did.
@Suite("IVR flows between pstn-sim and pstnd", .lab)
struct IVRLabTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let sounds = root + "/sounds"

    static let flows = """
    flows:
      - name: walk
        language: zh
        start: welcome
        nodes:
          welcome: { play: [welcome], next: main }
          main:
            menu: [menu-main]
            choices: { "1": account, "2": bye }
            timeout_s: 6
            retries: 2
            invalid: [invalid]
            timeout: [timeout]
            on_fail: bye
          account:
            menu: [menu-account]
            choices: { "1": enter-account, "*": top }
            timeout_s: 6
            retries: 2
            on_fail: bye
          enter-account:
            collect: [enter-account]
            min: 4
            max: 12
            timeout_s: 8
            into: account
            next: read-back
            on_fail: bye
          read-back:
            say: [ { prompt: you-entered }, { digits: "{account}" }, { prompt: balance-is }, { money: "1234.56" } ]
            next: bye
          bye: { play: [goodbye], next: end }
          end: { hangup: 16 }
      - name: retries
        language: en
        start: main
        nodes:
          main:
            menu: [digits/1]
            choices: { "1": bye }
            timeout_s: 2
            retries: 3
            invalid: [invalid]
            timeout: [timeout]
            on_fail: too-many
          too-many: { play: [too-many-tries], next: bye }
          bye: { play: [goodbye], next: end }
          end: { hangup: 16 }
    """

    static func engine(lab: LabInstance, flows: String = flows, routes: String = "") throws -> String {
        let flowFile = lab.directory + "/flows.yaml"
        try flows.write(toFile: flowFile, atomically: true, encoding: .utf8)
        return """
        dahdi: DAHDI
        events: EVENTS
        control: { socket: SOCKET }
        ivr: { sounds: \(sounds), flows: [\(flowFile)] }
        trunks:
          - { name: e1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn, line: E1 }
        routes:
        \(routes.isEmpty ? "  - { called: \"95588\", to: { app: ivr, arg: walk } }\n  - { called: \"95566\", to: { app: ivr, arg: retries } }" : routes)
          - { called: "*", to: { reject: 1 } }
        """
    }

    static let carrier = """
    dahdi: DAHDI
    link_wait_s: 3
    trunks:
      - { name: e1, type: pri, dchannel: 47, bchannels: "32-46,48-62", side: network, switch: euroisdn, line: E1 }
    """

    func prompt(_ language: String, _ name: String) -> [Int16] {
        PromptMatcher.samples("\(Self.sounds)/\(language)/\(name).wav")
    }

    func steps(_ engine: EngineProcess) -> [(node: String, input: String?)] {
        engine.events().filter { $0["event"] as? String == "ivr-step" }.map { ($0["node"] as? String ?? "", $0["input"] as? String) }
    }

    @Test("a caller walks three levels by DTMF: each prompt heard is the one the flow plays, and the digits are read back")
    func walk() throws {
        let lab = try LabInstance(lab: ControlLabTests.lab)
        let engine = try EngineProcess(lab: lab, config: try Self.engine(lab: lab))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let r = lab.directory + "/heard"
        let run = try SimulatorRun.run(lab: lab, scenario: Self.carrier + """

        calls:
          - name: walk
            trunk: e1
            calling: "13800138000"
            called: "95588"
            steps:
              - { wait_answer: 20 }
              - { listen: 2.5, record: \(r)-1.wav }
              - { wait: 1.5 }
              - { listen: 3, record: \(r)-2.wav }
              - { send_dtmf: "1" }
              - { listen: 3, record: \(r)-3.wav }
              - { send_dtmf: "1" }
              - { listen: 3, record: \(r)-4.wav }
              - { send_dtmf: "4321#" }
              - { listen: 8, record: \(r)-5.wav }
              - { wait_release: 60 }
        """, timeout: 180)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "\(run.output)\n\(engine.log)")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        let candidates = Dictionary(uniqueKeysWithValues: ["welcome", "menu-main", "menu-account", "enter-account", "you-entered",
                                                           "goodbye", "invalid", "timeout"].map { ($0, prompt("zh", $0)) })
        for (i, expected) in ["welcome", "menu-main", "menu-account", "enter-account", "you-entered"].enumerated() {
            let heard = PromptMatcher.samples("\(r)-\(i + 1).wav")
            let found = try #require(PromptMatcher.identify(heard, among: candidates), "recording \(i + 1) is empty")
            #expect(found.name == expected, "recording \(i + 1): heard \(found.name) \(found.match), expected \(expected)")
            #expect(found.match.correlation > 0.8, "recording \(i + 1): \(found.name) \(found.match)")
        }
        let walked = steps(engine)
        #expect(walked.contains { $0.node == "main" && $0.input == "1" }, "\(walked)")
        #expect(walked.contains { $0.node == "account" && $0.input == "1" }, "\(walked)")
        #expect(walked.contains { $0.node == "enter-account" && $0.input == "4321" }, "\(walked)")
        #expect(call["cause"] as? Int == 16, "the flow hung up with cause 16: \(call)")
    }

    @Test("an invalid key, then silence, then the retry limit: the caller hears invalid, timeout and too-many-tries, then goodbye")
    func timeoutsAndRetries() throws {
        let lab = try LabInstance(lab: ControlLabTests.lab)
        let engine = try EngineProcess(lab: lab, config: try Self.engine(lab: lab))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let recording = lab.directory + "/retries.wav"
        let run = try SimulatorRun.run(lab: lab, scenario: Self.carrier + """

        calls:
          - name: retries
            trunk: e1
            called: "95566"
            steps:
              - { wait_answer: 20 }
              - { send_dtmf: "9" }
              - { listen: 40, record: \(recording) }
              - { wait_release: 30 }
        """, timeout: 180)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "\(run.output)\n\(engine.log)")
        #expect(call["cause"] as? Int == 16, "\(call)")
        let heard = PromptMatcher.samples(recording)
        var last = -1
        for name in ["invalid", "timeout", "too-many-tries", "goodbye"] {
            let m = try #require(PromptMatcher.find(prompt("en", name), in: heard), "\(name)")
            #expect(m.correlation > 0.8, "\(name) heard: \(m)")
            #expect(m.offset > last, "\(name) comes after the one before: \(m)")
            last = m.offset
        }
        let inputs = steps(engine).filter { $0.node == "main" }.compactMap(\.input)
        #expect(inputs == ["invalid 9", "timeout", "timeout", "retries exhausted"], "\(inputs)")
    }

    @Test("pstnd --check names each kind of flow error with its file and line; the demo's flows pass")
    func checkFlows() throws {
        let directory = NSTemporaryDirectory() + "pstn-flows-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let broken = """
        flows:
          - name: broken
            language: zh
            start: welcome
            nodes:
              welcome: { play: [welcom], next: main }
              main: { menu: [menu-main], choices: { "1": nowhere }, on_fail: spin }
              spin: { play: [goodbye], next: spin2 }
              spin2: { play: [goodbye], next: spin }
              orphan: { hangup: 16 }
              odd: { dance: [welcome] }
        """
        try broken.write(toFile: directory + "/broken.yaml", atomically: true, encoding: .utf8)
        func config(_ flows: String) -> String {
            """
            trunks: []
            ivr: { sounds: \(Self.sounds), flows: [\(flows)] }
            routes:
              - { called: "1", to: { app: ivr, arg: broken } }
            """
        }
        try config(directory + "/broken.yaml").write(toFile: directory + "/pstnd.yaml", atomically: true, encoding: .utf8)
        let checked = LabInstance.run(try LabInstance.executable("pstnd"), ["--check", "--config", directory + "/pstnd.yaml"])
        #expect(checked.status != 0)
        let file = directory + "/broken.yaml"
        for (line, fragment) in [(6, "plays welcom"), (7, "leads to nowhere"), (8, "loop without input"),
                                 (10, "orphan cannot be reached"), (11, "unknown node")] {
            #expect(checked.output.contains("\(file):\(line):") && checked.output.contains(fragment),
                    "\(fragment) at line \(line): \(checked.output)")
        }
        let demo = Self.root + "/labs/flows/demo-bank.yaml"
        try """
        trunks: []
        ivr: { sounds: \(Self.sounds), flows: [\(demo)] }
        routes:
          - { called: "95588", to: { app: ivr, arg: bank-zh } }
          - { called: "95566", to: { app: ivr, arg: bank-en } }
        """.write(toFile: directory + "/demo.yaml", atomically: true, encoding: .utf8)
        let demoCheck = LabInstance.run(try LabInstance.executable("pstnd"), ["--check", "--config", directory + "/demo.yaml"])
        #expect(demoCheck.status == 0, "\(demoCheck.output)")
    }

    @Test("a collected account number is looked up over HTTP and the balance is said in Mandarin and in English; a failed lookup is told")
    func lookup() throws {
        let lab = try LabInstance(lab: ControlLabTests.lab)
        // A bank's balance service: account 1234 has a balance, any other is not found (404).
        let service = try LoopbackHTTPService(directory: lab.directory, answers: [
            "/balance?account=1234": #"{"balance": "1234.56", "owner": {"name": "Li"}}"#,
        ])
        func flow(_ name: String, _ language: String) -> String {
            """
              - name: \(name)
                language: \(language)
                start: account
                nodes:
                  account: { collect: [enter-account], min: 4, max: 8, timeout_s: 8, into: account, next: lookup, on_fail: bye }
                  lookup:
                    http: { url: "http://127.0.0.1:\(service.port)/balance?account={account}", timeout_s: 3 }
                    into: result
                    next: say
                    on_error: sorry
                  say: { say: [ { prompt: balance-is }, { money: "{result.balance}" } ], next: bye }
                  sorry: { play: [account-not-found], next: bye }
                  bye: { hangup: 16 }
            """
        }
        let flows = "flows:\n" + flow("lookup-zh", "zh") + "\n" + flow("lookup-en", "en")
        let engine = try EngineProcess(lab: lab, config: try Self.engine(lab: lab, flows: flows, routes: """
          - { called: "95501", to: { app: ivr, arg: lookup-zh } }
          - { called: "95502", to: { app: ivr, arg: lookup-en } }
        """))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let r = lab.directory + "/lookup"
        func call(_ name: String, _ called: String, _ account: String, at: Double) -> String {
            """
              - name: \(name)
                trunk: e1
                called: "\(called)"
                at_s: \(at)
                steps: [ { wait_answer: 20 }, { wait: 1 }, { send_dtmf: "\(account)#" }, { listen: 12, record: \(r)-\(name).wav }, { wait_release: 20 } ]
            """
        }
        let run = try SimulatorRun.run(lab: lab, scenario: Self.carrier + "\ncalls:\n" + call("zh", "95501", "1234", at: 0) + "\n"
                                       + call("en", "95502", "1234", at: 0) + "\n" + call("unknown", "95501", "9999", at: 0), timeout: 180)
        let calls = try #require(run.report?["calls"] as? [[String: Any]], "\(run.output)")
        #expect(calls.count == 3 && calls.allSatisfy { $0["answeredAt"] != nil }, "\(calls)")
        for (name, language, currencyWord) in [("zh", "zh", "money/yuan"), ("en", "en", "money/dollars")] {
            let heard = PromptMatcher.samples("\(r)-\(name).wav")
            let intro = try #require(PromptMatcher.find(prompt(language, "balance-is"), in: heard), "\(name)")
            #expect(intro.correlation > 0.8, "\(name): balance-is \(intro)")
            let unit = try #require(PromptMatcher.find(prompt(language, currencyWord), in: heard), "\(name)")
            #expect(unit.correlation > 0.8 && unit.offset > intro.offset, "\(name): \(currencyWord) after balance-is: \(unit)")
        }
        let refused = PromptMatcher.samples("\(r)-unknown.wav")
        let told = try #require(PromptMatcher.find(prompt("zh", "account-not-found"), in: refused))
        #expect(told.correlation > 0.8, "the unknown account is told: \(told)")
        let lookups = steps(engine).filter { $0.node == "lookup" }.compactMap(\.input)
        #expect(lookups.filter { $0 == "ok" }.count == 2 && lookups.contains { $0.hasPrefix("error") }, "\(lookups)")
        _ = service
    }
}
