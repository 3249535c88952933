import Foundation
import LabTestSupport
import Testing

/// The ACD under sustained load: `pstn-sim` keeps 200 callers up at once on seven E1 spans,
/// spread over ten queues, and answers as 60 remote agents on three more spans (each agent talks
/// two seconds and hangs up). Every caller must reach an agent, and the CDRs, the queue log and
/// the agents' states must account for every call at the end.
@Suite("ACD soak: 200 callers, 10 queues, 60 agents", .labAlone)
struct ACDSoakLabTests {
    static let callerSpans = 1...7
    static let agentSpans = 8...10
    static let spans = 10
    static let queues = 10
    static let agents = 60
    static let strategies = ["ring-all", "longest-idle", "fewest-calls", "login-order", "round-robin",
                             "linear", "random", "weighted-random", "longest-idle", "round-robin"]
    /// How long calls are placed; `PSTN_SOAK_SECONDS` overrides it for a longer or shorter run.
    static let seconds = Double(ProcessInfo.processInfo.environment["PSTN_SOAK_SECONDS"] ?? "") ?? 300

    static var lab: String {
        let span = "      - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }"
        let spanLines = Array(repeating: span, count: spans).joined(separator: "\n")
        let cables = (1...spans).map { "  - { name: e1-\($0), a: engine/span\($0), b: carrier/span\($0) }" }
        return """
        cards:
          - name: engine
            spans:
        \(spanLines)
          - name: carrier
            spans:
        \(spanLines)
        cables:
        \(cables.joined(separator: "\n"))
        """
    }

    /// The trunk lines of span `s` (1-based) on the engine (`offset` 0) or the carrier (`offset` = spans).
    static func trunk(_ s: Int, offset: Int, side: String) -> String {
        let base = (s - 1 + offset) * 31
        let group = agentSpans.contains(s) ? "agents" : "carrier"
        return "  - { name: span\(s), type: pri, group: \(group), dchannel: \(base + 16), "
            + "bchannels: \"\(base + 1)-\(base + 15),\(base + 17)-\(base + 31)\", side: \(side), switch: euroisdn }"
    }

    static var engine: String {
        let queueLines = (0..<queues).map {
            "    - { name: q\($0), strategy: \(strategies[$0]), ring_s: 5, wrapup_s: 1 }"
        }
        let agentLines = (0..<agents).map { i in
            "    - { id: \"\(2000 + i)\", name: Agent \(i), group: team-\(i % 6), "
                + "queues: { q\(i % queues): 5, q\((i + 3) % queues): \(i % 10) } }"
        }
        let routes = (0..<queues).map { "  - { called: \"9550\($0)\", to: { app: queue, arg: q\($0) } }" }
        return """
        dahdi: DAHDI
        events: EVENTS
        store: STORE
        control: { socket: SOCKET }
        # See the carrier's scenario: an ordinary media thread in this load test.
        media: { realtime_priority: 0 }
        ivr: { sounds: \(IVRLabTests.sounds), flows: [] }
        trunks:
        \((1...spans).map { trunk($0, offset: 0, side: "user") }.joined(separator: "\n"))
        acd:
          language: en
          queues:
        \(queueLines.joined(separator: "\n"))
          agents:
        \(agentLines.joined(separator: "\n"))
        routes:
        \(routes.joined(separator: "\n"))
          - { called: "*", to: { reject: 1 } }
        """
    }

    static var carrier: String {
        let called = (0..<queues).map { "9550\($0)" }.joined(separator: ",")
        return """
        dahdi: DAHDI
        link_wait_s: 6
        # Debug builds, 500 channels a side on two cores: real-time media loops would take both
        # cores from the signalling threads (agents' phones then ring unanswered).
        realtime_priority: 0
        answer: { after_ms: 300, hangup_after_s: 2 }
        trunks:
        \((1...spans).map { trunk($0, offset: spans, side: "network") }.joined(separator: "\n"))
        load: { trunk: span1, called: "\(called)", calling: "13800000000", rate: 40, concurrent: 200,
                seconds: \(seconds), hold: { fixed_s: 240 } }
        """
    }

    @Test("callers are distributed and released in a loop: none lost, no agent stuck, every call in the CDRs and the queue log")
    func soak() throws {
        let lab = try LabInstance(lab: Self.lab)
        let engine = try EngineProcess(lab: lab, config: Self.engine)
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        for i in 0..<Self.agents {
            let r = try ControlTool.run(socket: engine.controlSocket,
                                        ["agent", "login", "\(2000 + i)", "--number", "700\(i)", "--trunk-group", "agents"])
            try #require(r.status == 0, "login \(2000 + i): \(r.output) \(r.errors)")
        }
        let run = try SimulatorRun.run(lab: lab, scenario: Self.carrier, timeout: Self.seconds + 300)
        let load = try #require(run.report?["load"] as? [String: Any], "no load report: \(run.output)\n\(engine.log.suffix(4000))")
        print("soak load report: \(load)")
        let attempts = load["attempts"] as? Int ?? 0
        #expect(attempts > Int(Self.seconds) * 5, "calls flowed through the queues: \(load)")
        #expect((load["skipped"] as? Int ?? 0) > 0, "the ceiling of 200 callers up at once was reached: \(load)")
        #expect(load["answered"] as? Int == attempts, "every caller was taken into a queue: \(load)")
        #expect(load["failed"] as? Int == 0 && load["unfinished"] as? Int == 0, "\(load)")

        // Wrap-up is one second; then every agent is ready again and no call is left.
        var agents: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(15)
        repeat {
            usleep(500_000)
            agents = try ACDLab.json(engine, ["agents"])
        } while agents.contains(where: { $0["state"] as? String != "ready" }) && Date() < deadline
        let stuck = agents.filter { $0["state"] as? String != "ready" }
        #expect(stuck.isEmpty, "agents stuck: \(stuck)")
        #expect(try ACDLab.json(engine, ["calls"]).isEmpty, "no call is left up")

        let log = try ACDLab.json(engine, ["queue-log", "--limit", "100000"])
        var events: [Int: [String]] = [:]
        for row in log { events[row["call"] as? Int ?? 0, default: []].append(row["event"] as? String ?? "?") }
        let entered = events.filter { $0.value.contains("entered") }
        #expect(entered.count == attempts, "every caller entered a queue: \(entered.count) of \(attempts)")
        let unconnected = entered.filter { $0.value.filter { $0 == "connected" }.count != 1 }
        #expect(unconnected.isEmpty, "every caller was connected to exactly one agent: \(unconnected.prefix(10))")
        let answeredByAgents = agents.reduce(0) { $0 + ($1["callsAnswered"] as? Int ?? 0) }
        #expect(answeredByAgents == attempts, "the agents' answered calls add up to the callers")

        let cdrs = try ACDLab.json(engine, ["cdr", "--limit", "100000"])
        let inbound = cdrs.filter { $0["direction"] as? String == "inbound" }
        #expect(inbound.count == attempts, "a CDR for every caller: \(inbound.count) of \(attempts)")
        #expect(Set(inbound.compactMap { $0["call"] as? Int }) == Set(entered.keys), "the CDRs and the queue log name the same calls")
        #expect(inbound.allSatisfy { $0["application"] as? String == "queue" && $0["answered_at"] as? Double != nil },
                "every caller's CDR shows the queue answering")
        #expect(cdrs.allSatisfy { $0["state"] as? String == "closed" }, "every CDR is closed")
    }
}
