import Foundation
import LabTestSupport
import Testing

/// Maintenance an operator does through `pstnctl` on a running `pstnd`, seen from `pstn-sim`:
/// blocked ISUP circuits, D-channel capture, and PRI overlap receiving.
@Suite("Maintenance through pstnctl", .lab)
struct MaintenanceLabTests {
    func ctl(_ engine: EngineProcess, _ arguments: String...) throws -> ControlTool.Outcome {
        try ControlTool.run(socket: engine.controlSocket, arguments)
    }

    @Test("CICs blocked with pstnctl are never offered: the far end's calls take the next circuits; unblocked, they are used again")
    func blockedCICs() throws {
        let lab = try LabInstance(lab: SS7LabTests.lab)
        let config = SS7LabTests.engine.replacingOccurrences(of: "events: EVENTS", with: "events: EVENTS\ncontrol: { socket: SOCKET }")
            .replacingOccurrences(of: "hangup_after_s: 2", with: "hangup_after_s: 1")
        let engine = try EngineProcess(lab: lab, config: config)
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        // The far end comes up, aligns and resets the circuits; its calls start 8 s after that
        // (link_wait 5 s + at_s), the last one after the circuits are unblocked again.
        let calls = [3.0, 5.5, 8.0, 14.0].enumerated().map { i, at in
            #"  - { name: c\#(i + 1), trunk: ss7, at_s: \#(at), called: "95588", steps: [ { wait_answer: 20 }, { wait_release: 20 } ] }"#
        }.joined(separator: "\n")
        let carrier = ControlLabTests.CarrierRun(lab: lab, scenario: SS7LabTests.carrier + "\ncalls:\n" + calls)
        let deadline = Date().addingTimeInterval(20)
        var idle = 0
        while idle < 30, Date() < deadline {
            let channels = (try ctl(engine, "channels", "--json").json as? [[String: Any]]) ?? []
            idle = channels.filter { $0["state"] as? String == "idle" }.count
            usleep(200_000)
        }
        #expect(idle == 30, "GRS brought every circuit into service: \(engine.log)")
        let blocked = try ctl(engine, "block", "ss7", "--cics", "1-3")
        #expect(blocked.status == 0, "\(blocked.errors)")
        let states = (try ctl(engine, "channels", "--json", "--trunk", "ss7").json as? [[String: Any]]) ?? []
        #expect(states.filter { ($0["channel"] as? Int).map { (1...3).contains($0) } == true }
            .allSatisfy { $0["state"] as? String == "blockedLocally" }, "\(states.prefix(4))")
        let bad = try ctl(engine, "block", "ss7", "--cics", "200")
        #expect(bad.status == 1 && bad.errors.contains("invalid_arguments"), "\(bad.errors)")

        func offered() -> [Int] {
            engine.events().filter { $0["event"] as? String == "offered" }.compactMap { $0["channel"] as? Int }
        }
        let threeCalls = Date().addingTimeInterval(30)
        while offered().count < 3, Date() < threeCalls { usleep(200_000) }
        let whileBlocked = offered()
        #expect(whileBlocked.count == 3)
        #expect(whileBlocked.allSatisfy { !(1...3).contains($0) }, "no call on a blocked circuit: \(whileBlocked)")
        #expect(whileBlocked.first == 4, "the far end hunts from the lowest circuit it controls (the even ones) and may use: \(whileBlocked)")
        #expect(try ctl(engine, "unblock", "ss7", "--cics", "1-3").status == 0)

        let report = try #require(carrier.wait()?.report)
        let reports = try #require(report["calls"] as? [[String: Any]])
        #expect(reports.count == 4 && reports.allSatisfy { $0["answeredAt"] != nil }, "\(reports)")
        #expect(offered().last == 2, "CIC 2 is used again once unblocked: \(offered())")
    }

    static let priEngine = """
    dahdi: DAHDI
    events: EVENTS
    control: { socket: SOCKET }
    trunks:
      - { name: e1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn, line: E1, overlap: true }
    routes:
      - { called: "_8001XXXX", to: { app: answer, arg: "cause=17" } }
      - { called: "*", to: { reject: 1 } }
    applications:
      answer: { after_ms: 100, hangup_after_s: 1 }
    """

    @Test("a capture started with pstnctl decodes in tshark with SETUP, CONNECT and DISCONNECT carrying the numbers and cause; overlap digits are collected")
    func captureAndOverlap() throws {
        let tshark = ["/usr/bin/tshark", "/bin/tshark"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let reader = try #require(tshark, "tshark is needed (scripts/install-deps.sh installs it)")
        let lab = try LabInstance(lab: ControlLabTests.lab)
        let engine = try EngineProcess(lab: lab, config: Self.priEngine)
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let pcap = lab.directory + "/e1.pcap"
        let started = try ctl(engine, "capture", "start", "e1", pcap)
        #expect(started.status == 0, "\(started.errors)")
        let run = try SimulatorRun.run(lab: lab, scenario: """
        dahdi: DAHDI
        link_wait_s: 3
        trunks:
          - { name: e1, type: pri, dchannel: 47, bchannels: "32-46,48-62", side: network, switch: euroisdn, line: E1, overlap: true }
        calls:
          - { name: overlap, trunk: e1, overlap: true, calling: "13800138000", called: "80012345", steps: [ { wait_answer: 20 }, { wait_release: 20 } ] }
        """)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "\(run.output)")
        #expect(call["answeredAt"] != nil, "\(call)\n\(engine.log)")
        #expect(call["cause"] as? Int == 17)
        let offered = engine.waitForEvent(within: 5) { $0["event"] as? String == "routed" }
        #expect(offered != nil)
        #expect(engine.events().contains { $0["event"] as? String == "released" && $0["called"] as? String == "80012345" },
                "the number was collected digit by digit: \(engine.events())")
        #expect(try ctl(engine, "capture", "stop", "e1").status == 0)
        let decoded = LabInstance.run(reader, ["-r", pcap, "-V", "-Y", "q931"])
        #expect(decoded.status == 0, "\(decoded.output)")
        for needed in ["SETUP", "CONNECT", "DISCONNECT", "13800138000", "User busy", "INFORMATION"] {
            #expect(decoded.output.contains(needed), "\(needed) in the decoded capture")
        }
    }
}
