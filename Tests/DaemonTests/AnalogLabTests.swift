import Foundation
import LabTestSupport
import Testing

/// The engine (`pstnd`) and the carrier (`pstn-sim`) as separate processes on emulated analog
/// lines: the engine's FXO trunks face the simulator's central office, the engine's FXS station
/// faces the simulator's phone.
@Suite("Analog lines between pstn-sim and pstnd", .lab)
struct AnalogLabTests {
    // Channels: engine FXO ports 1-4, engine FXS port 5; the simulator's central-office FXS
    // ports 6-9 and its phone (FXO) 10.
    static let lab = """
    cards:
      - name: engine
        ports: [fxo, fxo, fxo, fxo, fxs]
      - name: far
        ports: [fxs, fxs, fxs, fxs, fxo]
    cables:
      - { name: line1, a: engine/port1, b: far/port1 }
      - { name: line2, a: engine/port2, b: far/port2 }
      - { name: line3, a: engine/port3, b: far/port3 }
      - { name: line4, a: engine/port4, b: far/port4 }
      - { name: desk, a: engine/port5, b: far/port5 }
    """

    static let engine = """
    dahdi: DAHDI
    events: EVENTS
    media: { chunk_ms: 20, zone: cn }
    trunks:
      - { name: co-bell, type: fxo, group: pstn, channels: "1", callerid: bell202, numbers: ["80001"] }
      - { name: co-v23, type: fxo, group: pstn, channels: "2", callerid: v23, hangup_on_polarity: true, numbers: ["80002"] }
      - { name: co-dtmf, type: fxo, group: pstn, channels: "3", callerid: dtmf, numbers: ["80003"] }
      - { name: co-desk, type: fxo, group: pstn, channels: "4", callerid: v23, numbers: ["80004"] }
      - { name: desks, type: fxs, group: desks, channels: "5", callerid: v23, numbers: ["8001"], reverse_polarity_on_answer: true,
          inter_digit_s: 30 }
    routes:
      - { called: "80004", to: { station: desks } }
      - { called: "_8000X", to: { app: answer } }
      - { called: "_81XX", to: { app: answer } }
    applications:
      answer: { after_ms: 200 }
    """

    static let carrierTrunks = """
    dahdi: DAHDI
    zone: cn
    link_wait_s: 1
    answer: { after_ms: 300 }
    trunks:
      - { name: co-bell, type: fxs, channels: "6", callerid: bell202, disconnect: battery }
      - { name: co-v23, type: fxs, channels: "7", callerid: v23, disconnect: polarity }
      - { name: co-dtmf, type: fxs, channels: "8", callerid: dtmf, disconnect: tone }
      - { name: co-desk, type: fxs, channels: "9", callerid: v23, disconnect: battery }
      - { name: phone, type: fxo, channels: "10", callerid: v23, answer_on_polarity: true }
    """

    func event(_ e: [String: Any], _ kind: String) -> Bool { e["event"] as? String == kind }

    /// The engine's offered event for calls to `called`, and the released event of that call.
    func engineCall(_ engine: EngineProcess, called: String) -> (offered: [String: Any]?, released: [String: Any]?) {
        let offered = engine.waitForEvent(within: 15) { event($0, "offered") && $0["called"] as? String == called }
        let id = offered?["call"] as? Int
        let released = engine.waitForEvent(within: 15) { event($0, "released") && $0["call"] as? Int == id }
        return (offered, released)
    }

    @Test("FXO trunks: FSK (Bell 202, V.23) and DTMF caller ID arrive, the engine answers, and hears the far end hang up by battery drop, polarity reversal and busy tone")
    func fxoTrunks() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine)
        defer { engine.stop() }
        let scenario = Self.carrierTrunks + """

        calls:
          - { name: bell-battery, trunk: co-bell, calling: "13800138001", called: "80001",
              steps: [ { wait_answer: 20 }, { wait: 1 }, { hangup: 16 }, { wait: 2 } ] }
          - { name: v23-polarity, trunk: co-v23, calling: "13800138002", called: "80002",
              steps: [ { wait_answer: 20 }, { wait: 1 }, { hangup: 16 }, { wait: 2 } ] }
          - { name: dtmf-tone, trunk: co-dtmf, calling: "13800138003", called: "80003",
              steps: [ { wait_answer: 20 }, { wait: 1 }, { hangup: 16 }, { wait: 8 } ] }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario)
        let calls = try #require(run.report?["calls"] as? [[String: Any]], "no report: \(run.output)\n\(engine.log)")
        #expect(calls.count == 3)
        for call in calls {
            #expect(call["failure"] == nil, "\(call)\n\(run.output)")
            #expect(call["answeredAt"] != nil, "\(call)")
        }
        for (line, calling) in [("80001", "13800138001"), ("80002", "13800138002"), ("80003", "13800138003")] {
            let (offered, released) = engineCall(engine, called: line)
            let o = try #require(offered, "no call on line \(line): \(engine.log)")
            #expect(o["calling"] as? String == calling, "caller ID on line \(line)")
            let r = try #require(released, "the engine never saw the end of the call on \(line): \(engine.events())")
            #expect(r["releasedBy"] as? String == "remote", "line \(line): \(r)")
            #expect(r["cause"] as? Int == 16, "line \(line): \(r)")
        }
        let answered = engine.events().filter { event($0, "answered") }
        #expect(answered.count == 3)
        let tones = engine.events().filter { event($0, "tone") }.compactMap { $0["text"] as? String }
        #expect(tones.contains("busy"), "the DTMF line's end came as busy tone: \(tones)")
    }

    @Test("FXS station: the phone goes off-hook, hears dial tone and dials; a call to the station rings the phone with caller ID")
    func fxsStation() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine)
        defer { engine.stop() }
        let scenario = Self.carrierTrunks + """

        calls:
          - { name: dial-out, trunk: phone, called: "8100",
              steps: [ { wait_answer: 12 }, { wait: 1 }, { hangup: 16 }, { wait: 1 } ] }
          - { name: to-desk, trunk: co-desk, at_s: 8, calling: "13912345678", called: "80004",
              steps: [ { wait_answer: 30 }, { wait: 2 }, { hangup: 16 }, { wait: 2 } ] }
        """
        let run = try SimulatorRun.run(lab: lab, scenario: scenario)
        let report = try #require(run.report, "no report: \(run.output)\n\(engine.log)")
        let calls = try #require(report["calls"] as? [[String: Any]])
        for call in calls {
            #expect(call["failure"] == nil, "\(call)\n\(run.output)\n\(engine.log)")
        }
        // The phone dialled only after hearing dial tone, and no '#': the engine took the number
        // the moment it matched a rule no longer number could (the station waits 30 s between
        // digits, longer than the phone waits for the answer), answered (polarity reversal,
        // which the phone waits for) and saw it hang up.
        let (dialled, dialledEnd) = engineCall(engine, called: "8100")
        let d = try #require(dialled, "the station's digits never reached the router: \(engine.events())")
        #expect(d["calling"] as? String == "8001", "the station's own number")
        #expect(dialledEnd?["releasedBy"] as? String == "remote")
        // The call to the desk: the phone decoded the caller ID the engine rang it with.
        let fromEngine = try #require((report["answeredFromEngine"] as? [[String: Any]])?.first,
                                      "the phone was never rung: \(run.output)\n\(engine.log)")
        #expect(fromEngine["calling"] as? String == "13912345678")
        #expect(fromEngine["answeredAt"] != nil)
        let bridged = engine.waitForEvent(within: 5) { event($0, "bridged") }
        #expect(bridged != nil, "the trunk call and the station were bridged: \(engine.events())")
    }
}
