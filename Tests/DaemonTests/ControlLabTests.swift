import Foundation
import LabTestSupport
import Storage
import Testing

/// `pstnd` driven only through its control socket and `pstnctl`, with `pstn-sim` as the carrier
/// on an emulated E1.
@Suite("pstnd through pstnctl", .lab)
struct ControlLabTests {
    static let lab = LabFiles.e1Pair()

    static func engine(routes: String = #"  - { called: "_955XX", to: { app: answer } }"#) -> String {
        """
        dahdi: DAHDI
        events: EVENTS
        store: STORE
        drain_s: 6
        control: { socket: SOCKET }
        trunks:
          - { name: e1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn, line: E1 }
        routes:
        \(routes)
          - { called: "*", to: { reject: 1 } }
        applications:
          answer: { after_ms: 100 }
        """
    }

    static let carrier = """
    dahdi: DAHDI
    link_wait_s: 3
    answer: { after_ms: 200 }
    trunks:
      - { name: e1, type: pri, dchannel: 47, bchannels: "32-46,48-62", side: network, switch: euroisdn, line: E1 }
    """

    /// A carrier run in the background; its report once it ends.
    final class CarrierRun: @unchecked Sendable {
        private var result: (status: Int32, report: [String: Any]?, output: String)?
        private let done = DispatchSemaphore(value: 0)

        init(lab: LabInstance, scenario: String, arguments: [String] = []) {
            Thread.detachNewThread { [self] in
                result = try? SimulatorRun.run(lab: lab, scenario: scenario, arguments: arguments)
                done.signal()
            }
        }

        func wait() -> (status: Int32, report: [String: Any]?, output: String)? {
            done.wait()
            return result
        }
    }

    func ctl(_ engine: EngineProcess, _ arguments: String...) throws -> ControlTool.Outcome {
        try ControlTool.run(socket: engine.controlSocket, arguments)
    }

    func json(_ outcome: ControlTool.Outcome) -> [[String: Any]] {
        (outcome.json as? [[String: Any]]) ?? []
    }

