import Foundation
import LabTestSupport
import Testing

/// The engine (`pstnd`) and the carrier (`pstn-sim`) as separate processes on an emulated E1 and
/// T1, talking ISDN PRI: the engine is the user side, the carrier the network side.
@Suite("PRI calls between pstn-sim and pstnd", .lab)
struct PRILabTests {
    static let lab = """
    cards:
      - name: engine
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
          - { type: T1, framing: esf, coding: b8zs, dchannel: 24, signalling: pri }
      - name: carrier
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
          - { type: T1, framing: esf, coding: b8zs, dchannel: 24, signalling: pri }
    cables:
      - { name: e1, a: engine/span1, b: carrier/span1 }
      - { name: t1, a: engine/span2, b: carrier/span2 }
    """
    // Channels: engine E1 1-31 (D 16), engine T1 32-55 (D 55), carrier E1 56-86 (D 71), carrier T1 87-110 (D 110).

    static let engine = """
    dahdi: DAHDI
    events: EVENTS
    media: { chunk_ms: 20 }
    trunks:
      - { name: e1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn, line: E1 }
      - { name: t1, type: pri, group: carrier-t1, dchannel: 55, bchannels: "32-54", side: user, switch: ni2, line: T1 }
    routes:
      - { called: "95588", to: { app: answer, arg: "cause=16" } }
      - { called: "_4XX", to: { app: answer } }
      - { called: "*", to: { reject: 1 } }
    applications:
      answer: { after_ms: 200, hangup_after_s: 3, cause: 31 }
    """

    static let carrierTrunks = """
    dahdi: DAHDI
    link_wait_s: 4
    trunks:
      - { name: e1, type: pri, dchannel: 71, bchannels: "56-70,72-86", side: network, switch: euroisdn, line: E1 }
      - { name: t1, type: pri, dchannel: 110, bchannels: "87-109", side: network, switch: ni2, line: T1 }
    """

    func event(_ e: [String: Any], _ kind: String) -> Bool { e["event"] as? String == kind }

    @Test("an ETSI E1 call with caller and called number is routed, answered, and released by the engine with its cause")
    func etsiInbound() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine)
        defer { engine.stop() }
        let scenario = Self.carrierTrunks + """

        calls:
          - name: bank
            trunk: e1
            calling: { number: "13800138000", type: national }
            called: "95588"
            steps:
              - { wait_answer: 20 }
              - { wait_release: 20 }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "no report: \(run.output)\n\(engine.log)")
        #expect(call["failure"] == nil, "\(call)")
        #expect(call["answeredAt"] != nil)
        #expect(call["cause"] as? Int == 16, "the engine's route asked for cause 16")
        #expect(call["releasedBy"] as? String == "remote")
        let offered = try #require(engine.waitForEvent(within: 5) { event($0, "offered") }, "\(engine.log)")
        #expect(offered["calling"] as? String == "13800138000")
        #expect(offered["callingType"] as? Int == 2, "national")
        #expect(offered["called"] as? String == "95588")
        #expect(engine.waitForEvent(within: 5) { event($0, "answered") } != nil)
        let released = try #require(engine.waitForEvent(within: 5) { event($0, "released") })
        #expect(released["cause"] as? Int == 16)
        #expect(released["releasedBy"] as? String == "local")
    }

    @Test("an NI2 T1 call is answered and the carrier's hang-up cause reaches the engine")
    func ni2Inbound() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine)
        defer { engine.stop() }
        let scenario = Self.carrierTrunks + """

        calls:
          - name: ni2
            trunk: t1
            calling: "3125550100"
            called: "401"
            steps:
              - { wait_answer: 20 }
              - { hangup: 17 }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "no report: \(run.output)\n\(engine.log)")
        #expect(call["failure"] == nil, "\(call)")
        #expect(call["cause"] as? Int == 17)
        let offered = try #require(engine.waitForEvent(within: 5) { event($0, "offered") }, "\(engine.log)")
        #expect(offered["called"] as? String == "401")
        #expect(offered["calling"] as? String == "3125550100")
        let released = try #require(engine.waitForEvent(within: 10) { event($0, "released") }, "\(engine.log)")
        #expect(released["cause"] as? Int == 17, "the carrier hung up with user busy")
        #expect(released["releasedBy"] as? String == "remote")
    }

    @Test("an unrouted number is refused with cause 1")
    func unallocated() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine)
        defer { engine.stop() }
        let scenario = Self.carrierTrunks + """

        calls:
          - { name: nowhere, trunk: e1, called: "12345", steps: [ { wait_answer: 20 } ] }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "no report: \(run.output)")
        #expect(call["answeredAt"] == nil)
        #expect(call["cause"] as? Int == 1, "\(call)")
        // libpri refuses it with RELEASE COMPLETE and reports nothing more: the engine's leg must
        // end at once all the same, not wait for timers.
        let released = engine.waitForEvent(within: 2) { $0["event"] as? String == "released" }
        #expect(released?["cause"] as? Int == 1, "the engine's leg ended: \(engine.events().suffix(3))")
    }
}

/// The engine places calls out: a call routed to another trunk group leaves on another span.
@Suite("PRI calls the engine places", .lab)
struct PRIOutboundLabTests {
    static let engine = """
    dahdi: DAHDI
    events: EVENTS
    trunks:
      - { name: e1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn, line: E1 }
      - { name: t1, type: pri, group: carrier-t1, dchannel: 55, bchannels: "32-54", side: user, switch: ni2, line: T1 }
    routes:
      - { called: "_9.", trunk_groups: [carrier], to: { trunk_group: carrier-t1, strip: 1 } }
    """

    @Test("a call in on the E1 for 9 + number leaves on the T1 without the 9, is answered there, and both legs end with the far end's cause")
    func tandem() throws {
        let lab = try LabInstance(lab: PRILabTests.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine)
        defer { engine.stop() }
        let scenario = PRILabTests.carrierTrunks + """

        answer: { after_ms: 300, hangup_after_s: 2, cause: 16 }
        calls:
          - name: tandem
            trunk: e1
            calling: "13800138000"
            called: "93125550100"
            steps:
              - { wait_answer: 20 }
              - { wait_release: 20 }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario)
        let report = try #require(run.report, "\(run.output)")
        let call = try #require((report["calls"] as? [[String: Any]])?.first)
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        #expect(call["answeredAt"] != nil, "the inbound leg is answered when the outbound one is")
        #expect(call["cause"] as? Int == 16, "the far end's cause comes back on the inbound leg")
        let placed = try #require((report["answeredFromEngine"] as? [[String: Any]])?.first, "the engine's outbound call: \(report)")
        #expect(placed["called"] as? String == "3125550100", "the 9 is stripped")
        #expect(placed["calling"] as? String == "13800138000")
        #expect(engine.waitForEvent(within: 5) { $0["event"] as? String == "bridged" } != nil, "the two legs are bridged")
        #expect(engine.waitForEvent(within: 5) { $0["event"] as? String == "placed" && $0["backend"] as? String == "t1" } != nil)
    }
}
