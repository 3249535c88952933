import Control
import Foundation
import Glibc
import LabTestSupport
import Testing

/// What the ACD's lab tests share: `pstnd` with callers from `pstn-sim` over an emulated E1 and
/// agents on FXS ports whose phones are `pstn-sim`'s FXO lines (they answer after 0.4 s and hang
/// up after a while). Who got which call is read from the queue log and the CDRs.
enum ACDLab {
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
