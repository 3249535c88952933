import Foundation
import Glibc
import LabTestSupport
import Testing

/// SIGHUP and SIGTERM on a running `pstnd` with calls up, driven from `pstn-sim`.
@Suite("pstnd reload and drain", .lab)
struct DaemonLifecycleLabTests {
    static func engine(route: String, drain: Double = 30) -> String {
        """
        dahdi: DAHDI
        events: EVENTS
        drain_s: \(drain)
        trunks:
          - { name: e1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn, line: E1 }
          - { name: t1, type: pri, group: carrier-t1, dchannel: 55, bchannels: "32-54", side: user, switch: ni2, line: T1 }
        routes:
          - { called: "95588", to: \(route) }
        applications:
          answer: { after_ms: 100 }
        """
    }

    func calls(_ run: (status: Int32, report: [String: Any]?, output: String)) throws -> [String: [String: Any]] {
        let list = try #require(run.report?["calls"] as? [[String: Any]], "no report: \(run.output)")
        return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "", $0) })
    }

    @Test("SIGHUP changes routing for new calls while a call in progress stays up")
    func reload() throws {
        let lab = try LabInstance(lab: PRILabTests.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(route: "{ app: answer }"))
        defer { engine.stop() }
        let reloader = Thread {
            guard engine.waitForEvent(within: 30, { $0["event"] as? String == "answered" }) != nil else { return }
            try? engine.rewrite(config: Self.engine(route: "{ reject: 17 }"), lab: lab)
            engine.send(SIGHUP)
        }
        reloader.start()
        let scenario = PRILabTests.carrierTrunks + """

        calls:
          - { name: before, trunk: e1, called: "95588", steps: [ { wait_answer: 20 }, { wait: 6 }, { hangup: 16 } ] }
          - { name: after, trunk: e1, called: "95588", at_s: 4, steps: [ { wait_answer: 10 } ] }
        """
        let byName = try calls(try SimulatorRun.run(lab: lab, scenario: scenario))
        let before = try #require(byName["before"])
        #expect(before["answeredAt"] != nil)
        #expect(before["cause"] as? Int == 16, "the call up during the reload ends as the caller ended it: \(before)")
        #expect(before["releasedBy"] as? String == "local", "the simulator hung up")
        let after = try #require(byName["after"])
        #expect(after["answeredAt"] == nil)
        #expect(after["cause"] as? Int == 17, "the new route refuses with user busy: \(after)\n\(engine.log)")
        #expect(engine.log.contains("reloaded"), "\(engine.log)")
    }

    @Test("SIGTERM refuses new calls, lets the call up run for the drain time, then releases it with cause 41 and exits")
    func drain() throws {
        let lab = try LabInstance(lab: PRILabTests.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(route: "{ app: answer }", drain: 3))
        defer { engine.stop() }
        let terminator = Thread {
            guard engine.waitForEvent(within: 30, { $0["event"] as? String == "answered" }) != nil else { return }
            engine.send(SIGTERM)
        }
        terminator.start()
        let scenario = PRILabTests.carrierTrunks + """

        calls:
          - { name: up, trunk: e1, called: "95588", steps: [ { wait_answer: 20 }, { wait_release: 30 } ] }
          - { name: late, trunk: e1, called: "95588", at_s: 1.5, steps: [ { wait_answer: 10 } ] }
        """
        let byName = try calls(try SimulatorRun.run(lab: lab, scenario: scenario))
        let up = try #require(byName["up"])
        #expect(up["answeredAt"] != nil)
        #expect(up["cause"] as? Int == 41, "\(up)")
        let held = (up["releasedAt"] as? Double ?? 0) - (up["answeredAt"] as? Double ?? 0)
        #expect(held >= 2.5, "the call ran on through the drain time (\(held) s)")
        let late = try #require(byName["late"])
        #expect(late["answeredAt"] == nil)
        #expect(late["cause"] as? Int == 41, "a call offered while draining is refused: \(late)")
        #expect(engine.waitForExit(within: 15), "pstnd exits after draining: \(engine.log)")
    }
}
