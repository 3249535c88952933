import CallControl
import Foundation
import Glibc
import LabTestSupport
import Storage
import Testing

/// `pstnd`'s CDR store, filled by real calls from `pstn-sim` and read back after the daemon stops.
@Suite("pstnd CDRs", .lab)
struct DaemonStoreLabTests {
    static func engine(hangup: Bool) -> String {
        """
        dahdi: DAHDI
        events: EVENTS
        store: DAHDI/../calls.db
        drain_s: 1
        trunks:
          - { name: e1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn, line: E1 }
          - { name: t1, type: pri, group: carrier-t1, dchannel: 55, bchannels: "32-54", side: user, switch: ni2, line: T1 }
        routes:
          - { called: "95588", to: { app: answer } }
        applications:
          answer: { after_ms: 100\(hangup ? ", hangup_after_s: 1, cause: 16" : "") }
        """
    }

    @Test("a call leaves a closed CDR with its numbers, channel, times, cause and who released it")
    func cdrFields() throws {
        let lab = try LabInstance(lab: PRILabTests.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(hangup: true))
        let scenario = PRILabTests.carrierTrunks + """

        calls:
          - { name: cdr, trunk: e1, calling: { number: "13800138000", type: national }, called: "95588",
              steps: [ { wait_answer: 20 }, { wait_release: 20 } ] }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario)
        #expect((run.report?["calls"] as? [[String: Any]])?.first?["cause"] as? Int == 16, "\(run.output)")
        engine.send(SIGTERM)
        #expect(engine.waitForExit(within: 20), "\(engine.log)")
        let store = try CallStore.open(at: lab.directory + "/calls.db")
        defer { try? store.close() }
        let rows = try store.calls(matching: CDRQuery(numberPrefix: "1380"))
        let row = try #require(rows.first, "no CDR: \(engine.log)")
        #expect(rows.count == 1)
        #expect(row.fields.state == .closed)
        #expect(row.fields.calling == "13800138000")
        #expect(row.fields.callingType == .national)
        #expect(row.fields.called == "95588")
        #expect(row.fields.backend == "e1")
        #expect(row.fields.channel == 1)
        #expect(row.fields.direction == .inbound)
        #expect(row.fields.answeredAt != nil)
        #expect(row.fields.cause == .normalClearing)
        #expect(row.fields.releasedBy == .local)
        #expect((row.fields.releasedAt?.secondsSince1970 ?? 0) > (row.fields.answeredAt?.secondsSince1970 ?? .infinity))
        #expect(try store.integrityCheck() == ["ok"])
    }
}
