import Foundation
import LabTestSupport
import Testing

/// SS7 between `pstn-sim` (the far point code) and `pstnd`, as separate processes on an E1 with
/// an MTP2 link in timeslot 16.
@Suite("SS7 calls between pstn-sim and pstnd", .lab)
struct SS7LabTests {
    static let lab = LabFiles.e1Pair(signalling: "ss7")
    // Engine 1-31 (link 16), carrier 32-62 (link 47); CIC n is timeslot n.

    static let engine = """
    dahdi: DAHDI
    events: EVENTS
    trunks:
      - { name: ss7, type: ss7, group: carrier, variant: itu, opc: 1, dpc: 2, ni: national, links: [16],
          cic_first: 1, bchannels: "1-15,17-31" }
    routes:
      - { called: "95588", to: { app: answer } }
    applications:
      answer: { after_ms: 200, hangup_after_s: 2, cause: 16 }
    """

    static let carrier = """
    dahdi: DAHDI
    link_wait_s: 5
    trunks:
      - { name: ss7, type: ss7, variant: itu, opc: 2, dpc: 1, ni: national, links: [47], cic_first: 1,
          bchannels: "32-46,48-62" }
    """

    @Test("GRS at start-up, then an IAM is answered and released on the right CIC with the engine's cause")
    func iamAnswered() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine)
        defer { engine.stop() }
        let scenario = Self.carrier + """

        calls:
          - name: isup
            trunk: ss7
            calling: { number: "13800138000", type: national }
            called: "95588"
            steps: [ { wait_answer: 20 }, { wait_release: 20 } ]
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "no report: \(run.output)\n\(engine.log)")
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        #expect(call["answeredAt"] != nil)
        #expect(call["cause"] as? Int == 16)
        #expect(call["releasedBy"] as? String == "remote")
        let offered = try #require(engine.waitForEvent(within: 5) { $0["event"] as? String == "offered" }, "\(engine.log)")
        #expect(offered["calling"] as? String == "13800138000")
        #expect(offered["called"] as? String == "95588")
        #expect(offered["channel"] as? Int == 2,
                "the simulator (point code 2, the higher: it controls the even circuits) took the lowest it controls, CIC 2: timeslot 2")
        #expect(engine.waitForEvent(within: 5) { $0["event"] as? String == "link" && $0["up"] as? Bool == true } != nil)
        #expect(engine.events().contains { $0["event"] as? String == "channel" && $0["text"] as? String == "resetting" },
                "circuits were reset (GRS) at start-up")
    }
}

/// A linkset of two signalling links on two spans: losing one keeps calls up.
@Suite("SS7 link failure", .lab)
struct SS7LinkFailureLabTests {
    static let lab = """
    cards:
      - name: engine
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: ss7 }
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: ss7 }
      - name: carrier
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: ss7 }
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: ss7 }
    cables:
      - { name: e1-1, a: engine/span1, b: carrier/span1 }
      - { name: e1-2, a: engine/span2, b: carrier/span2 }
    """
    // Engine 1-31 and 32-62 (links 16, 47); carrier 63-93 and 94-124 (links 78, 109). The circuits
    // are span 2's timeslots; span 1 carries only its signalling link.

    @Test("pulling the cable of one of two links keeps an answered call up; it ends normally later")
    func oneLinkFails() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: """
        dahdi: DAHDI
        events: EVENTS
        trunks:
          - { name: ss7, type: ss7, variant: itu, opc: 1, dpc: 2, ni: national, links: [16, 47], cic_first: 1,
              bchannels: "32-46,48-62" }
        routes:
          - { called: "*", to: { app: answer } }
        """)
        defer { engine.stop() }
        let puller = Thread {
            guard engine.waitForEvent(within: 30, { $0["event"] as? String == "answered" }) != nil else { return }
            Thread.sleep(forTimeInterval: 1)
            _ = try? lab.fault("pull e1-1")
        }
        puller.start()
        let run = try SimulatorRun.run(lab: lab, scenario: """
        dahdi: DAHDI
        link_wait_s: 5
        trunks:
          - { name: ss7, type: ss7, variant: itu, opc: 2, dpc: 1, ni: national, links: [78, 109], cic_first: 1,
              bchannels: "94-108,110-124" }
        calls:
          - { name: survivor, trunk: ss7, called: "1000", steps: [ { wait_answer: 20 }, { wait: 6 }, { hangup: 16 } ] }
        """)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "no report: \(run.output)\n\(engine.log)")
        #expect(call["answeredAt"] != nil, "\(call)")
        #expect(call["cause"] as? Int == 16, "the call lasted until the simulator hung up: \(call)\n\(engine.log)")
        #expect(call["releasedBy"] as? String == "local")
        let released = try #require(engine.waitForEvent(within: 10) { $0["event"] as? String == "released" }, "\(engine.log)")
        #expect(released["cause"] as? Int == 16)
        #expect(released["releasedBy"] as? String == "remote")
    }
}
