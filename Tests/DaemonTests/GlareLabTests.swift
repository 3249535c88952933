import Foundation
import LabTestSupport
import Testing

/// Glare between `pstnd` and `pstn-sim` as separate processes: an E1 with 400 ms of one-way
/// delay (a satellite hop) lets both ends seize the same B-channel before either hears the
/// other's SETUP.
@Suite("PRI glare between pstnd and pstn-sim", .lab)
struct GlareLabTests {
    static let lab = LabFiles.e1Pair(impairments: "{ delay_ms: 400 }")

    @Test("both ends seize B-channel 5 at once: the network's call wins and is answered, the engine's ends with cause 44, no channel stays busy")
    func glare() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: ControlLabTests.engine())
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let at = Date().timeIntervalSince1970 + 8
        let carrier = ControlLabTests.CarrierRun(lab: lab, scenario: """
        dahdi: DAHDI
        link_wait_s: 1
        trunks:
          - { name: e1, type: pri, dchannel: 47, bchannels: "32-46,48-62", side: network, switch: euroisdn, line: E1 }
        answer: { after_ms: 200 }
        calls:
          - { name: glare, trunk: e1, at_epoch: \(at), channel: 36, calling: "13800138000", called: "95588",
              steps: [ { wait_answer: 20 }, { wait: 1 }, { hangup: 16 } ] }
        """, arguments: ["--stay", "4"])
        // The engine seizes the same timeslot (its channel 5) within a few ms of the carrier.
        let wait = at - Date().timeIntervalSince1970 - 0.03
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        let originated = try ControlTool.run(socket: engine.controlSocket,
                                             ["calls", "originate", "--trunk-group", "carrier", "--to", "12345", "--channel", "5", "--json"])
        #expect(originated.status == 0, "\(originated.errors)")
        let ours = try #require((originated.json as? [String: Any])?["call"] as? Int)
        let report = try #require(carrier.wait()?.report, "no carrier report")
        let theirs = try #require((report["calls"] as? [[String: Any]])?.first)
        #expect(theirs["answeredAt"] != nil, "the network's call won: \(theirs)\n\(engine.log)")
        let ourEnd = engine.waitForEvent(within: 10) { $0["event"] as? String == "released" && $0["call"] as? Int == ours }
        #expect(ourEnd?["cause"] as? Int == 44, "ours was refused with 'requested circuit not available': \(String(describing: ourEnd))")
        let offered = engine.waitForEvent(within: 5) { $0["event"] as? String == "offered" }
        #expect(offered?["channel"] as? Int == 5, "the network's call came in on the contested channel")
        Thread.sleep(forTimeInterval: 2)
        let busy = (try ControlTool.run(socket: engine.controlSocket, ["channels", "--json", "--busy"]).json as? [[String: Any]]) ?? []
        #expect(busy.isEmpty, "no channel is stuck: \(busy)")
    }
}
