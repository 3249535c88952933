import Control
import Foundation
import Glibc
import LabTestSupport
import Testing

/// Agents and supervisors in the ACD: logging in from the phone, desktops, agents' own calls,
/// the phone's loopback test and the supervisor's taps. The lab is `ACDLab`'s.
@Suite("ACD agents and supervisors between pstn-sim and pstnd", .lab)
struct ACDAgentLabTests {
    @Test("an agent logs in by dialling a code from the FXS phone, takes a queue call there, and logs out by code")
    func loginFromPhone() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear", queueExtras: ", announce_agent: true"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let heard = lab.directory + "/login.wav"
        let connected = lab.directory + "/connected.wav"
        let scenario = ACDLab.carrier(hangupAfter: 3) + """

        calls:
          - { name: login, trunk: phone2, called: "*111002#", at_s: 0,
              steps: [ { record: \(heard), record_s: 4 }, { wait_answer: 15 }, { wait_release: 10 } ] }
          - { name: caller, trunk: e1, calling: "13800000009", called: "95501", at_s: 12,
              steps: [ { wait_answer: 10 }, { listen: 4, record: \(connected) }, { wait_release: 20 } ] }
          - { name: logout, trunk: phone2, called: "*12#", at_s: 22,
              steps: [ { wait_answer: 15 }, { wait: 4 }, { hangup: 16 } ] }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario, timeout: 120)
        let calls = Dictionary(uniqueKeysWithValues: try #require(run.report?["calls"] as? [[String: Any]], "\(run.output)")
            .map { ($0["name"] as? String ?? "", $0) })
        for name in ["login", "caller", "logout"] { #expect(calls[name]?["failure"] == nil, "\(name): \(calls[name] ?? [:])\n\(engine.log)") }
        let confirmation = PromptMatcher.find(PromptMatcher.samples("\(IVRLabTests.sounds)/en/agent-logged-in.wav"),
                                              in: PromptMatcher.samples(heard))
        #expect((confirmation?.correlation ?? 0) > 0.8, "the phone hears it is logged in: \(String(describing: confirmation))")
        #expect(try ACDLab.connections(engine).map(\.agent) == ["1002"], "the queue call went to the phone that logged in")
        let announcement = PromptMatcher.find(PromptMatcher.samples("\(IVRLabTests.sounds)/en/agent-number.wav"),
                                              in: PromptMatcher.samples(connected))
        #expect((announcement?.correlation ?? 0) > 0.8, "the caller hears the agent's number: \(String(describing: announcement))")
        let states = try ACDLab.json(engine, ["agent", "log", "--agent", "1002"]).map { $0["to"] as? String ?? "" }
        #expect(states.first == "ready" && states.last == "logged-out", "\(states)")
    }

    @Test("a supervisor listens (heard by no one), whispers (heard by the agent, not the caller), barges (heard by both) and takes over (the caller stays)")
    func supervisor() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001"])
        let sounds = IVRLabTests.sounds + "/en"
        let callerHeard = lab.directory + "/caller.wav"
        let scenario = ACDLab.carrier(hangupAfter: 40, extra: "answer_by_trunk: { phone1: { after_ms: 400, hangup_after_s: 40, record: \(lab.directory)/agent.wav, record_s: 32 } }") + """

