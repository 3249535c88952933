import Foundation
import LabTestSupport
import Testing

/// The eight distribution strategies side by side in one `pstnd`: a queue per strategy, each
/// with three remote agents (answered by `pstn-sim` over a second E1), each given a warm-up call
/// and then a burst of three. Who got which call is read from the queue log and the CDRs.
@Suite("ACD strategies between pstn-sim and pstnd", .lab)
struct ACDStrategyLabTests {
    /// Each strategy and the agents (1, 2, 3 = its queue's first, second, third configured agent)
    /// its warm-up call and burst go to; agents log in in the order 2, 3, 1.
    static let strategies: [(name: String, expected: [Int])] = [
        ("linear", [1, 1, 2, 3]),
        ("login-order", [2, 2, 3, 1]),
        ("longest-idle", [2, 3, 1, 2]),
        ("fewest-calls", [2, 3, 1, 2]),
        ("round-robin", [1, 2, 3, 1]),
        ("random", []),
        ("weighted-random", []),
        ("ring-all", []),
    ]

    static let lab = """
    cards:
      - name: engine
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
      - name: carrier
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
    cables:
      - { name: callers, a: engine/span1, b: carrier/span1 }
      - { name: agents, a: engine/span2, b: carrier/span2 }
    """

    /// Agent `n` (1-3) of strategy `k`.
    static func agent(_ k: Int, _ n: Int) -> String { "2\(k)0\(n)" }

    static var engine: String {
        let queues = strategies.enumerated().map { k, s in
            "    - { name: q\(k), strategy: \(s.name), ring_s: 3, wrapup_s: 1, language: en }"
        }
        let agents = strategies.indices.flatMap { k in
            (1...3).map { n in "    - { id: \"\(agent(k, n))\", name: Agent \(k)-\(n), group: g\(k), queues: { q\(k): 5 } }" }
        }
        let routes = strategies.indices.map { "  - { called: \"9560\($0)\", to: { app: queue, arg: q\($0) } }" }
        return """
        dahdi: DAHDI
        events: EVENTS
        store: STORE
        control: { socket: SOCKET }
        ivr: { sounds: \(IVRLabTests.sounds), flows: [] }
        trunks:
          - { name: callers, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn, line: E1 }
          - { name: desks, type: pri, group: agents, dchannel: 47, bchannels: "32-46,48-62", side: user, switch: euroisdn, line: E1 }
        acd:
          language: en
          queues:
        \(queues.joined(separator: "\n"))
          agents:
        \(agents.joined(separator: "\n"))
        routes:
        \(routes.joined(separator: "\n"))
          - { called: "*", to: { reject: 1 } }
        """
    }

    static func caller(_ k: Int, _ n: Int) -> String { "138000\(k)000\(n)" }

    static var carrier: String {
        let starts: [Double] = [0, 7, 7.4, 7.8]
        var calls: [String] = []
        for k in strategies.indices {
            for n in 0...3 {
                calls.append("""
                  - { name: c\(k)-\(n), trunk: callers, calling: "\(caller(k, n))", called: "9560\(k)", at_s: \(starts[n]),
                      steps: [ { wait_answer: 10 }, { wait_release: 30 } ] }
                """)
            }
        }
        return """
        dahdi: DAHDI
        link_wait_s: 4
        answer: { after_ms: 400, hangup_after_s: 2.5 }
        trunks:
          - { name: callers, type: pri, dchannel: 78, bchannels: "63-77,79-93", side: network, switch: euroisdn, line: E1 }
          - { name: agents, type: pri, dchannel: 109, bchannels: "94-108,110-124", side: network, switch: euroisdn, line: E1 }
        calls:
        \(calls.joined(separator: "\n"))
        """
    }

    @Test("each strategy hands a warm-up call and then a burst of three to the agents in the order it promises")
    func strategies() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine)
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        // Every queue's agents log in 2, 3, 1: the login order and the idle order differ from the configured one.
        for n in [2, 3, 1] {
            for k in Self.strategies.indices {
                let r = try ControlTool.run(socket: engine.controlSocket,
                                            ["agent", "login", Self.agent(k, n), "--number", "7\(k)0\(n)", "--trunk-group", "agents"])
                try #require(r.status == 0, "login \(Self.agent(k, n)): \(r.errors)")
            }
            usleep(300_000)
        }
        let run = try SimulatorRun.run(lab: lab, scenario: Self.carrier, timeout: 90)
        let calls = try #require(run.report?["calls"] as? [[String: Any]], "\(run.output)\n\(engine.log)")
        #expect(calls.count == 32)
        for c in calls { #expect(c["failure"] == nil, "\(c)\n\(engine.log)") }
        usleep(500_000)
        let log = try ACDLab.json(engine, ["queue-log", "--limit", "1000"])
        let connected = try ACDLab.connections(engine)
        let byCaller = Dictionary(connected.map { ($0.caller, $0.agent) }, uniquingKeysWith: { a, _ in a })
        let agents = try ACDLab.json(engine, ["agents"])
        for (k, strategy) in Self.strategies.enumerated() {
            let order = (0...3).map { byCaller[Self.caller(k, $0)] ?? "none" }
            let mine = Set((1...3).map { Self.agent(k, $0) })
            switch strategy.name {
            case "ring-all":
                // Every free agent rings; the first to answer takes the call, the others stop ringing.
                let queueLog = log.filter { $0["queue"] as? String == "q\(k)" }
                let firstCall = queueLog.first { $0["event"] as? String == "entered" }?["call"] as? Int
                let offered = queueLog.filter { $0["call"] as? Int == firstCall && $0["event"] as? String == "offered" }
                    .compactMap { $0["agent"] as? String }
                #expect(Set(offered) == mine, "ring-all: the warm-up call rang every agent: \(offered)")
                #expect(!queueLog.contains { $0["event"] as? String == "no-answer" }, "ring-all: no agent is blamed for another's answer")
                #expect(!order.contains("none"), "ring-all: every caller was connected: \(order)")
            case "random", "weighted-random":
                #expect(Set(order.dropFirst()) == mine, "\(strategy.name): the burst goes to three agents: \(order)")
            default:
                #expect(order == strategy.expected.map { Self.agent(k, $0) }, "\(strategy.name): \(order)")
            }
            let answered = agents.filter { mine.contains($0["id"] as? String ?? "") }.reduce(0) { $0 + ($1["callsAnswered"] as? Int ?? 0) }
            #expect(answered == 4, "\(strategy.name): four calls answered by the queue's agents")
        }
    }
}
