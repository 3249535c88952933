import Control
import Foundation
import Glibc
import LabTestSupport
import Testing

/// Callers in the ACD's queues: returns to the head, VIPs, announcements, limits, the estimated
/// wait, the CRM's answer, the IVR's screen pop and the survey. The lab is `ACDLab`'s.
@Suite("ACD queues and callers between pstn-sim and pstnd", .lab)
struct ACDQueueLabTests {
    @Test("an unanswered agent's call goes back to the head of the queue; a VIP overtakes; positions are announced; each limit overflows")
    func queueBehaviour() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear", queueExtras: ", announce_every_s: 2.5"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001", "1002"])
        let heard = lab.directory + "/waiting.wav"
        let scenario = ACDLab.carrier(hangupAfter: 5, extra: "answer_by_trunk: { phone1: { } }") + """

        calls:
          - { name: first, trunk: e1, calling: "13800000001", called: "95501", at_s: 0,
              steps: [ { wait_answer: 10 }, { wait_release: 40 } ] }
          - { name: normal, trunk: e1, calling: "13800000002", called: "95501", at_s: 5,
              steps: [ { wait_answer: 10 }, { listen: 5, record: \(heard) }, { wait_release: 60 } ] }
          - { name: vip, trunk: e1, calling: "13800000003", called: "95509", at_s: 6,
              steps: [ { wait_answer: 10 }, { wait_release: 60 } ] }
          - { name: nobody, trunk: e1, calling: "13800000004", called: "95502", at_s: 1,
              steps: [ { wait_answer: 10 }, { wait_release: 10 } ] }
          - { name: too-long, trunk: e1, calling: "13800000005", called: "95503", at_s: 5,
              steps: [ { wait_answer: 10 }, { wait_release: 15 } ] }
          - { name: gives-up, trunk: e1, calling: "13800000006", called: "95504", at_s: 5,
              steps: [ { wait_answer: 10 }, { wait: 2 }, { hangup: 16 } ] }
          - { name: full, trunk: e1, calling: "13800000007", called: "95504", at_s: 5.8,
              steps: [ { wait_answer: 10 }, { wait_release: 10 } ] }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario, timeout: 120)
        let calls = Dictionary(uniqueKeysWithValues: try #require(run.report?["calls"] as? [[String: Any]], "\(run.output)")
            .map { ($0["name"] as? String ?? "", $0) })
        for name in ["first", "normal", "vip"] {
            #expect(calls[name]?["failure"] == nil && calls[name]?["cause"] as? Int == 16, "\(name): \(calls[name] ?? [:])\n\(engine.log)")
        }
        #expect(calls["nobody"]?["cause"] as? Int == 34, "no agent logged in for support: \(calls["nobody"] ?? [:])")
        #expect(calls["too-long"]?["cause"] as? Int == 17, "max wait in short: \(calls["too-long"] ?? [:])")
        #expect(calls["full"]?["cause"] as? Int == 42, "tiny was full: \(calls["full"] ?? [:])")
        usleep(500_000)
        let log = try ACDLab.json(engine, ["queue-log", "--limit", "500"])
        let events = log.map { "\($0["event"] as? String ?? "")\(($0["agent"] as? String).map { " \($0)" } ?? "")" }
        let firstCall = try #require(log.first { $0["event"] as? String == "entered" && $0["queue"] as? String == "sales" }?["call"] as? Int)
        let firstEvents = log.filter { $0["call"] as? Int == firstCall }.map { "\($0["event"] as? String ?? "") \($0["agent"] as? String ?? "")" }
        #expect(firstEvents.starts(with: ["entered ", "offered 1001", "no-answer 1001", "offered 1002", "connected 1002"]),
                "the unanswered call went back and on to the next agent: \(firstEvents)")
        let connected = try ACDLab.connections(engine).map(\.caller)
        #expect(connected == ["13800000001", "13800000003", "13800000002"], "the VIP caller overtook: \(connected)")
        let agents = Dictionary(uniqueKeysWithValues: try ACDLab.json(engine, ["agents"]).map { ($0["id"] as? String ?? "", $0) })
        #expect(agents["1001"]?["state"] as? String == "not-ready" && agents["1001"]?["reason"] as? String == "no answer",
                "\(agents["1001"] ?? [:])")
        #expect(events.contains("overflow"), "\(events)")
        let overflows = log.filter { $0["event"] as? String == "overflow" }.compactMap { $0["detail"] as? String }
        #expect(overflows.contains { $0.hasPrefix("no agents logged in") } && overflows.contains { $0.hasPrefix("max wait") }
                && overflows.contains { $0.hasPrefix("queue full") }, "\(overflows)")
        let abandoned = log.filter { $0["event"] as? String == "abandoned" && $0["queue"] as? String == "tiny" }
        #expect(abandoned.count == 1 && (abandoned.first?["wait_s"] as? Double ?? 0) > 1.5, "the caller who gave up: \(abandoned)")
        let waiting = PromptMatcher.samples(heard)
        let announced = PromptMatcher.find(PromptMatcher.samples("\(IVRLabTests.sounds)/en/queue-position.wav"), in: waiting)
        #expect((announced?.correlation ?? 0) > 0.8, "the waiting caller hears their position: \(String(describing: announced))")
        let states = try ACDLab.json(engine, ["agent", "log", "--agent", "1001"]).map { $0["to"] as? String ?? "" }
        #expect(states == ["ready", "ringing", "not-ready"], "agent 1001's state log: \(states)")
    }

    @Test("a waiting caller hears the estimated wait and the offer to leave a message, and pressing 1 takes it")
    func estimatedWaitAndLeaveMessage() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(
            strategy: "linear", queueExtras: ", announce_every_s: 2, announce_wait: true, on_leave_message: { hangup: 31 }"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001"])
        let heard = lab.directory + "/waiting.wav"
        let scenario = ACDLab.carrier(hangupAfter: 30) + """

        calls:
          - { name: first, trunk: e1, calling: "13800000031", called: "95501", at_s: 0,
              steps: [ { wait_answer: 10 }, { wait: 20 }, { hangup: 16 } ] }
          - { name: second, trunk: e1, calling: "13800000032", called: "95501", at_s: 2,
              steps: [ { wait_answer: 10 }, { listen: 12, record: \(heard) }, { send_dtmf: "1" }, { wait_release: 5 } ] }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario, timeout: 90)
        let calls = Dictionary(uniqueKeysWithValues: try #require(run.report?["calls"] as? [[String: Any]], "\(run.output)")
            .map { ($0["name"] as? String ?? "", $0) })
        #expect(calls["second"]?["failure"] == nil, "\(calls["second"] ?? [:])\n\(engine.log)")
        #expect(calls["second"]?["cause"] as? Int == 31, "pressing 1 took the leave-a-message action: \(calls["second"] ?? [:])")
        for prompt in ["estimated-wait", "queue-leave-message"] {
            #expect(ACDLab.correlation(prompt, in: heard) > 0.8, "the waiting caller hears \(prompt)")
        }
        let log = try ACDLab.json(engine, ["queue-log", "--limit", "100"])
        #expect(log.contains { $0["event"] as? String == "overflow" && ($0["detail"] as? String ?? "").contains("leave a message") }, "\(log)")
    }

    @Test("secondary preferences: the CRM names a caller's account manager, a Shanghai caller goes to the Shanghai agent, others by the strategy")
    func preferencesAndCRM() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let crm = try LoopbackHTTPService(directory: lab.directory, answers: [
            "/caller/13800000021": #"{"priority": 3, "account_manager": "1003", "name": "Zhang San", "address": {"city": "Shanghai"}}"#,
        ])
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(
            strategy: "linear", queueExtras: ", prefer: [account-manager, same-location]",
            acdExtras: "\n  crm: { url: \"http://127.0.0.1:\(crm.port)/caller/{caller}\", timeout_s: 1 }"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001", "1002", "1003"])
        let desktop = try ControlClient(path: engine.controlSocket)
        _ = try desktop.request("events.subscribe", ["kinds": .array([.string("agent.offered")]), "agents": .array([.string("1003")])])
        func caller(_ number: String, at: Double) -> String {
            """
              - { name: "\(number)", trunk: e1, calling: "\(number)", called: "95501", at_s: \(at),
                  steps: [ { wait_answer: 10 }, { wait_release: 20 } ] }
            """
        }
        let run = try SimulatorRun.run(lab: lab, scenario: ACDLab.carrier(hangupAfter: 2) + "\ncalls:\n"
                                       + [caller("13800000021", at: 0), caller("02155550001", at: 5), caller("13800000023", at: 10)]
                                       .joined(separator: "\n"), timeout: 90)
        let calls = try #require(run.report?["calls"] as? [[String: Any]], "\(run.output)\n\(engine.log)")
        for c in calls { #expect(c["failure"] == nil, "\(c)\n\(engine.log)") }
        let byCaller = Dictionary(try ACDLab.connections(engine).map { ($0.caller, $0.agent) }, uniquingKeysWith: { a, _ in a })
        #expect(byCaller["13800000021"] == "1003", "the CRM's account manager: \(byCaller)")
        #expect(byCaller["02155550001"] == "1002", "the agent in 021: \(byCaller)")
        #expect(byCaller["13800000023"] == "1001", "nobody preferred: linear: \(byCaller)")
        let log = try ACDLab.json(engine, ["queue-log", "--limit", "100"])
        #expect(log.contains { $0["event"] as? String == "crm"
                    && $0["detail"] as? String == "priority 3, account manager 1003; address.city Shanghai, name Zhang San" }, "\(log)")
        var pops: [JSONValue] = []
        while let event = try desktop.nextEvent(timeout: 0.5) { pops.append(event) }
        let pop = pops.first { $0["caller"]?.stringValue == "13800000021" }?["variables"]
        #expect(pop?["crm.name"]?.stringValue == "Zhang San" && pop?["crm.address.city"]?.stringValue == "Shanghai",
                "the agent's screen shows what the CRM knows: \(pops)")
        #expect(log.filter { $0["event"] as? String == "crm-failed" }.count == 2, "the CRM knows the other two callers not (404)")
    }

    @Test("a caller who comes through the IVR pops up on the agent's screen with the way they came and what they keyed in")
    func screenPopFromIVR() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let flowFile = lab.directory + "/front.yaml"
        try """
        flows:
          - name: front
            language: en
            start: account
            nodes:
              account: { collect: [enter-account], min: 4, max: 4, timeout_s: 6, into: account, next: agent, on_fail: agent }
              agent: { transfer: { queue: sales, priority: 2 }, prompts: [please-hold] }
        """.write(toFile: flowFile, atomically: true, encoding: .utf8)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(
            strategy: "linear", flows: flowFile, routes: "\n  - { called: \"95505\", to: { app: ivr, arg: front } }"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001"])
        let desktop = try ControlClient(path: engine.controlSocket)
        _ = try desktop.request("events.subscribe", ["kinds": .array([.string("agent.offered")]), "agents": .array([.string("1001")])])
        let run = try SimulatorRun.run(lab: lab, scenario: ACDLab.carrier(hangupAfter: 1) + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000018", called: "95505",
              steps: [ { wait_answer: 10 }, { wait: 1.5 }, { send_dtmf: "6688" }, { wait_release: 15 } ] }
        """, timeout: 60)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "\(run.output)")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        let pop = try #require(try desktop.nextEvent(timeout: 3), "no screen pop\n\(engine.log)")
        #expect(pop["ivrPath"]?.stringValue == "front: account > agent", "\(pop)")
        #expect(pop["variables"]?["account"]?.stringValue == "6688", "\(pop)")
        #expect(pop["caller"]?.stringValue == "13800000018" && pop["queue"]?.stringValue == "sales", "\(pop)")
    }

    @Test("when the agent hangs up first the caller is asked for a score, which is stored against the call, agent and queue")
    func survey() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let flows = lab.directory + "/survey.yaml"
        try """
        flows:
          - name: survey
            language: en
            start: ask
            nodes:
              ask: { collect: [survey], min: 1, max: 1, terminator: "", timeout_s: 6, into: score, next: keep, on_fail: bye }
              keep: { survey: "{score}", next: thanks }
              thanks: { play: [survey-thanks], next: bye }
              bye: { hangup: 16 }
        """.write(toFile: flows, atomically: true, encoding: .utf8)
        let config = ACDLab.engine(strategy: "linear", queueExtras: ", survey_flow: survey").replacingOccurrences(of: "flows: []", with: "flows: [\(flows)]")
        let engine = try EngineProcess(lab: lab, config: config)
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001"])
        let asked = lab.directory + "/asked.wav"
        let thanked = lab.directory + "/thanked.wav"
        let run = try SimulatorRun.run(lab: lab, scenario: ACDLab.carrier(hangupAfter: 2) + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000010", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 3 }, { listen: 5, record: \(asked) }, { send_dtmf: "4" },
                       { listen: 3, record: \(thanked) }, { wait_release: 10 } ] }
        """, timeout: 90)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "\(run.output)")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        #expect(ACDLab.correlation("survey", in: asked) > 0.8, "the caller is asked to rate the call")
        #expect(ACDLab.correlation("survey-thanks", in: thanked) > 0.8, "and thanked")
        usleep(500_000)
        let scores = try ACDLab.json(engine, ["surveys"])
        #expect(scores.count == 1 && scores.first?["score"] as? Int == 4 && scores.first?["agent"] as? String == "1001"
                && scores.first?["queue"] as? String == "sales", "\(scores)")
    }
}