        calls:
          - { name: supervisor-login, trunk: phone3, called: "*111009#", at_s: 0,
              steps: [ { wait_answer: 15 }, { wait_release: 10 } ] }
          - { name: caller, trunk: e1, calling: "13800000008", called: "95501", at_s: 6,
              steps: [ { wait_answer: 10 }, { listen: 30, record: \(callerHeard) }, { wait_release: 10 } ] }
          - { name: supervisor, trunk: phone3, called: "*311001#", at_s: 9,
              steps: [ { wait_answer: 15 }, { wait: 2 }, { play: \(sounds)/welcome.wav },
                       { send_dtmf: "2" }, { wait: 1 }, { play: \(sounds)/goodbye.wav },
                       { send_dtmf: "3" }, { wait: 1 }, { play: \(sounds)/invalid.wav },
                       { send_dtmf: "4" }, { wait: 1.5 }, { play: \(sounds)/timeout.wav }, { wait: 1 }, { hangup: 16 } ] }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario, timeout: 120)
        let calls = Dictionary(uniqueKeysWithValues: try #require(run.report?["calls"] as? [[String: Any]], "\(run.output)")
            .map { ($0["name"] as? String ?? "", $0) })
        for name in ["supervisor-login", "caller", "supervisor"] {
            #expect(calls[name]?["failure"] == nil, "\(name): \(calls[name] ?? [:])\n\(engine.log)")
        }
        let agentHeard = lab.directory + "/agent.wav"
        #expect(ACDLab.correlation("welcome", in: callerHeard) < 0.5, "the caller does not hear the supervisor listening")
        #expect(ACDLab.correlation("welcome", in: agentHeard) < 0.5, "nor does the agent")
        #expect(ACDLab.correlation("goodbye", in: agentHeard) > 0.8, "the agent hears the whisper")
        #expect(ACDLab.correlation("goodbye", in: callerHeard) < 0.5, "the caller does not hear the whisper")
        #expect(ACDLab.correlation("invalid", in: callerHeard) > 0.8 && ACDLab.correlation("invalid", in: agentHeard) > 0.8, "both hear the barge")
        #expect(ACDLab.correlation("timeout", in: callerHeard) > 0.8, "after the take-over the caller talks with the supervisor")
        let states = try ACDLab.json(engine, ["agent", "log", "--agent", "1001"]).map { $0["to"] as? String ?? "" }
        #expect(states.starts(with: ["ready", "ringing", "on-call", "wrap-up"]), "the agent left the call at the take-over: \(states)")
        #expect(engine.log.contains("supervisor 1009 took over agent 1001's call"), "\(engine.log)")
    }

    @Test("a supervisor at a desktop: the engine rings their phone and taps the call (listen, then whisper); forcing states stays within their group and queues")
    func deskSupervisor() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001", "1002"])
        let socket = engine.controlSocket
        #expect(try ControlTool.run(socket: socket, ["agent", "login", "1009", "--station", "8003"]).status == 0)
        let sounds = IVRLabTests.sounds + "/en"
        let supervisorHeard = lab.directory + "/supervisor.wav", agentHeard = lab.directory + "/agent.wav"
        let scenario = ACDLab.carrier(hangupAfter: 40, extra: """
        answer_by_trunk:
          phone1: { after_ms: 400, hangup_after_s: 40, record: \(agentHeard), record_s: 20 }
          phone3: { after_ms: 400, hangup_after_s: 40, record: \(supervisorHeard), record_s: 16,
                    steps: [ { wait: 6 }, { play: \(sounds)/goodbye.wav } ] }
        """) + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000015", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 5 }, { play: \(sounds)/welcome.wav }, { wait: 8 }, { hangup: 16 } ] }
        """
        let sim = ACDLab.simulateInBackground(lab, scenario, report: lab.directory + "/desk-report.json")
        ACDLab.waitForQueueEvent(engine, "connected 1001")
        let outside = try ControlTool.run(socket: socket, ["supervise", "listen", "1004", "--supervisor", "1009"])
        #expect(outside.status == 1 && outside.errors.contains("scope"), "\(outside.errors)")
        let listen = try ControlTool.run(socket: socket, ["supervise", "listen", "1001", "--supervisor", "1009"])
        #expect(listen.status == 0, "\(listen.errors)\n\(engine.log)")
        sleep(5)
        #expect(try ControlTool.run(socket: socket, ["supervise", "whisper", "1001", "--supervisor", "1009"]).status == 0)
        let call = try #require(sim.calls()?.first, "pstn-sim did not finish, or left no report")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        #expect(ACDLab.correlation("welcome", in: supervisorHeard) > 0.8, "the supervisor hears the caller")
        #expect(ACDLab.correlation("goodbye", in: agentHeard) > 0.8, "the agent hears the whisper")
        #expect(engine.log.contains("supervisor 1009 whispers on agent 1001's call"), "\(engine.log)")

        // Forcing: 1002 is in the supervisor's group, 1003 serves a queue they supervise, 1004 neither.
        #expect(try ControlTool.run(socket: socket, ["supervise", "force", "1002", "not-ready", "--supervisor", "1009", "--reason", "coaching"]).status == 0)
        #expect(try ControlTool.run(socket: socket, ["agent", "login", "1003", "--number", "5551003", "--trunk-group", "carrier", "--not-ready"]).status == 0,
                "1003's desk is where the supervisor sits; they work remotely")
        #expect(try ControlTool.run(socket: socket, ["supervise", "force", "1003", "ready", "--supervisor", "1009"]).status == 0)
        #expect(try ControlTool.run(socket: socket, ["supervise", "force", "1004", "ready", "--supervisor", "1009"]).status == 1)
        #expect(try ControlTool.run(socket: socket, ["supervise", "force", "1002", "ready", "--supervisor", "1001"]).status == 1,
                "an agent is not a supervisor")
        #expect(try ControlTool.run(socket: socket, ["supervise", "force", "1002", "asleep", "--supervisor", "1009"]).status == 1)
        let agents = Dictionary(uniqueKeysWithValues: try ACDLab.json(engine, ["agents"]).map { ($0["id"] as? String ?? "", $0) })
        #expect(agents["1002"]?["state"] as? String == "not-ready" && agents["1002"]?["reason"] as? String == "coaching")
        #expect(agents["1003"]?["state"] as? String == "ready")
        #expect(agents["1004"]?["state"] as? String == "logged-out")
    }

    @Test("an agent's state survives a brief loss of their desktop's connection; a desktop gone for longer leaves the agent not ready")
    func desktopConnection() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear", acdExtras: "\n  desktop_grace_s: 2"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1002"])
        func states() throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try ACDLab.json(engine, ["agents"]).map {
                ($0["id"] as? String ?? "", "\($0["state"] as? String ?? "")\(($0["reason"] as? String).map { " (\($0))" } ?? "")")
            })
        }
        var desk: ControlClient? = try ControlClient(path: engine.controlSocket)
        _ = try desk?.request("agent.login", ["agent": .string("1001"), "desktop": .bool(true)])
        desk = nil
        usleep(800_000)
        desk = try ControlClient(path: engine.controlSocket)
        let attached = try desk?.request("agent.attach", ["agent": .string("1001")])
        #expect(attached?["state"] == .string("ready"), "\(String(describing: attached))")
        sleep(3)
        #expect(try states()["1001"] == "ready", "a brief loss keeps the state")
        desk = nil
        sleep(3)
        let after = try states()
        #expect(after["1001"] == "not-ready (desktop lost)", "\(after)\n\(engine.log)")
        #expect(after["1002"] == "ready", "an agent logged in without a desktop is not affected")
        let refused = try ControlTool.run(socket: engine.controlSocket, ["request", "agent.attach", "{\"agent\": \"1003\"}"])
        #expect(refused.status == 1, "a logged-out agent cannot be attached: \(refused.output)")
    }

    @Test("a phone's loopback test: after a beep the phone hears itself, then the engine hangs up")
    func loopbackTest() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let heard = lab.directory + "/loop.wav"
        let sounds = IVRLabTests.sounds
        let run = try SimulatorRun.run(lab: lab, scenario: ACDLab.carrier(hangupAfter: 10) + """

        calls:
          - { name: loop, trunk: phone1, called: "*19#",
              steps: [ { wait_answer: 15 }, { record: \(heard), record_s: 5 }, { wait: 1 }, { play: \(sounds)/en/goodbye.wav },
                       { wait_release: 10 } ] }
        """, timeout: 60)
        let calls = try #require(run.report?["calls"] as? [[String: Any]], "\(run.output)")
        for c in calls { #expect(c["failure"] == nil, "\(c)\n\(engine.log)") }
        #expect(engine.log.contains("loopback test on"), "\(engine.log)")
        let received = AudioFile.read(heard)?.channels.first ?? []
        let beep = PromptMatcher.find(PromptMatcher.samples(sounds + "/tones/beep.wav"), in: received)
        #expect((beep?.correlation ?? 0) > 0.8, "the phone hears the beep first: \(String(describing: beep))")
        let echo = PromptMatcher.find(PromptMatcher.samples(sounds + "/en/goodbye.wav"), in: received)
        #expect((echo?.correlation ?? 0) > 0.8, "then hears what it says: \(String(describing: echo))")
        let call = try #require(calls.first)
        #expect(call["releasedBy"] as? String != "local", "the engine ended the test: \(call)")
    }

    @Test("agents' own calls: an internal call between desks and a click-to-dial call out keep both agents from queue calls until they end; a queue's reserved idle agents cannot dial out")
    func ownCalls() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear", queueExtras: ", reserve_idle: 1"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001", "1002"])
        func states() throws -> [String: String] { try ACDLab.agentStates(engine) }
        let scenario = ACDLab.carrier(hangupAfter: 4) + """

        calls:
          - { name: internal, trunk: phone1, called: "8002#", steps: [ { wait_answer: 10 }, { wait: 4 }, { hangup: 16 } ] }
          - { name: keep-running, trunk: e1, called: "99999", at_s: 24, steps: [] }
        """
        let sim = ACDLab.simulateInBackground(lab, scenario, report: lab.directory + "/own-report.json")
        var during: [String: String] = [:]
        let deadline = Date().addingTimeInterval(10)
        repeat {
            usleep(300_000)
            during = try states()
        } while !(during["1001"] == "on-call" && during["1002"] == "on-call") && Date() < deadline
        #expect(during["1001"] == "on-call" && during["1002"] == "on-call", "both desks are busy with the internal call: \(during)")
        sleep(6)
        let after = try states()
        #expect(after["1001"] == "ready" && after["1002"] == "ready", "back to ready: \(after)")

        let socket = engine.controlSocket
        let dial = try ControlTool.run(socket: socket, ["agent", "dial", "1002", "--number", "13900000001", "--trunk-group", "carrier"])
        #expect(dial.status == 0, "\(dial.errors)")
        let reserved = try ControlTool.run(socket: socket, ["agent", "dial", "1001", "--number", "13900000002", "--trunk-group", "carrier"])
        #expect(reserved.status == 1 && reserved.errors.contains("idle for inbound"), "sales keeps one agent idle: \(reserved.errors)")
        #expect(try ControlTool.run(socket: socket, ["agent", "dial", "1001", "--number", "12a", "--trunk-group", "carrier"]).status == 1)
        #expect(try ControlTool.run(socket: socket, ["agent", "dial", "1001"]).status == 1)
        #expect(try ControlTool.run(socket: socket, ["agent", "dial", "1001", "--to", "1002"]).status == 1, "1002 is busy")
        _ = sim.calls()
        let out = try ACDLab.json(engine, ["cdr", "--limit", "20"]).first { $0["called"] as? String == "8002" }
        #expect(out?["answered_at"] as? Double != nil, "the internal call: \(String(describing: out))")
        let legs = try ACDLab.json(engine, ["agent", "log", "--agent", "1002"]).map { $0["to"] as? String ?? "" }
        #expect(legs.filter { $0 == "on-call" }.count == 2, "1002 was on a call twice (internal, then dialling out): \(legs)")
        #expect(engine.log.contains("agent 1002 dials 13900000001 on carrier"), "\(engine.log)")
        let end = try states()
        #expect(end["1002"] == "ready", "\(end)")
    }

    @Test("agent commands refuse what cannot be: an unknown agent, a taken station, a pause while ringing is not a logout")
    func agentCommands() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let socket = engine.controlSocket
        #expect(try ControlTool.run(socket: socket, ["agent", "login", "9999"]).status == 1)
        #expect(try ControlTool.run(socket: socket, ["agent", "login", "1001", "--station", "7777"]).status == 1)
        #expect(try ControlTool.run(socket: socket, ["agent", "login", "1001", "--not-ready"]).status == 0)
        let taken = try ControlTool.run(socket: socket, ["agent", "login", "1002", "--station", "8001"])
        #expect(taken.status == 1 && taken.errors.contains("taken by agent 1001"), "\(taken.errors)")
        #expect(try ControlTool.run(socket: socket, ["agent", "ready", "1001"]).status == 0)
        #expect(try ControlTool.run(socket: socket, ["agent", "pause", "1001", "--reason", "lunch"]).status == 0)
        let agents = Dictionary(uniqueKeysWithValues: try ACDLab.json(engine, ["agents"]).map { ($0["id"] as? String ?? "", $0) })
        #expect(agents["1001"]?["reason"] as? String == "lunch" && agents["1001"]?["station"] as? String == "8001")
        #expect(try ControlTool.run(socket: socket, ["agent", "logout", "1001"]).status == 0)
        #expect(try ControlTool.run(socket: socket, ["agent", "ready", "1001"]).status == 1, "a logged-out agent is not made ready")
        let queues = try ACDLab.json(engine, ["queues"])
        #expect(queues.map { $0["name"] as? String ?? "" } == ["sales", "short", "support", "tiny"])
        let request = try ControlTool.run(socket: socket, ["request", "agent.login", "{\"agent\": 5}"])
        #expect(request.status == 1, "a malformed argument is refused: \(request.output) \(request.errors)")
    }
}
