import Control
import Foundation
import Glibc
import LabTestSupport
import Testing

/// The ACD in `pstnd`: callers from `pstn-sim` over an emulated E1, agents on FXS ports whose
/// phones are `pstn-sim`'s FXO lines (they answer after 0.4 s and hang up after a while). Who got
/// which call is read from the queue log and the CDRs.
@Suite("ACD queues and agents between pstn-sim and pstnd", .serialized)
struct ACDLabTests {
    static let lab = """
    cards:
      - name: engine
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
      - name: carrier
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
      - name: engine-analog
        ports: [fxs, fxs, fxs]
      - name: phones
        ports: [fxo, fxo, fxo]
    cables:
      - { name: e1, a: engine/span1, b: carrier/span1 }
      - { name: desk1, a: engine-analog/port1, b: phones/port1 }
      - { name: desk2, a: engine-analog/port2, b: phones/port2 }
      - { name: desk3, a: engine-analog/port3, b: phones/port3 }
    """

    static func engine(strategy: String, queueExtras: String = "", acdExtras: String = "", extra: String = "",
                       flows: String = "", routes: String = "") -> String {
        """
        dahdi: DAHDI
        events: EVENTS
        store: STORE
        inter_digit_s: 2
        control: { socket: SOCKET }\(extra)
        ivr: { sounds: \(IVRLabTests.sounds), flows: [\(flows)] }
        trunks:
          - { name: e1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn, line: E1 }
          - { name: desks, type: fxs, group: desks, channels: "63-65", numbers: ["8001", "8002", "8003"], callerid: v23 }
        acd:
          language: en\(acdExtras)
          queues:
            - { name: sales, strategy: \(strategy), ring_s: 3, wrapup_s: 1, language: en\(queueExtras) }
            - { name: support, strategy: linear, on_no_agents: { hangup: 34 } }
            - { name: short, strategy: linear, max_wait_s: 3, on_max_wait: { hangup: 17 } }
            - { name: tiny, strategy: linear, max_callers: 1, on_full: { hangup: 42 } }
          agents:
            - { id: "1001", name: Li Wei, group: team-a, station: "8001", queues: { sales: 5, short: 5 } }
            - { id: "1002", name: Wang Fang, group: team-a, location: "021", station: "8002", queues: { sales: 5, short: 5, tiny: 5 } }
            - { id: "1003", name: Zhang Min, group: team-b, station: "8003", queues: { sales: 5, support: 5 } }
            - { id: "1004", name: Zhao Lei, group: team-c, queues: { tiny: 5 } }
            - { id: "1009", name: Chen Jie, group: team-a, type: supervisor, queues: {}, supervises: { queues: [support] } }
        routes:
          - { called: "_*11XXXX", trunk_groups: [desks], to: { app: agent, arg: "login,3" } }
          - { called: "*12", trunk_groups: [desks], to: { app: agent, arg: logout } }
          - { called: "_*31XXXX", trunk_groups: [desks], to: { app: agent, arg: "supervise,3" } }
          - { called: "*19", trunk_groups: [desks], to: { app: agent, arg: "loopback,6" } }
          - { called: "_800X", trunk_groups: [desks], to: { station: desks } }
          - { called: "95501", to: { app: queue, arg: sales } }
          - { called: "95509", to: { app: queue, arg: "sales,9" } }
          - { called: "95502", to: { app: queue, arg: support } }
          - { called: "95503", to: { app: queue, arg: short } }
          - { called: "95504", to: { app: queue, arg: tiny } }\(routes)
          - { called: "*", to: { reject: 1 } }
        """
    }

    static func carrier(hangupAfter: Double, extra: String = "") -> String {
        """
        dahdi: DAHDI
        link_wait_s: 3
        answer: { after_ms: 400, hangup_after_s: \(hangupAfter) }
        \(extra)
        trunks:
          - { name: e1, type: pri, dchannel: 47, bchannels: "32-46,48-62", side: network, switch: euroisdn, line: E1 }
          - { name: phone1, type: fxo, channels: "66", callerid: v23 }
          - { name: phone2, type: fxo, channels: "67", callerid: v23 }
          - { name: phone3, type: fxo, channels: "68", callerid: v23 }
        """
    }

    static func login(_ engine: EngineProcess, _ agents: [String]) throws {
        for agent in agents {
            let r = try ControlTool.run(socket: engine.controlSocket, ["agent", "login", agent])
            #expect(r.status == 0, "login \(agent): \(r.output) \(r.errors)")
            usleep(300_000)
        }
    }

