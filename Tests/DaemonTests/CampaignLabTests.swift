import Control
import Foundation
import Glibc
import LabTestSupport
import Testing

/// Outbound campaigns in `pstnd`: the ACD lab's agents on FXS ports (phones in `pstn-sim`),
/// contacts reached over the emulated E1, where `pstn-sim` answers, is busy, lets it ring or
/// has no such number, by called number.
@Suite("Outbound campaigns between pstnd and pstn-sim", .lab)
struct CampaignLabTests {
    static let campaign = """

      campaigns:
        - { name: reminders, queue: sales, trunk_group: carrier, calling: "95501", max_attempts: 2, retry_s: 1,
            busy_retry_s: 1, no_answer_s: 5, agent_ring_s: 4, wrapup_s: 1 }
        - { name: bulk, queue: support, trunk_group: carrier }
    """

    @Test("a campaign rings free agents and dials their contacts: answered, busy and unanswered numbers are retried up to the limit, a missing number is given up at once, a removed one never called, and an agent who lets the call ring out is paused")
    func progressiveCampaign() throws {
        let lab = try LabInstance(lab: ACDLab.lab)
        let engine = try EngineProcess(lab: lab, config: ACDLab.engine(strategy: "linear", acdExtras: Self.campaign))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let socket = engine.controlSocket
        let scenario = ACDLab.carrier(hangupAfter: 8, extra: """
        answer_by_trunk:
          phone2: { }
        answer_by_called:
          "13900000001": { after_ms: 600, hangup_after_s: 2 }
          "13900000002": { reject: 17 }
          "13900000003": { }
          "13900000004": { reject: 1 }
        """) + """

        calls:
          - { name: keep-running, trunk: e1, called: "99999", at_s: 45, steps: [] }
        """
        try ACDLab.login(engine, ["1001", "1002", "1003"])

        let list = lab.directory + "/contacts.csv"
        try "number,reference\n139-0000-0001,ACC-1\n13900000002,ACC-2\n13900000003\n# not yet\n13900000004,ACC-4\n13900000005\n"
            .write(toFile: list, atomically: true, encoding: .utf8)
        let added = try ControlTool.run(socket: socket, ["campaign", "add", "reminders", "--file", list])
        #expect(added.status == 0 && added.output.contains("5 contacts added"), "\(added.output) \(added.errors)")
        let again = try ControlTool.run(socket: socket, ["campaign", "add", "reminders", "13900000001"])
        #expect(again.output.contains("0 contacts added") && again.output.contains("1 it had already"), "\(again.output)")
        #expect(try ControlTool.run(socket: socket, ["campaign", "remove", "reminders", "13900000005"]).status == 0)
        #expect(try ControlTool.run(socket: socket, ["campaign", "add", "reminders", "12a"]).status != 0)
        #expect(try ControlTool.run(socket: socket, ["campaign", "add", "nosuch", "139"]).status != 0)
        for (command, args) in [
            ("campaign.add", #"{"campaign": "reminders", "contacts": "13900000009"}"#), ("campaign.add", #"{"campaign": "reminders", "contacts": []}"#),
            ("campaign.add", #"{"campaign": "reminders", "contacts": [1]}"#), ("campaign.add", #"{"campaign": "reminders", "contacts": [{"number": "12a"}]}"#),
            ("campaign.add", #"{"campaign": "reminders", "contacts": [{"number": "139", "name": "x"}]}"#),
            ("campaign.add", #"{"campaign": "reminders", "contacts": [{"number": "139", "reference": 5}]}"#),
            ("campaign.add", #"{"campaign": "reminders", "contacts": [{"number": ""}]}"#), ("campaign.add", #"{"contacts": [{"number": "139"}]}"#),
            ("campaign.add", #"{"campaign": 7, "contacts": [{"number": "139"}]}"#), ("campaign.start", #"{"campaign": "reminders", "now": true}"#),
            ("campaign.start", #"{"campaign": "nosuch"}"#), ("campaign.contacts", #"{"campaign": "reminders", "state": "lost"}"#),
            ("campaign.contacts", #"{"campaign": "reminders", "limit": 0}"#), ("campaign.remove", #"{"campaign": "reminders"}"#),
        ] {
            let r = try ControlTool.run(socket: socket, ["request", command, args])
            #expect(r.status != 0, "\(command) \(args) was accepted: \(r.output)")
        }
        // A list longer than one request holds (the socket's lines are 64 KiB), listed a page at a time.
        let bulk = lab.directory + "/bulk.csv"
        let padding = String(repeating: "x", count: 150)
        try ((0..<450).map { "1380000\(String(format: "%04d", $0)),\"Customer \($0), branch \"\"East\"\" \(padding)\"" }.joined(separator: "\r\n"))
            .write(toFile: bulk, atomically: true, encoding: .utf8)
        let loaded = try ControlTool.run(socket: socket, ["campaign", "add", "bulk", "--file", bulk])
        #expect(loaded.status == 0 && loaded.output.contains("450 contacts added"), "\(loaded.output) \(loaded.errors)")
        let page1 = try ACDLab.json(engine, ["campaign", "contacts", "bulk", "--limit", "300"])
        let page2 = try ACDLab.json(engine, ["campaign", "contacts", "bulk", "--limit", "300", "--after", "\(page1.last?["id"] as? Int ?? 0)"])
        #expect(page1.count == 300 && page2.count == 150 && page2.last?["number"] as? String == "13800000449")
        #expect(page2.last?["reference"] as? String == "Customer 449, branch \"East\" \(padding)", "90 KB of JSON, sent in two requests")
        #expect(try ControlTool.run(socket: socket, ["campaign", "contacts", "bulk", "--limit", "5001"]).status != 0)
        let idle = try ACDLab.json(engine, ["campaign", "list"]).first { $0["name"] as? String == "reminders" }
        #expect(idle?["running"] as? Bool == false && idle?["pending"] as? Int == 4, "not started by configuration: \(String(describing: idle))")

        // The far end (contacts and agents' phones) from here on, for 45 s: once its E1 is up, start.
        let sim = ACDLab.simulateInBackground(lab, scenario, report: lab.directory + "/campaign-report.json")
        let link = engine.waitForEvent(within: 20) { $0["event"] as? String == "link" && $0["backend"] as? String == "e1" && $0["up"] as? Bool == true }
        #expect(link != nil, "the E1 to pstn-sim came up: \(engine.log)")
        #expect(try ControlTool.run(socket: socket, ["campaign", "start", "reminders"]).status == 0)
        var contacts: [String: [String: Any]] = [:]
        let deadline = Date().addingTimeInterval(40)
        repeat {
            sleep(1)
            contacts = Dictionary(uniqueKeysWithValues: try ACDLab.json(engine, ["campaign", "contacts", "reminders"]).map {
                ($0["number"] as? String ?? "", $0)
            })
        } while contacts.values.contains(where: { ["pending", "dialling"].contains($0["state"] as? String) }) && Date() < deadline
        func show(_ n: String) -> String { "\(contacts[n] ?? [:])\n\(engine.log.suffix(4000))" }

        let answered = contacts["13900000001"]
        #expect(answered?["state"] as? String == "done" && answered?["outcome"] as? String == "answered" && answered?["attempts"] as? Int == 1,
                "\(show("13900000001"))")
        #expect(answered?["reference"] as? String == "ACC-1")
        #expect((answered?["talk_seconds"] as? Double ?? 0) > 1, "the contact talked to the agent: \(show("13900000001"))")
        #expect(["1001", "1003"].contains(answered?["agent"] as? String ?? ""), "an agent who answers took it: \(show("13900000001"))")
        let busy = contacts["13900000002"]
        #expect(busy?["state"] as? String == "failed" && busy?["outcome"] as? String == "busy" && busy?["attempts"] as? Int == 2
                    && busy?["cause"] as? Int == 17, "busy twice, then given up: \(show("13900000002"))")
        let ringing = contacts["13900000003"]
        #expect(ringing?["state"] as? String == "failed" && ringing?["outcome"] as? String == "no-answer" && ringing?["attempts"] as? Int == 2,
                "rang out twice: \(show("13900000003"))")
        let missing = contacts["13900000004"]
        #expect(missing?["state"] as? String == "failed" && missing?["outcome"] as? String == "invalid-number" && missing?["attempts"] as? Int == 1,
                "no such number: not called again: \(show("13900000004"))")
        let removed = contacts["13900000005"]
        #expect(removed?["state"] as? String == "removed" && removed?["attempts"] as? Int == 0, "\(show("13900000005"))")

        let states = try ACDLab.json(engine, ["agents"]).reduce(into: [String: String]()) {
            $0[$1["id"] as? String ?? ""] = "\($1["state"] as? String ?? "") \($1["reason"] as? String ?? "")"
        }
        #expect(states["1002"] == "not-ready missed campaign call", "1002's phone never answers: \(states)")
        let summary = try ACDLab.json(engine, ["campaign", "list"]).first { $0["name"] as? String == "reminders" }
        #expect(summary?["done"] as? Int == 1 && summary?["failed"] as? Int == 3 && summary?["removed"] as? Int == 1
                    && summary?["running"] as? Bool == true, "\(String(describing: summary))")
        let metrics = try ControlTool.run(socket: socket, ["metrics"]).output
        let failed = metrics.split(separator: "\n").first { $0.hasPrefix(#"pstn_campaign_contacts{campaign="reminders",state="failed"} "#) }
        #expect(failed.flatMap { Double($0.split(separator: " ").last ?? "") } == 3, "\(metrics)")
        #expect(try ControlTool.run(socket: socket, ["campaign", "pause", "reminders"]).status == 0)
        #expect(try ACDLab.json(engine, ["campaign", "list"]).allSatisfy { $0["running"] as? Bool == false })

        _ = sim.calls()
        let report = FileManager.default.contents(atPath: lab.directory + "/campaign-report.json")
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let reached = (report?["answeredFromEngine"] as? [[String: Any]] ?? []).filter { ($0["called"] as? String ?? "").hasPrefix("139") }
        #expect(!reached.isEmpty && reached.allSatisfy { $0["calling"] as? String == "95501" },
                "contacts see the campaign's calling number: \(reached)")
        #expect(reached.filter { $0["called"] as? String == "13900000005" }.isEmpty, "the removed number was never called")
    }
}
