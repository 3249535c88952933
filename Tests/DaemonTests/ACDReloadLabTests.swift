import Foundation
import Glibc
import LabTestSupport
import Testing

/// The ACD's queues, agents and campaigns changed by a reload while calls go on. The lab is
/// `ACDLab`'s.
@Suite("ACD reloaded while calls go on", .lab)
struct ACDReloadLabTests {
    /// `ACDLab`'s configuration after an operator's edit: agent 1001 and queue tiny gone, agent
    /// 1005 added at 1002's desk (8002), queue vip (number 95505) added, 1003 renamed, a campaign.
    static func edited(_ base: String) -> String {
        let edits: [(String, String)] = [
            ("    - { id: \"1001\", name: Li Wei, group: team-a, station: \"8001\", queues: { sales: 5, short: 5 } }\n", ""),
            ("station: \"8002\", queues: { sales: 5, short: 5, tiny: 5 } }", "queues: { sales: 5, short: 5 } }"),
            ("name: Zhao Lei, group: team-c, queues: { tiny: 5 } }",
             "name: Zhao Lei, group: team-c, queues: { support: 5 } }\n    - { id: \"1005\", name: Sun Li, group: team-a, station: \"8002\", queues: { vip: 5 } }"),
            ("name: Zhang Min,", "name: Zhang Min (team lead),"),
            ("    - { name: tiny, strategy: linear, max_callers: 1, on_full: { hangup: 42 } }",
             "    - { name: vip, strategy: linear, ring_s: 5, wrapup_s: 1 }"),
            ("  - { called: \"95504\", to: { app: queue, arg: tiny } }", "  - { called: \"95505\", to: { app: queue, arg: vip } }"),
            ("  language: en\n", "  language: en\n  campaigns: [ { name: winter, queue: sales, trunk_group: carrier } ]\n"),
        ]
        var text = base
        for (old, new) in edits {
            #expect(text.contains(old), "the lab's configuration still has \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    @Test("a reload adds an agent and a queue, drops an idle queue, and removes an agent on a call once the call ends; the call goes on")
    func reloadDuringCall() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let base = ACDLab.engine(strategy: "linear")
        let engine = try EngineProcess(lab: lab, config: base)
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        try ACDLab.login(engine, ["1001", "1003"])
        let scenario = ACDLab.carrier(hangupAfter: 14) + """

        calls:
          - { name: before, trunk: e1, calling: "13800000001", called: "95501", at_s: 0,
              steps: [ { wait_answer: 10 }, { wait_release: 30 } ] }
          - { name: vip, trunk: e1, calling: "13800000002", called: "95505", at_s: 9,
              steps: [ { wait_answer: 10 }, { wait_release: 30 } ] }
        """
        let simulation = ACDLab.simulateInBackground(lab, scenario, report: lab.directory + "/reload.json")
        ACDLab.waitForQueueEvent(engine, "connected 1001")
        #expect(try ACDLab.agentStates(engine)["1001"] == "on-call", "\(engine.log)")

        try engine.rewrite(config: Self.edited(base), lab: lab)
        let reload = try ControlTool.run(socket: engine.controlSocket, ["reload"])
        #expect(reload.status == 0, "\(reload.output) \(reload.errors)")
        for said in ["queues added: vip", "queues removed: tiny", "agents added: 1005", "agents changed: 1002, 1003, 1004",
                     "agents removed after their call: 1001", "campaigns added: winter"] {
            #expect(reload.output.contains(said), "the reload says \(said): \(reload.output)")
        }
        let states = try ACDLab.agentStates(engine)
        #expect(states["1001"] == "on-call", "the removed agent's call goes on: \(states)")
        #expect(states["1003"] == "ready" && states["1005"] == "logged-out", "\(states)")
        let agents = try ACDLab.json(engine, ["agents"])
        #expect(agents.first { $0["id"] as? String == "1003" }?["name"] as? String == "Zhang Min (team lead)", "\(agents)")
        #expect(agents.first { $0["id"] as? String == "1001" }?["leaving"] as? Bool == true, "\(agents)")
        let table = try ControlTool.run(socket: engine.controlSocket, ["agents"]).output
        #expect(table.contains("on-call (leaving)"), "the operator sees who leaves after their call:\n\(table)")
        let queues = try ACDLab.json(engine, ["queues"]).map { $0["name"] as? String ?? "" }
        #expect(queues == ["sales", "short", "support", "vip"], "\(queues)")
        let campaigns = try ACDLab.json(engine, ["campaign", "list"])
        #expect(campaigns.map { $0["name"] as? String } == ["winter"] && campaigns.first?["running"] as? Bool == false, "\(campaigns)")
        try ACDLab.login(engine, ["1005"])

        let calls = Dictionary(uniqueKeysWithValues: try #require(simulation.calls(), "the simulation ran").map { ($0["name"] as? String ?? "", $0) })
        #expect(calls["before"]?["failure"] == nil, "the call up during the reload was not cut: \(calls["before"] ?? [:])\n\(engine.log)")
        #expect(calls["vip"]?["answeredAt"] != nil, "a caller reaches the new queue: \(calls["vip"] ?? [:])")
        #expect(try ACDLab.connections(engine).map(\.agent) == ["1001", "1005"], "the new queue's call went to the new agent")
        let after = try ACDLab.agentStates(engine)
        #expect(after["1001"] == nil, "the removed agent is gone once their call ended: \(after)")
        let log = try ACDLab.json(engine, ["agent", "log", "--agent", "1001"]).map { $0["to"] as? String ?? "" }
        #expect(log.last == "logged-out", "their agent log ends logged out: \(log)")

        // A configuration the ACD cannot take is refused and the running one stays.
        try engine.rewrite(config: Self.edited(base).replacingOccurrences(of: "queues: { vip: 5 }", with: "queues: { nosuch: 5 }"), lab: lab)
        let refused = try ControlTool.run(socket: engine.controlSocket, ["reload"])
        #expect(refused.status != 0 && (refused.output + refused.errors).contains("nosuch"), "\(refused.output) \(refused.errors)")
        #expect(try ACDLab.json(engine, ["queues"]).count == 4)
    }
}