    static func json(_ engine: EngineProcess, _ arguments: [String]) throws -> [[String: Any]] {
        let r = try ControlTool.run(socket: engine.controlSocket, arguments + ["--json"])
        return try #require(r.json as? [[String: Any]], "\(arguments): \(r.output) \(r.errors)")
    }

    /// A pstn-sim run on its own thread (while the test steers the engine), its report kept in `report`.
    static func simulateInBackground(_ lab: LabInstance, _ scenario: String, report: String) -> BackgroundSimulation {
        let done = Thread.detachedResult { () -> Bool in
            guard let run = try? SimulatorRun.run(lab: lab, scenario: scenario, timeout: 90),
                  let data = try? JSONSerialization.data(withJSONObject: run.report ?? [:]) else { return false }
            return FileManager.default.createFile(atPath: report, contents: data)
        }
        return BackgroundSimulation(done: done, report: report)
    }

    /// How well an English prompt is found in a recording (0 to 1).
    static func correlation(_ prompt: String, in path: String) -> Double {
        PromptMatcher.find(PromptMatcher.samples("\(IVRLabTests.sounds)/en/\(prompt).wav"), in: PromptMatcher.samples(path))?.correlation ?? 0
    }

    /// The queue log as "event agent" lines.
    static func queueEvents(_ engine: EngineProcess) -> [String] {
        ((try? json(engine, ["queue-log", "--limit", "500"])) ?? []).map { "\($0["event"] as? String ?? "") \($0["agent"] as? String ?? "")" }
    }

