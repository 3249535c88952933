import Control
import Foundation
import Glibc
import LabTestSupport
import Testing

/// Holds, transfers and three-way calls in the ACD, from the desktop and from the phone. The
/// lab is `ACDLab`'s.
@Suite("ACD holds, transfers and three-way calls between pstn-sim and pstnd", .lab)
struct ACDTransferLabTests {
    @Test("an agent holds the caller (who hears music), takes them back, and transfers them blind to another queue, where the next agent answers")
    func holdAndTransfer() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001", "1002"])
        let heard = lab.directory + "/held.wav"
        let scenario = ACDLab.carrier(hangupAfter: 40) + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000011", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 1.5 }, { listen: 6, record: \(heard) }, { wait: 8 }, { hangup: 16 } ] }
        """
        let sim = ACDLab.simulateInBackground(lab, scenario, report: lab.directory + "/hold-report.json")
        ACDLab.waitForQueueEvent(engine, "connected 1001")
        sleep(2)
        let socket = engine.controlSocket
        #expect(try ControlTool.run(socket: socket, ["agent", "hold", "1001"]).status == 0)
        sleep(3)
        #expect(try ControlTool.run(socket: socket, ["agent", "retrieve", "1001"]).status == 0)
        sleep(2)
        let transfer = try ControlTool.run(socket: socket, ["agent", "transfer", "1001", "--queue", "short"])
        #expect(transfer.status == 0, "\(transfer.errors)")
        let call = try #require(sim.calls()?.first, "pstn-sim did not finish, or left no report")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        let music = PromptMatcher.find(PromptMatcher.samples(IVRLabTests.sounds + "/moh/default.wav"), in: PromptMatcher.samples(heard))
        #expect((music?.correlation ?? 0) > 0.8, "the held caller hears music: \(String(describing: music))")
        let events = ACDLab.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "held 1001", "retrieved 1001", "transferred 1001",
                                     "entered ", "offered 1002", "connected 1002"]), "\(events)")
        #expect(try ControlTool.run(socket: socket, ["agent", "hold", "1003"]).status == 1, "an agent who is not on a call has nothing to hold")
    }

    @Test("attended transfer: the agent holds the caller, consults another agent, and hands the caller over; the caller then talks with the second agent")
    func attendedTransfer() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001", "1002"])
        let heard = lab.directory + "/second-agent.wav"
        let scenario = ACDLab.carrier(hangupAfter: 40, extra: "answer_by_trunk: { phone2: { after_ms: 400, hangup_after_s: 40, record: \(heard), record_s: 20 } }") + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000012", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 12 }, { play: \(IVRLabTests.sounds)/en/goodbye.wav }, { wait: 2 }, { hangup: 16 } ] }
        """
        let sim = ACDLab.simulateInBackground(lab, scenario, report: lab.directory + "/attended-report.json")
        ACDLab.waitForQueueEvent(engine, "connected 1001")
        sleep(1)
        let socket = engine.controlSocket
        let consult = try ControlTool.run(socket: socket, ["agent", "consult", "1001", "--to", "1002"])
        #expect(consult.status == 0, "\(consult.errors)\n\(engine.log)")
        sleep(3)
        let agents = Dictionary(uniqueKeysWithValues: try ACDLab.json(engine, ["agents"]).map { ($0["id"] as? String ?? "", $0["state"] as? String ?? "") })
        #expect(agents["1002"] == "on-call", "the consulted agent answered: \(agents)")
        let complete = try ControlTool.run(socket: socket, ["agent", "complete", "1001"])
        #expect(complete.status == 0, "\(complete.errors)")
        let call = try #require(sim.calls()?.first, "pstn-sim did not finish, or left no report")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        #expect(ACDLab.correlation("goodbye", in: heard) > 0.8, "after the transfer the second agent hears the caller")
        let events = ACDLab.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "consulting 1001", "transferred 1001", "connected 1002"]),
                "\(events)")
        #expect(try ControlTool.run(socket: socket, ["agent", "complete", "1002"]).status == 1, "no consultation to complete")
    }

    @Test("from the phone: the agent flashes (the caller hears music), takes the caller back with #, flashes and dials another agent, and hangs up to hand the caller over; both agents' screens pop with the caller's earlier call")
    func phoneAttendedTransfer() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001", "1002"])
        let desktop = try ControlClient(path: engine.controlSocket)
        _ = try desktop.request("events.subscribe", ["kinds": .array([.string("agent.offered")])])
        let held = lab.directory + "/held.wav", second = lab.directory + "/second-agent.wav"
        let agentSteps = """
        [ { wait: 2 }, { flash: true }, { wait: 2.5 }, { send_dtmf: "#" }, { wait: 1.5 }, { flash: true }, { wait: 1 },
          { send_dtmf: "1002#" }, { wait: 4 }, { hangup: 16 } ]
        """
        let scenario = ACDLab.carrier(hangupAfter: 40, extra: """
        answer_by_trunk:
          phone1: { after_ms: 400, steps: \(agentSteps) }
          phone2: { after_ms: 400, hangup_after_s: 40, record: \(second), record_s: 20 }
        """) + """

        calls:
          - { name: earlier, trunk: e1, calling: "13800000013", called: "99999", steps: [ { wait_release: 5 } ] }
          - { name: caller, trunk: e1, calling: "13800000013", called: "95501", at_s: 2,
              steps: [ { wait_answer: 10 }, { wait: 3.2 }, { listen: 2.5, record: \(held) }, { wait: 9 },
                       { play: \(IVRLabTests.sounds)/en/goodbye.wav }, { wait: 2 }, { hangup: 16 } ] }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario, timeout: 90)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first { $0["name"] as? String == "caller" },
                                "\(run.output)\n\(engine.log)")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        var pops: [JSONValue] = []
        while let event = try desktop.nextEvent(timeout: 0.5) { pops.append(event) }
        #expect(pops.map { "\($0["agent"]?.stringValue ?? "") \($0["via"]?.stringValue ?? "")" } == ["1001 queue", "1002 transfer from 1001"],
                "\(pops)")
        for pop in pops {
            #expect(pop["caller"]?.stringValue == "13800000013" && pop["called"]?.stringValue == "95501", "\(pop)")
            guard case let .array(earlier)? = pop["previousCalls"] else {
                Issue.record("no previous calls in \(pop)")
                continue
            }
            #expect(earlier.count == 1 && earlier.first?["called"]?.stringValue == "99999"
                    && earlier.first?["answered"]?.boolValue == false, "the caller's earlier, refused call: \(earlier)")
        }
        let music = PromptMatcher.find(PromptMatcher.samples(IVRLabTests.sounds + "/moh/default.wav"), in: PromptMatcher.samples(held))
        #expect((music?.correlation ?? 0) > 0.8, "the held caller hears music: \(String(describing: music))")
        #expect(ACDLab.correlation("goodbye", in: second) > 0.8, "after the hand-over the second agent hears the caller")
        let events = ACDLab.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "held 1001", "retrieved 1001", "held 1001",
                                     "consulting 1001", "transferred 1001", "connected 1002"]), "\(events)\n\(engine.log)")
    }

    @Test("from the phone: * marks the caller as a prospect; a flash and a queue's number transfer the caller blind to that queue; a wrong number is refused")
    func phoneBlindTransfer() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001", "1003"])
        let agentSteps = """
        [ { wait: 1.5 }, { send_dtmf: "*" }, { wait: 1 }, { flash: true }, { wait: 1 }, { send_dtmf: "777#" }, { wait: 3 },
          { send_dtmf: "95502#" }, { wait: 2 }, { hangup: 16 } ]
        """
        let scenario = ACDLab.carrier(hangupAfter: 40, extra: "answer_by_trunk: { phone1: { after_ms: 400, steps: \(agentSteps) } }") + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000014", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 16 }, { hangup: 16 } ] }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario, timeout: 90)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "\(run.output)\n\(engine.log)")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        let events = ACDLab.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "prospect 1001", "held 1001", "phone-refused 1001",
                                     "transferred 1001", "entered ", "offered 1003", "connected 1003"]), "\(events)\n\(engine.log)")
        let log = try ACDLab.json(engine, ["queue-log", "--limit", "50"])
        let prospect = log.first { $0["event"] as? String == "prospect" }
        #expect(prospect?["detail"] as? String == "caller 13800000014", "\(String(describing: prospect))")
        #expect(log.contains { $0["event"] as? String == "entered" && $0["queue"] as? String == "support" })
    }

    @Test("an agent transfers the caller blind to another agent (music until they answer); malformed transfers are refused; an agent's recording policy records from when they answer")
    func transferToAgent() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(
            strategy: "linear", extra: "\nrecording: { dir: \(lab.directory)/recordings, policies: [ { queue: sales, agent: \"1002\" } ] }"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001", "1002"])
        let heard = lab.directory + "/second-agent.wav"
        let scenario = ACDLab.carrier(hangupAfter: 40, extra: "answer_by_trunk: { phone2: { after_ms: 400, hangup_after_s: 40, record: \(heard), record_s: 14 } }") + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000016", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 8 }, { play: \(IVRLabTests.sounds)/en/goodbye.wav }, { wait: 2 }, { hangup: 16 } ] }
        """
        let sim = ACDLab.simulateInBackground(lab, scenario, report: lab.directory + "/blind-agent-report.json")
        ACDLab.waitForQueueEvent(engine, "connected 1001")
        sleep(1)
        let socket = engine.controlSocket
        for bad in [["--queue", "support", "--to", "1002"], ["--number", "12345"], ["--number", "12a", "--trunk-group", "carrier"],
                    ["--flow", "nowhere"], []] {
            let r = try ControlTool.run(socket: socket, ["agent", "transfer", "1001"] + bad)
            #expect(r.status == 1, "refused: \(bad): \(r.output)")
        }
        let transfer = try ControlTool.run(socket: socket, ["agent", "transfer", "1001", "--to", "1002"])
        #expect(transfer.status == 0, "\(transfer.errors)\n\(engine.log)")
        let call = try #require(sim.calls()?.first, "pstn-sim did not finish, or left no report")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        #expect(ACDLab.correlation("goodbye", in: heard) > 0.8, "the second agent hears the caller")
        let events = ACDLab.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "consulting 1001", "transferred 1001", "connected 1002"]),
                "\(events)")
        let recordings = try ACDLab.json(engine, ["recordings", "list"])
        #expect(recordings.count == 1, "recorded once, from agent 1002's answer: \(recordings)")
        let reason = recordings.first?["reason"] as? String ?? ""
        #expect(reason.contains("queue sales, agent 1002"), "\(recordings)")
    }

    @Test("three-way call: the agent consults another and brings the caller in; both agents hear the caller; the consulted agent leaves and the first talks on with the caller")
    func threeWayCall() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001", "1002"])
        let sounds = IVRLabTests.sounds + "/en"
        let first = lab.directory + "/first.wav", second = lab.directory + "/second.wav"
        let scenario = ACDLab.carrier(hangupAfter: 40, extra: """
        answer_by_trunk:
          phone1: { after_ms: 400, hangup_after_s: 40, record: \(first), record_s: 24 }
          phone2: { after_ms: 400, record: \(second), record_s: 12, steps: [ { wait: 9 }, { hangup: 16 } ] }
        """) + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000017", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 8 }, { play: \(sounds)/welcome.wav }, { wait: 5 },
                       { play: \(sounds)/goodbye.wav }, { wait: 2 }, { hangup: 16 } ] }
        """
        let sim = ACDLab.simulateInBackground(lab, scenario, report: lab.directory + "/three-way-report.json")
        ACDLab.waitForQueueEvent(engine, "connected 1001")
        let socket = engine.controlSocket
        #expect(try ControlTool.run(socket: socket, ["agent", "conference", "1001"]).status == 1, "nobody consulted yet")
        #expect(try ControlTool.run(socket: socket, ["agent", "consult", "1001", "--to", "1002"]).status == 0)
        sleep(3)
        let conference = try ControlTool.run(socket: socket, ["agent", "conference", "1001"])
        #expect(conference.status == 0, "\(conference.errors)\n\(engine.log)")
        let call = try #require(sim.calls()?.first, "pstn-sim did not finish, or left no report")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        #expect(ACDLab.correlation("welcome", in: first) > 0.8, "the first agent hears the caller in the three-way call")
        #expect(ACDLab.correlation("welcome", in: second) > 0.8, "so does the consulted agent")
        #expect(ACDLab.correlation("goodbye", in: first) > 0.8, "after the consulted agent left, the caller and the first agent talk on")
        let events = ACDLab.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "consulting 1001", "conference 1001"]), "\(events)")
    }

    @Test("three-way call the caller leaves: the agents talk on, and when the first hangs up nothing is handed over; the consulted agent is freed without wrap-up")
    func threeWayCallerLeaves() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001", "1002"])
        let scenario = ACDLab.carrier(hangupAfter: 40, extra: """
        answer_by_trunk:
          phone1: { after_ms: 400, steps: [ { wait: 16 }, { hangup: 16 } ] }
          phone2: { after_ms: 400, hangup_after_s: 40 }
        """) + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000018", called: "95501", steps: [ { wait_answer: 10 }, { wait: 10 }, { hangup: 16 } ] }
        """
        let sim = ACDLab.simulateInBackground(lab, scenario, report: lab.directory + "/three-way-left-report.json")
        ACDLab.waitForQueueEvent(engine, "connected 1001")
        let socket = engine.controlSocket
        #expect(try ControlTool.run(socket: socket, ["agent", "consult", "1001", "--to", "1002"]).status == 0)
        sleep(3)
        let conference = try ControlTool.run(socket: socket, ["agent", "conference", "1001"])
        #expect(conference.status == 0, "\(conference.errors)\n\(engine.log)")
        ACDLab.waitForQueueEvent(engine, "completed 1001")
        let agentsAfterCaller = try ACDLab.agentStates(engine)
        #expect(agentsAfterCaller["1001"] == "on-call" && agentsAfterCaller["1002"] == "on-call",
                "the two agents talk on after the caller left: \(agentsAfterCaller)")
        _ = try #require(sim.calls(), "pstn-sim did not finish, or left no report")
        sleep(2)
        let events = ACDLab.queueEvents(engine)
        #expect(events == ["entered ", "offered 1001", "connected 1001", "consulting 1001", "conference 1001", "completed 1001"],
                "nothing is handed over to the caller who left: \(events)")
        let consulted = try ACDLab.json(engine, ["agent", "log", "--agent", "1002"]).map { $0["to"] as? String ?? "" }
        #expect(consulted.last == "ready" && !consulted.contains("wrap-up"), "the consulted agent is freed: \(consulted)")
    }

    @Test("a caller transferred to an agent who does not answer goes back to the head of the queue and on to another agent")
    func unansweredTransfer() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001", "1002"])
        let scenario = ACDLab.carrier(hangupAfter: 3, extra: "answer_by_trunk: { phone2: {} }") + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000019", called: "95501",
              steps: [ { wait_answer: 10 }, { wait_release: 30 } ] }
        """
        let sim = ACDLab.simulateInBackground(lab, scenario, report: lab.directory + "/unanswered-report.json")
        ACDLab.waitForQueueEvent(engine, "connected 1001")
        #expect(try ControlTool.run(socket: engine.controlSocket, ["agent", "transfer", "1001", "--to", "1002"]).status == 0)
        let call = try #require(sim.calls()?.first, "pstn-sim did not finish, or left no report")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        let events = ACDLab.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "consulting 1001", "transferred 1001",
                                     "transfer-unanswered 1002", "no-answer 1002", "offered 1001", "connected 1001"]), "\(events)")
    }
}
