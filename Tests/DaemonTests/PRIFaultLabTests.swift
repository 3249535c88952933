import Foundation
import LabTestSupport
import Testing

/// Faults and load on PRI between `pstn-sim` and `pstnd` as separate processes.
@Suite("PRI faults and load between pstn-sim and pstnd", .labAlone)
struct PRIFaultLabTests {
    static let lab = """
    cards:
      - name: engine
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
      - name: carrier
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
    cables:
      - { name: e1-1, a: engine/span1, b: carrier/span1 }
      - { name: e1-2, a: engine/span2, b: carrier/span2 }
      - { name: e1-3, a: engine/span3, b: carrier/span3 }
    """
    // Engine spans: 1-31, 32-62, 63-93 (D 16, 47, 78); carrier: 94-124, 125-155, 156-186 (D 109, 140, 171).

    static func engine(hold: Double?) -> String {
        """
        dahdi: DAHDI
        events: EVENTS
        media: { chunk_ms: 20 }
        trunks:
          - { name: span1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn }
          - { name: span2, type: pri, group: carrier, dchannel: 47, bchannels: "32-46,48-62", side: user, switch: euroisdn }
          - { name: span3, type: pri, group: carrier, dchannel: 78, bchannels: "63-77,79-93", side: user, switch: euroisdn }
        routes:
          - { called: "*", to: { app: answer } }
        applications:
          answer: { after_ms: 0\(hold.map { ", hangup_after_s: \($0)" } ?? "") }
        """
    }

    static let carrier = """
    dahdi: DAHDI
    link_wait_s: 4
    trunks:
      - { name: span1, type: pri, group: carrier, dchannel: 109, bchannels: "94-108,110-124", side: network, switch: euroisdn }
      - { name: span2, type: pri, group: carrier, dchannel: 140, bchannels: "125-139,141-155", side: network, switch: euroisdn }
      - { name: span3, type: pri, group: carrier, dchannel: 171, bchannels: "156-170,172-186", side: network, switch: euroisdn }
    """

    func event(_ e: [String: Any], _ kind: String) -> Bool { e["event"] as? String == kind }

    @Test("a pulled cable clears the span's calls with cause 38, and calls work again after replugging")
    func cablePull() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(hold: nil))
        defer { engine.stop() }
        // The simulator holds one call on span 1 until it is cleared; the cable is pulled meanwhile.
        let scenario = Self.carrier + """

        calls:
          - { name: held, trunk: span1, called: "1000", steps: [ { wait_answer: 20 }, { wait_release: 40 } ] }
        """
        let puller = Thread {
            _ = engine.waitForEvent(within: 30) { $0["event"] as? String == "answered" }
            Thread.sleep(forTimeInterval: 1)
            _ = try? lab.fault("pull e1-1")
        }
        puller.start()
        let run = try SimulatorRun.run(lab: lab, scenario: scenario)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "no report: \(run.output)")
        #expect(call["answeredAt"] != nil, "\(call)")
        #expect(call["cause"] as? Int == 38, "the carrier's side of the pulled span: \(call)")
        let released = try #require(engine.waitForEvent(within: 10) { event($0, "released") }, "\(engine.log)")
        #expect(released["cause"] as? Int == 38, "network out of order")
        #expect(released["releasedBy"] as? String == "system")
        #expect(engine.waitForEvent(within: 10) { event($0, "link") && $0["up"] as? Bool == false } != nil)

        try lab.fault("replug e1-1")
        #expect(engine.waitForEvent(within: 30) { event($0, "link") && $0["up"] as? Bool == true && $0["backend"] as? String == "span1" } != nil,
                "span1's D-channel comes back")
        let again = Self.carrier + """

        calls:
          - { name: after, trunk: span1, called: "1001", steps: [ { wait_answer: 20 }, { hangup: 16 } ] }
        """
        let second = try SimulatorRun.run(lab: lab, scenario: again)
        let call2 = try #require((second.report?["calls"] as? [[String: Any]])?.first, "no report: \(second.output)")
        #expect(call2["failure"] == nil, "\(call2)")
        #expect(call2["answeredAt"] != nil)
    }

    @Test("load: 50 call attempts per second for 60 seconds, every one accounted for, latency percentiles reported")
    func load() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine(hold: nil))
        defer { engine.stop() }
        let run = try SimulatorRun.run(lab: lab, scenario: Self.carrier,
                                       arguments: ["--load-rate", "50", "--load-seconds", "60", "--load-hold", "0.5",
                                                   "--load-concurrent", "80", "--load-called", "2000"],
                                       timeout: 180)
        let load = try #require(run.report?["load"] as? [String: Any], "no load report: \(run.output)")
        let attempts = load["attempts"] as? Int ?? 0
        let answered = load["answered"] as? Int ?? 0
        let failed = load["failed"] as? Int ?? 0
        let skipped = load["skipped"] as? Int ?? 0
        #expect(attempts + skipped == 3000, "every scheduled attempt is made or counted as skipped: \(load)")
        #expect(answered + failed == attempts, "every attempt ends answered or failed: \(load)")
        #expect(load["unfinished"] as? Int == 0)
        #expect(answered > 0)
        let latency = try #require(load["setupLatencyMs"] as? [String: Any], "\(load)")
        #expect(latency["p50"] != nil && latency["p90"] != nil && latency["p99"] != nil)
        print("load report: \(load)")
    }
}