    /// Wait up to 15 s for a queue log line ("event agent").
    /// Every agent's state by id, as `agents` shows it.
    static func agentStates(_ engine: EngineProcess) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try json(engine, ["agents"]).map { ($0["id"] as? String ?? "", $0["state"] as? String ?? "") })
    }

    static func waitForQueueEvent(_ engine: EngineProcess, _ line: String) {
        let deadline = Date().addingTimeInterval(15)
        while !queueEvents(engine).contains(line), Date() < deadline { usleep(200_000) }
    }

    /// The agent each caller (by calling number) was connected to, in the order of connection.
    static func connections(_ engine: EngineProcess) throws -> [(caller: String, agent: String)] {
        let cdrs = try json(engine, ["cdr", "--limit", "1000"])
        var callerOf: [Int: String] = [:]
        for c in cdrs { if let call = c["call"] as? Int, let calling = c["calling"] as? String { callerOf[call] = calling } }
        return try json(engine, ["queue-log", "--limit", "2000"]).filter { $0["event"] as? String == "connected" }.map {
            (callerOf[$0["call"] as? Int ?? 0] ?? "?", $0["agent"] as? String ?? "?")
        }
    }

    @Test("an unanswered agent's call goes back to the head of the queue; a VIP overtakes; positions are announced; each limit overflows")
    func queueBehaviour() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear", queueExtras: ", announce_every_s: 2.5"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001", "1002"])
        let heard = lab.directory + "/waiting.wav"
        let scenario = Self.carrier(hangupAfter: 5, extra: "answer_by_trunk: { phone1: { } }") + """

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
        let log = try Self.json(engine, ["queue-log", "--limit", "500"])
        let events = log.map { "\($0["event"] as? String ?? "")\(($0["agent"] as? String).map { " \($0)" } ?? "")" }
        let firstCall = try #require(log.first { $0["event"] as? String == "entered" && $0["queue"] as? String == "sales" }?["call"] as? Int)
        let firstEvents = log.filter { $0["call"] as? Int == firstCall }.map { "\($0["event"] as? String ?? "") \($0["agent"] as? String ?? "")" }
        #expect(firstEvents.starts(with: ["entered ", "offered 1001", "no-answer 1001", "offered 1002", "connected 1002"]),
                "the unanswered call went back and on to the next agent: \(firstEvents)")
        let connected = try Self.connections(engine).map(\.caller)
        #expect(connected == ["13800000001", "13800000003", "13800000002"], "the VIP caller overtook: \(connected)")
        let agents = Dictionary(uniqueKeysWithValues: try Self.json(engine, ["agents"]).map { ($0["id"] as? String ?? "", $0) })
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
        let states = try Self.json(engine, ["agent", "log", "--agent", "1001"]).map { $0["to"] as? String ?? "" }
        #expect(states == ["ready", "ringing", "not-ready"], "agent 1001's state log: \(states)")
    }

    @Test("an agent logs in by dialling a code from the FXS phone, takes a queue call there, and logs out by code")
    func loginFromPhone() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear", queueExtras: ", announce_agent: true"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let heard = lab.directory + "/login.wav"
        let connected = lab.directory + "/connected.wav"
        let scenario = Self.carrier(hangupAfter: 3) + """

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
        #expect(try Self.connections(engine).map(\.agent) == ["1002"], "the queue call went to the phone that logged in")
        let announcement = PromptMatcher.find(PromptMatcher.samples("\(IVRLabTests.sounds)/en/agent-number.wav"),
                                              in: PromptMatcher.samples(connected))
        #expect((announcement?.correlation ?? 0) > 0.8, "the caller hears the agent's number: \(String(describing: announcement))")
        let states = try Self.json(engine, ["agent", "log", "--agent", "1002"]).map { $0["to"] as? String ?? "" }
        #expect(states.first == "ready" && states.last == "logged-out", "\(states)")
    }

    @Test("a supervisor listens (heard by no one), whispers (heard by the agent, not the caller), barges (heard by both) and takes over (the caller stays)")
    func supervisor() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001"])
        let sounds = IVRLabTests.sounds + "/en"
        let callerHeard = lab.directory + "/caller.wav"
        let scenario = Self.carrier(hangupAfter: 40, extra: "answer_by_trunk: { phone1: { after_ms: 400, hangup_after_s: 40, record: \(lab.directory)/agent.wav, record_s: 32 } }") + """

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
        #expect(Self.correlation("welcome", in: callerHeard) < 0.5, "the caller does not hear the supervisor listening")
        #expect(Self.correlation("welcome", in: agentHeard) < 0.5, "nor does the agent")
        #expect(Self.correlation("goodbye", in: agentHeard) > 0.8, "the agent hears the whisper")
        #expect(Self.correlation("goodbye", in: callerHeard) < 0.5, "the caller does not hear the whisper")
        #expect(Self.correlation("invalid", in: callerHeard) > 0.8 && Self.correlation("invalid", in: agentHeard) > 0.8, "both hear the barge")
        #expect(Self.correlation("timeout", in: callerHeard) > 0.8, "after the take-over the caller talks with the supervisor")
        let states = try Self.json(engine, ["agent", "log", "--agent", "1001"]).map { $0["to"] as? String ?? "" }
        #expect(states.starts(with: ["ready", "ringing", "on-call", "wrap-up"]), "the agent left the call at the take-over: \(states)")
        #expect(engine.log.contains("supervisor 1009 took over agent 1001's call"), "\(engine.log)")
    }

    @Test("when the agent hangs up first the caller is asked for a score, which is stored against the call, agent and queue")
    func survey() throws {
        let lab = try LabInstance(lab: Self.lab)
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
        let config = Self.engine(strategy: "linear", queueExtras: ", survey_flow: survey").replacingOccurrences(of: "flows: []", with: "flows: [\(flows)]")
        let engine = try EngineProcess(lab: lab, config: config)
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001"])
        let asked = lab.directory + "/asked.wav"
        let thanked = lab.directory + "/thanked.wav"
        let run = try SimulatorRun.run(lab: lab, scenario: Self.carrier(hangupAfter: 2) + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000010", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 3 }, { listen: 5, record: \(asked) }, { send_dtmf: "4" },
                       { listen: 3, record: \(thanked) }, { wait_release: 10 } ] }
        """, timeout: 90)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "\(run.output)")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        #expect(Self.correlation("survey", in: asked) > 0.8, "the caller is asked to rate the call")
        #expect(Self.correlation("survey-thanks", in: thanked) > 0.8, "and thanked")
        usleep(500_000)
        let scores = try Self.json(engine, ["surveys"])
        #expect(scores.count == 1 && scores.first?["score"] as? Int == 4 && scores.first?["agent"] as? String == "1001"
                && scores.first?["queue"] as? String == "sales", "\(scores)")
    }

    @Test("an agent holds the caller (who hears music), takes them back, and transfers them blind to another queue, where the next agent answers")
    func holdAndTransfer() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001", "1002"])
        let heard = lab.directory + "/held.wav"
        let scenario = Self.carrier(hangupAfter: 40) + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000011", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 1.5 }, { listen: 6, record: \(heard) }, { wait: 8 }, { hangup: 16 } ] }
        """
        let sim = Self.simulateInBackground(lab, scenario, report: lab.directory + "/hold-report.json")
        Self.waitForQueueEvent(engine, "connected 1001")
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
        let events = Self.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "held 1001", "retrieved 1001", "transferred 1001",
                                     "entered ", "offered 1002", "connected 1002"]), "\(events)")
        #expect(try ControlTool.run(socket: socket, ["agent", "hold", "1003"]).status == 1, "an agent who is not on a call has nothing to hold")
    }

    @Test("attended transfer: the agent holds the caller, consults another agent, and hands the caller over; the caller then talks with the second agent")
    func attendedTransfer() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001", "1002"])
        let heard = lab.directory + "/second-agent.wav"
        let scenario = Self.carrier(hangupAfter: 40, extra: "answer_by_trunk: { phone2: { after_ms: 400, hangup_after_s: 40, record: \(heard), record_s: 20 } }") + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000012", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 12 }, { play: \(IVRLabTests.sounds)/en/goodbye.wav }, { wait: 2 }, { hangup: 16 } ] }
        """
        let sim = Self.simulateInBackground(lab, scenario, report: lab.directory + "/attended-report.json")
        Self.waitForQueueEvent(engine, "connected 1001")
        sleep(1)
        let socket = engine.controlSocket
        let consult = try ControlTool.run(socket: socket, ["agent", "consult", "1001", "--to", "1002"])
        #expect(consult.status == 0, "\(consult.errors)\n\(engine.log)")
        sleep(3)
        let agents = Dictionary(uniqueKeysWithValues: try Self.json(engine, ["agents"]).map { ($0["id"] as? String ?? "", $0["state"] as? String ?? "") })
        #expect(agents["1002"] == "on-call", "the consulted agent answered: \(agents)")
        let complete = try ControlTool.run(socket: socket, ["agent", "complete", "1001"])
        #expect(complete.status == 0, "\(complete.errors)")
        let call = try #require(sim.calls()?.first, "pstn-sim did not finish, or left no report")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        #expect(Self.correlation("goodbye", in: heard) > 0.8, "after the transfer the second agent hears the caller")
        let events = Self.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "consulting 1001", "transferred 1001", "connected 1002"]),
                "\(events)")
        #expect(try ControlTool.run(socket: socket, ["agent", "complete", "1002"]).status == 1, "no consultation to complete")
    }

    @Test("from the phone: the agent flashes (the caller hears music), takes the caller back with #, flashes and dials another agent, and hangs up to hand the caller over; both agents' screens pop with the caller's earlier call")
    func phoneAttendedTransfer() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001", "1002"])
        let desktop = try ControlClient(path: engine.controlSocket)
        _ = try desktop.request("events.subscribe", ["kinds": .array([.string("agent.offered")])])
        let held = lab.directory + "/held.wav", second = lab.directory + "/second-agent.wav"
        let agentSteps = """
        [ { wait: 2 }, { flash: true }, { wait: 2.5 }, { send_dtmf: "#" }, { wait: 1.5 }, { flash: true }, { wait: 1 },
          { send_dtmf: "1002#" }, { wait: 4 }, { hangup: 16 } ]
        """
        let scenario = Self.carrier(hangupAfter: 40, extra: """
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
        #expect(Self.correlation("goodbye", in: second) > 0.8, "after the hand-over the second agent hears the caller")
        let events = Self.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "held 1001", "retrieved 1001", "held 1001",
                                     "consulting 1001", "transferred 1001", "connected 1002"]), "\(events)\n\(engine.log)")
    }

    @Test("from the phone: * marks the caller as a prospect; a flash and a queue's number transfer the caller blind to that queue; a wrong number is refused")
    func phoneBlindTransfer() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001", "1003"])
        let agentSteps = """
        [ { wait: 1.5 }, { send_dtmf: "*" }, { wait: 1 }, { flash: true }, { wait: 1 }, { send_dtmf: "777#" }, { wait: 3 },
          { send_dtmf: "95502#" }, { wait: 2 }, { hangup: 16 } ]
        """
        let scenario = Self.carrier(hangupAfter: 40, extra: "answer_by_trunk: { phone1: { after_ms: 400, steps: \(agentSteps) } }") + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000014", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 16 }, { hangup: 16 } ] }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario, timeout: 90)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "\(run.output)\n\(engine.log)")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        let events = Self.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "prospect 1001", "held 1001", "phone-refused 1001",
                                     "transferred 1001", "entered ", "offered 1003", "connected 1003"]), "\(events)\n\(engine.log)")
        let log = try Self.json(engine, ["queue-log", "--limit", "50"])
        let prospect = log.first { $0["event"] as? String == "prospect" }
        #expect(prospect?["detail"] as? String == "caller 13800000014", "\(String(describing: prospect))")
        #expect(log.contains { $0["event"] as? String == "entered" && $0["queue"] as? String == "support" })
    }

    @Test("a supervisor at a desktop: the engine rings their phone and taps the call (listen, then whisper); forcing states stays within their group and queues")
    func deskSupervisor() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001", "1002"])
        let socket = engine.controlSocket
        #expect(try ControlTool.run(socket: socket, ["agent", "login", "1009", "--station", "8003"]).status == 0)
        let sounds = IVRLabTests.sounds + "/en"
        let supervisorHeard = lab.directory + "/supervisor.wav", agentHeard = lab.directory + "/agent.wav"
        let scenario = Self.carrier(hangupAfter: 40, extra: """
        answer_by_trunk:
          phone1: { after_ms: 400, hangup_after_s: 40, record: \(agentHeard), record_s: 20 }
          phone3: { after_ms: 400, hangup_after_s: 40, record: \(supervisorHeard), record_s: 16,
                    steps: [ { wait: 6 }, { play: \(sounds)/goodbye.wav } ] }
        """) + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000015", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 5 }, { play: \(sounds)/welcome.wav }, { wait: 8 }, { hangup: 16 } ] }
        """
        let sim = Self.simulateInBackground(lab, scenario, report: lab.directory + "/desk-report.json")
        Self.waitForQueueEvent(engine, "connected 1001")
        let outside = try ControlTool.run(socket: socket, ["supervise", "listen", "1004", "--supervisor", "1009"])
        #expect(outside.status == 1 && outside.errors.contains("scope"), "\(outside.errors)")
        let listen = try ControlTool.run(socket: socket, ["supervise", "listen", "1001", "--supervisor", "1009"])
        #expect(listen.status == 0, "\(listen.errors)\n\(engine.log)")
        sleep(5)
        #expect(try ControlTool.run(socket: socket, ["supervise", "whisper", "1001", "--supervisor", "1009"]).status == 0)
        let call = try #require(sim.calls()?.first, "pstn-sim did not finish, or left no report")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        #expect(Self.correlation("welcome", in: supervisorHeard) > 0.8, "the supervisor hears the caller")
        #expect(Self.correlation("goodbye", in: agentHeard) > 0.8, "the agent hears the whisper")
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
        let agents = Dictionary(uniqueKeysWithValues: try Self.json(engine, ["agents"]).map { ($0["id"] as? String ?? "", $0) })
        #expect(agents["1002"]?["state"] as? String == "not-ready" && agents["1002"]?["reason"] as? String == "coaching")
        #expect(agents["1003"]?["state"] as? String == "ready")
        #expect(agents["1004"]?["state"] as? String == "logged-out")
    }

    @Test("an agent transfers the caller blind to another agent (music until they answer); malformed transfers are refused; an agent's recording policy records from when they answer")
    func transferToAgent() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(
            strategy: "linear", extra: "\nrecording: { dir: \(lab.directory)/recordings, policies: [ { queue: sales, agent: \"1002\" } ] }"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001", "1002"])
        let heard = lab.directory + "/second-agent.wav"
        let scenario = Self.carrier(hangupAfter: 40, extra: "answer_by_trunk: { phone2: { after_ms: 400, hangup_after_s: 40, record: \(heard), record_s: 14 } }") + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000016", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 8 }, { play: \(IVRLabTests.sounds)/en/goodbye.wav }, { wait: 2 }, { hangup: 16 } ] }
        """
        let sim = Self.simulateInBackground(lab, scenario, report: lab.directory + "/blind-agent-report.json")
        Self.waitForQueueEvent(engine, "connected 1001")
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
        #expect(Self.correlation("goodbye", in: heard) > 0.8, "the second agent hears the caller")
        let events = Self.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "consulting 1001", "transferred 1001", "connected 1002"]),
                "\(events)")
        let recordings = try Self.json(engine, ["recordings", "list"])
        #expect(recordings.count == 1, "recorded once, from agent 1002's answer: \(recordings)")
        let reason = recordings.first?["reason"] as? String ?? ""
        #expect(reason.contains("queue sales, agent 1002"), "\(recordings)")
    }

    @Test("secondary preferences: the CRM names a caller's account manager, a Shanghai caller goes to the Shanghai agent, others by the strategy")
    func preferencesAndCRM() throws {
        let lab = try LabInstance(lab: Self.lab)
        let crm = try LoopbackHTTPService(directory: lab.directory, answers: [
            "/caller/13800000021": #"{"priority": 3, "account_manager": "1003", "name": "Zhang San", "address": {"city": "Shanghai"}}"#,
        ])
        let engine = try EngineProcess(lab: lab, config: Self.engine(
            strategy: "linear", queueExtras: ", prefer: [account-manager, same-location]",
            acdExtras: "\n  crm: { url: \"http://127.0.0.1:\(crm.port)/caller/{caller}\", timeout_s: 1 }"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001", "1002", "1003"])
        let desktop = try ControlClient(path: engine.controlSocket)
        _ = try desktop.request("events.subscribe", ["kinds": .array([.string("agent.offered")]), "agents": .array([.string("1003")])])
        func caller(_ number: String, at: Double) -> String {
            """
              - { name: "\(number)", trunk: e1, calling: "\(number)", called: "95501", at_s: \(at),
                  steps: [ { wait_answer: 10 }, { wait_release: 20 } ] }
            """
        }
        let run = try SimulatorRun.run(lab: lab, scenario: Self.carrier(hangupAfter: 2) + "\ncalls:\n"
                                       + [caller("13800000021", at: 0), caller("02155550001", at: 5), caller("13800000023", at: 10)]
                                       .joined(separator: "\n"), timeout: 90)
        let calls = try #require(run.report?["calls"] as? [[String: Any]], "\(run.output)\n\(engine.log)")
        for c in calls { #expect(c["failure"] == nil, "\(c)\n\(engine.log)") }
        let byCaller = Dictionary(try Self.connections(engine).map { ($0.caller, $0.agent) }, uniquingKeysWith: { a, _ in a })
        #expect(byCaller["13800000021"] == "1003", "the CRM's account manager: \(byCaller)")
        #expect(byCaller["02155550001"] == "1002", "the agent in 021: \(byCaller)")
        #expect(byCaller["13800000023"] == "1001", "nobody preferred: linear: \(byCaller)")
        let log = try Self.json(engine, ["queue-log", "--limit", "100"])
        #expect(log.contains { $0["event"] as? String == "crm"
                    && $0["detail"] as? String == "priority 3, account manager 1003; address.city Shanghai, name Zhang San" }, "\(log)")
        var pops: [JSONValue] = []
        while let event = try desktop.nextEvent(timeout: 0.5) { pops.append(event) }
        let pop = pops.first { $0["caller"]?.stringValue == "13800000021" }?["variables"]
        #expect(pop?["crm.name"]?.stringValue == "Zhang San" && pop?["crm.address.city"]?.stringValue == "Shanghai",
                "the agent's screen shows what the CRM knows: \(pops)")
        #expect(log.filter { $0["event"] as? String == "crm-failed" }.count == 2, "the CRM knows the other two callers not (404)")
    }

    @Test("a waiting caller hears the estimated wait and the offer to leave a message, and pressing 1 takes it")
    func estimatedWaitAndLeaveMessage() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(
            strategy: "linear", queueExtras: ", announce_every_s: 2, announce_wait: true, on_leave_message: { hangup: 31 }"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001"])
        let heard = lab.directory + "/waiting.wav"
        let scenario = Self.carrier(hangupAfter: 30) + """

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
            #expect(Self.correlation(prompt, in: heard) > 0.8, "the waiting caller hears \(prompt)")
        }
        let log = try Self.json(engine, ["queue-log", "--limit", "100"])
        #expect(log.contains { $0["event"] as? String == "overflow" && ($0["detail"] as? String ?? "").contains("leave a message") }, "\(log)")
    }

    @Test("an agent's state survives a brief loss of their desktop's connection; a desktop gone for longer leaves the agent not ready")
    func desktopConnection() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear", acdExtras: "\n  desktop_grace_s: 2"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1002"])
        func states() throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try Self.json(engine, ["agents"]).map {
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
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let heard = lab.directory + "/loop.wav"
        let sounds = IVRLabTests.sounds
        let run = try SimulatorRun.run(lab: lab, scenario: Self.carrier(hangupAfter: 10) + """

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
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear", queueExtras: ", reserve_idle: 1"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001", "1002"])
        func states() throws -> [String: String] { try Self.agentStates(engine) }
        let scenario = Self.carrier(hangupAfter: 4) + """

        calls:
          - { name: internal, trunk: phone1, called: "8002#", steps: [ { wait_answer: 10 }, { wait: 4 }, { hangup: 16 } ] }
          - { name: keep-running, trunk: e1, called: "99999", at_s: 24, steps: [] }
        """
        let sim = Self.simulateInBackground(lab, scenario, report: lab.directory + "/own-report.json")
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
        let out = try Self.json(engine, ["cdr", "--limit", "20"]).first { $0["called"] as? String == "8002" }
        #expect(out?["answered_at"] as? Double != nil, "the internal call: \(String(describing: out))")
        let legs = try Self.json(engine, ["agent", "log", "--agent", "1002"]).map { $0["to"] as? String ?? "" }
        #expect(legs.filter { $0 == "on-call" }.count == 2, "1002 was on a call twice (internal, then dialling out): \(legs)")
        #expect(engine.log.contains("agent 1002 dials 13900000001 on carrier"), "\(engine.log)")
        let end = try states()
        #expect(end["1002"] == "ready", "\(end)")
    }

    @Test("three-way call: the agent consults another and brings the caller in; both agents hear the caller; the consulted agent leaves and the first talks on with the caller")
    func threeWayCall() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001", "1002"])
        let sounds = IVRLabTests.sounds + "/en"
        let first = lab.directory + "/first.wav", second = lab.directory + "/second.wav"
        let scenario = Self.carrier(hangupAfter: 40, extra: """
        answer_by_trunk:
          phone1: { after_ms: 400, hangup_after_s: 40, record: \(first), record_s: 24 }
          phone2: { after_ms: 400, record: \(second), record_s: 12, steps: [ { wait: 9 }, { hangup: 16 } ] }
        """) + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000017", called: "95501",
              steps: [ { wait_answer: 10 }, { wait: 8 }, { play: \(sounds)/welcome.wav }, { wait: 5 },
                       { play: \(sounds)/goodbye.wav }, { wait: 2 }, { hangup: 16 } ] }
        """
        let sim = Self.simulateInBackground(lab, scenario, report: lab.directory + "/three-way-report.json")
        Self.waitForQueueEvent(engine, "connected 1001")
        let socket = engine.controlSocket
        #expect(try ControlTool.run(socket: socket, ["agent", "conference", "1001"]).status == 1, "nobody consulted yet")
        #expect(try ControlTool.run(socket: socket, ["agent", "consult", "1001", "--to", "1002"]).status == 0)
        sleep(3)
        let conference = try ControlTool.run(socket: socket, ["agent", "conference", "1001"])
        #expect(conference.status == 0, "\(conference.errors)\n\(engine.log)")
        let call = try #require(sim.calls()?.first, "pstn-sim did not finish, or left no report")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        #expect(Self.correlation("welcome", in: first) > 0.8, "the first agent hears the caller in the three-way call")
        #expect(Self.correlation("welcome", in: second) > 0.8, "so does the consulted agent")
        #expect(Self.correlation("goodbye", in: first) > 0.8, "after the consulted agent left, the caller and the first agent talk on")
        let events = Self.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "consulting 1001", "conference 1001"]), "\(events)")
    }

    @Test("three-way call the caller leaves: the agents talk on, and when the first hangs up nothing is handed over; the consulted agent is freed without wrap-up")
    func threeWayCallerLeaves() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001", "1002"])
        let scenario = Self.carrier(hangupAfter: 40, extra: """
        answer_by_trunk:
          phone1: { after_ms: 400, steps: [ { wait: 16 }, { hangup: 16 } ] }
          phone2: { after_ms: 400, hangup_after_s: 40 }
        """) + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000018", called: "95501", steps: [ { wait_answer: 10 }, { wait: 10 }, { hangup: 16 } ] }
        """
        let sim = Self.simulateInBackground(lab, scenario, report: lab.directory + "/three-way-left-report.json")
        Self.waitForQueueEvent(engine, "connected 1001")
        let socket = engine.controlSocket
        #expect(try ControlTool.run(socket: socket, ["agent", "consult", "1001", "--to", "1002"]).status == 0)
        sleep(3)
        let conference = try ControlTool.run(socket: socket, ["agent", "conference", "1001"])
        #expect(conference.status == 0, "\(conference.errors)\n\(engine.log)")
        Self.waitForQueueEvent(engine, "completed 1001")
        let agentsAfterCaller = try Self.agentStates(engine)
        #expect(agentsAfterCaller["1001"] == "on-call" && agentsAfterCaller["1002"] == "on-call",
                "the two agents talk on after the caller left: \(agentsAfterCaller)")
        _ = try #require(sim.calls(), "pstn-sim did not finish, or left no report")
        sleep(2)
        let events = Self.queueEvents(engine)
        #expect(events == ["entered ", "offered 1001", "connected 1001", "consulting 1001", "conference 1001", "completed 1001"],
                "nothing is handed over to the caller who left: \(events)")
        let consulted = try Self.json(engine, ["agent", "log", "--agent", "1002"]).map { $0["to"] as? String ?? "" }
        #expect(consulted.last == "ready" && !consulted.contains("wrap-up"), "the consulted agent is freed: \(consulted)")
    }

    @Test("a caller who comes through the IVR pops up on the agent's screen with the way they came and what they keyed in")
    func screenPopFromIVR() throws {
        let lab = try LabInstance(lab: Self.lab)
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
        let engine = try EngineProcess(lab: lab, config: Self.engine(
            strategy: "linear", flows: flowFile, routes: "\n  - { called: \"95505\", to: { app: ivr, arg: front } }"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001"])
        let desktop = try ControlClient(path: engine.controlSocket)
        _ = try desktop.request("events.subscribe", ["kinds": .array([.string("agent.offered")]), "agents": .array([.string("1001")])])
        let run = try SimulatorRun.run(lab: lab, scenario: Self.carrier(hangupAfter: 1) + """

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

    @Test("a caller transferred to an agent who does not answer goes back to the head of the queue and on to another agent")
    func unansweredTransfer() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try Self.login(engine, ["1001", "1002"])
        let scenario = Self.carrier(hangupAfter: 3, extra: "answer_by_trunk: { phone2: {} }") + """

        calls:
          - { name: caller, trunk: e1, calling: "13800000019", called: "95501",
              steps: [ { wait_answer: 10 }, { wait_release: 30 } ] }
        """
        let sim = Self.simulateInBackground(lab, scenario, report: lab.directory + "/unanswered-report.json")
        Self.waitForQueueEvent(engine, "connected 1001")
        #expect(try ControlTool.run(socket: engine.controlSocket, ["agent", "transfer", "1001", "--to", "1002"]).status == 0)
        let call = try #require(sim.calls()?.first, "pstn-sim did not finish, or left no report")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        let events = Self.queueEvents(engine)
        #expect(events.starts(with: ["entered ", "offered 1001", "connected 1001", "consulting 1001", "transferred 1001",
                                     "transfer-unanswered 1002", "no-answer 1002", "offered 1001", "connected 1001"]), "\(events)")
    }

    @Test("agent commands refuse what cannot be: an unknown agent, a taken station, a pause while ringing is not a logout")
    func agentCommands() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(strategy: "linear"))
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
        let agents = Dictionary(uniqueKeysWithValues: try Self.json(engine, ["agents"]).map { ($0["id"] as? String ?? "", $0) })
        #expect(agents["1001"]?["reason"] as? String == "lunch" && agents["1001"]?["station"] as? String == "8001")
        #expect(try ControlTool.run(socket: socket, ["agent", "logout", "1001"]).status == 0)
        #expect(try ControlTool.run(socket: socket, ["agent", "ready", "1001"]).status == 1, "a logged-out agent is not made ready")
        let queues = try Self.json(engine, ["queues"])
        #expect(queues.map { $0["name"] as? String ?? "" } == ["sales", "short", "support", "tiny"])
        let request = try ControlTool.run(socket: socket, ["request", "agent.login", "{\"agent\": 5}"])
        #expect(request.status == 1, "a malformed argument is refused: \(request.output) \(request.errors)")
    }
}

/// A pstn-sim run in the background: wait for it and read its calls.
struct BackgroundSimulation {
    let done: DetachedResult<Bool>
    let report: String

    /// The scripted calls' reports once the run is over; nil when it failed.
    func calls() -> [[String: Any]]? {
        guard done.wait() == true, let data = FileManager.default.contents(atPath: report),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["calls"] as? [[String: Any]]
    }
}