    /// Poll `pstnctl --json calls` until `match` finds a call.
    func waitForCall(_ engine: EngineProcess, seconds: Double = 20, _ match: ([String: Any]) -> Bool) throws -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let found = json(try ctl(engine, "calls", "--json")).first(where: match) { return found }
            usleep(200_000)
        }
        return nil
    }

    static func setup(_ leg: [String: Any], _ key: String) -> String? {
        ((leg["setup"] as? [String: Any])?[key] as? [String: Any])?["digits"] as? String
    }

    @Test("a call shows in 'calls' with its numbers and channel, then in the CDR with every field; hangup releases it with the cause given")
    func callsAndCDR() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine())
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let carrier = CarrierRun(lab: lab, scenario: Self.carrier + """

        calls:
          - { name: held, trunk: e1, calling: "13800138000", called: "95588", steps: [ { wait_answer: 20 }, { wait_release: 30 } ] }
        """)
        let leg = try #require(try waitForCall(engine) { $0["state"] as? String == "answered" }, "\(engine.log)")
        #expect(Self.setup(leg, "calling") == "13800138000")
        #expect(Self.setup(leg, "called") == "95588")
        #expect(leg["backend"] as? String == "e1")
        let channel = try #require(leg["channel"] as? Int)
        #expect((1...31).contains(channel))
        let busy = json(try ctl(engine, "channels", "--json", "--busy"))
        #expect(busy.contains { $0["channel"] as? Int == channel && $0["state"] as? String == "inUse" }, "\(busy)")
        let id = try #require((leg["id"] as? [String: Any])?["value"] as? Int)
        let human = try ctl(engine, "calls")
        #expect(human.output.contains("13800138000") && human.output.contains("answered"), "\(human.output)")

        let hangup = try ctl(engine, "calls", "hangup", String(id), "--cause", "17")
        #expect(hangup.status == 0, "\(hangup.errors)")
        let report = try #require(carrier.wait()?.report, "no carrier report")
        let call = try #require((report["calls"] as? [[String: Any]])?.first)
        #expect(call["cause"] as? Int == 17, "the carrier saw the cause the operator gave: \(call)")

        var row: [String: Any]?
        let deadline = Date().addingTimeInterval(10)
        while row?["state"] as? String != "closed", Date() < deadline {
            row = json(try ctl(engine, "cdr", "--json", "--number", "138")).first
            usleep(200_000)
        }
        let cdr = try #require(row, "no CDR")
        #expect(cdr["state"] as? String == "closed")
        #expect(cdr["calling"] as? String == "13800138000")
        #expect(cdr["called"] as? String == "95588")
        #expect(cdr["trunk"] as? String == "e1")
        #expect(cdr["channel"] as? Int == channel)
        #expect(cdr["direction"] as? String == "inbound")
        #expect(cdr["cause"] as? Int == 17)
        #expect(cdr["released_by"] as? String == "local")
        #expect(cdr["answered_at"] as? Double != nil && cdr["released_at"] as? Double != nil)
        let byCause = json(try ctl(engine, "cdr", "--json", "--cause", "17"))
        #expect(byCause.count == 1)
        #expect(json(try ctl(engine, "cdr", "--json", "--cause", "16")).isEmpty)
        let missing = try ctl(engine, "calls", "hangup", "99999")
        #expect(missing.status == 1 && missing.errors.contains("not_found"), "\(missing.errors)")
    }

    @Test("originate places a call that the carrier answers; it is released after the time asked and recorded")
    func originate() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine())
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let carrier = CarrierRun(lab: lab, scenario: Self.carrier, arguments: ["--stay", "8"])
        Thread.sleep(forTimeInterval: 4)
        let placed = try ctl(engine, "calls", "originate", "--trunk-group", "carrier", "--to", "13912345678",
                             "--from", "95588", "--hangup-after", "1", "--json")
        #expect(placed.status == 0, "\(placed.errors)")
        let report = try #require(carrier.wait()?.report, "no carrier report")
        let received = try #require((report["answeredFromEngine"] as? [[String: Any]])?.first, "\(report)")
        #expect(received["called"] as? String == "13912345678")
        #expect(received["calling"] as? String == "95588")
        #expect(received["answeredAt"] != nil)
        #expect(received["cause"] as? Int == 16)
        let cdr = json(try ctl(engine, "cdr", "--json", "--number", "139"))
        #expect(cdr.first?["direction"] as? String == "outbound", "\(cdr)")
        let refused = try ctl(engine, "calls", "originate", "--trunk-group", "nowhere", "--to", "1")
        #expect(refused.status == 1 && refused.errors.contains("failed"), "\(refused.errors)")
    }

    @Test("reload through pstnctl changes routing for new calls while a call stays up; SIGTERM drains, seen through status")
    func reloadAndDrain() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine())
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let carrier = CarrierRun(lab: lab, scenario: Self.carrier + """

        calls:
          - { name: long, trunk: e1, called: "95588", steps: [ { wait_answer: 20 }, { wait_release: 40 } ] }
          - { name: after-reload, trunk: e1, at_s: 6, called: "12345", steps: [ { wait_answer: 10 }, { hangup: 16 } ] }
        """)
        _ = try #require(try waitForCall(engine) { $0["state"] as? String == "answered" })
        try engine.rewrite(config: Self.engine(routes: #"  - { called: "_955XX", to: { app: answer } }"# + "\n"
                                               + #"  - { called: "12345", to: { app: answer } }"#), lab: lab)
        let reloaded = try ctl(engine, "reload")
        #expect(reloaded.status == 0 && reloaded.output.contains("reloaded"), "\(reloaded.output)\(reloaded.errors)")
        Thread.sleep(forTimeInterval: 8)
        #expect(json(try ctl(engine, "calls", "--json")).count >= 1, "the first call is still up")
        engine.send(SIGTERM)
        Thread.sleep(forTimeInterval: 1)
        let status = try ctl(engine, "status", "--json")
        #expect((status.json as? [String: Any])?["accepting_calls"] as? Bool == false, "\(status.output)")
        let media = (status.json as? [String: Any])?["media"] as? [String: Any]
        #expect(media?["commands_refused"] as? Int == 0 && media?["threads"] as? Int == 1, "\(status.output)")
        #expect(json(try ctl(engine, "calls", "--json")).count == 1, "the call up is allowed to finish")
        #expect(engine.waitForExit(within: 20), "pstnd exits after drain_s")
        let report = try #require(carrier.wait()?.report)
        let calls = try #require(report["calls"] as? [[String: Any]])
        #expect(calls.first { $0["name"] as? String == "after-reload" }?["answeredAt"] != nil, "\(calls)")
        #expect(calls.first { $0["name"] as? String == "long" }?["cause"] as? Int == 41, "\(calls)")
    }

    @Test("kill -9 with 20 calls up, then a restart: 20 CDRs closed as interrupted, the store intact")
    func crashRecovery() throws {
        let lab = try LabInstance(lab: Self.lab)
        let storePath = lab.directory + "/store.sqlite"
        do {
            let engine = try EngineProcess(lab: lab, config: Self.engine())
            defer { engine.stop() }
            #expect(engine.waitForControl(), "\(engine.log)")
            let calls = (1...20).map { i in
                #"  - { name: c\#(i), trunk: e1, calling: "1390000\#(String(format: "%04d", i))", called: "95588", steps: [ { wait_answer: 20 }, { wait_release: 60 } ] }"#
            }.joined(separator: "\n")
            let carrier = CarrierRun(lab: lab, scenario: Self.carrier + "\ncalls:\n" + calls, arguments: [])
            let deadline = Date().addingTimeInterval(30)
            var up = 0
            while up < 20, Date() < deadline {
                up = json(try ctl(engine, "calls", "--json")).filter { $0["state"] as? String == "answered" }.count
                usleep(300_000)
            }
            #expect(up == 20, "\(engine.log)")
            kill(engine.process.processIdentifier, SIGKILL)
            engine.process.waitUntilExit()
            _ = carrier
        }
        let restarted = try EngineProcess(lab: lab, config: Self.engine(), name: "pstnd-again")
        defer { restarted.stop() }
        #expect(restarted.waitForControl(), "\(restarted.log)")
        let interrupted = json(try ControlTool.run(socket: restarted.controlSocket, ["cdr", "--json", "--state", "interrupted"]))
        #expect(interrupted.count == 20)
        #expect(interrupted.allSatisfy { $0["cause"] as? Int == 41 && $0["released_by"] as? String == "system" })
        #expect(restarted.log.contains("20 calls"), "the restart says what it closed: \(restarted.log)")
        restarted.stop()
        let store = try CallStore.open(at: storePath)
        #expect(try store.integrityCheck() == ["ok"])
        try store.close()
    }

    @Test("roles: a user with no role is refused, an operator may read but not hang up, a user outside the socket's group cannot connect")
    func roles() throws {
        let lab = try LabInstance(lab: Self.lab)
        chmod(lab.directory, 0o755)
        let config = Self.engine().replacingOccurrences(of: "control: { socket: SOCKET }",
                                                        with: #"control: { socket: SOCKET, mode: "0666" }"#)
        let engine = try EngineProcess(lab: lab, config: config)
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let nobody = (uid: UInt32(65534), gid: UInt32(65534))
        let refused = try ControlTool.run(socket: engine.controlSocket, ["status"], asUser: nobody)
        #expect(refused.status == 1 && refused.errors.contains("forbidden"), "\(refused.status) \(refused.errors)")

        engine.stop()
        let operatorConfig = Self.engine().replacingOccurrences(
            of: "control: { socket: SOCKET }",
            with: #"control: { socket: SOCKET, mode: "0666", roles: { users: { nobody: operator } } }"#)
        let second = try EngineProcess(lab: lab, config: operatorConfig, name: "pstnd-operator")
        defer { second.stop() }
        #expect(second.waitForControl(), "\(second.log)")
        let read = try ControlTool.run(socket: second.controlSocket, ["whoami", "--json"], asUser: nobody)
        #expect((read.json as? [String: Any])?["role"] as? String == "operator", "\(read.output) \(read.errors)")
        let hangup = try ControlTool.run(socket: second.controlSocket, ["calls", "hangup", "1"], asUser: nobody)
        #expect(hangup.status == 1 && hangup.errors.contains("forbidden"), "\(hangup.errors)")

        second.stop()
        let groupOnly = try EngineProcess(lab: lab, config: Self.engine(), name: "pstnd-group")
        defer { groupOnly.stop() }
        #expect(groupOnly.waitForControl(), "\(groupOnly.log)")
        let outside = try ControlTool.run(socket: groupOnly.controlSocket, ["status"], asUser: nobody)
        #expect(outside.status == 2 && outside.errors.contains("permission denied"), "\(outside.status) \(outside.errors)")
    }

    @Test("a second daemon on the same socket refuses to start and says why")
    func secondInstance() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine())
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let config = """
        dahdi: DAHDI
        control: { socket: \(engine.controlSocket) }
        trunks: []
        routes:
          - { called: "*", to: { reject: 1 } }
        """
        let second = try EngineProcess(lab: lab, config: config, name: "pstnd-second")
        #expect(second.waitForExit(within: 15), "the second daemon must not keep running")
        #expect(second.process.terminationStatus != 0)
        #expect(second.log.contains("another") || second.log.contains("busy") || second.log.contains("in use"), "\(second.log)")
        #expect(try ctl(engine, "status").status == 0, "the first daemon still serves")
    }
}
