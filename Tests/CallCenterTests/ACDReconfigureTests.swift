import CallCenter
import CallControl
import Synchronization
import Testing

@Suite("ACD reconfigured by a reload")
struct ACDReconfigureTests {
    static func agent(_ id: String, _ queues: [String], name: String? = nil, customers: [String] = []) -> AgentRecord {
        var record = AgentRecord(id: id, name: name ?? "Agent \(id)", group: "a",
                                 queues: Dictionary(uniqueKeysWithValues: queues.map { ($0, AgentRecord.Membership()) }))
        record.customers = customers
        return record
    }

    static func station(_ n: Int) -> AgentStation { AgentStation(trunkGroup: "desks", number: "800\(n)", channel: 60 + n) }

    /// The agent state changes an ACD reported, as "agent state".
    final class StateChanges: Sendable {
        private let list = Mutex<[String]>([])
        func append(_ line: String) { list.withLock { $0.append(line) } }
        var lines: [String] { list.withLock { $0 } }
    }

    /// An ACD with sales and support, agents 1001-1003, and the agent state changes it reports.
    static func acd() throws -> (ACDService, StateChanges) {
        let changes = StateChanges()
        let calls = try CallControl(routing: RoutingTable(), trunkGroups: [])
        let acd = ACDService(queues: [QueueSettings(name: "sales"), QueueSettings(name: "support")],
                             agents: [agent("1001", ["sales"]), agent("1002", ["sales", "support"]), agent("1003", ["support"])],
                             calls: calls, prompts: { nil },
                             report: { report in
                                 if case let .agent(change) = report { changes.append("\(change.agent) \(change.to)") }
                             },
                             toFlow: { _, _, _ in })
        return (acd, changes)
    }

    @Test("queues and agents are added, changed and removed; agents who stay keep their state and station")
    func addChangeRemove() async throws {
        let (acd, changes) = try Self.acd()
        try await acd.login("1001", at: Self.station(1))
        try await acd.login("1002", at: Self.station(2))
        try await acd.pause("1002", reason: "lunch")
        var sales = QueueSettings(name: "sales")
        sales.strategy = .linear
        let result = await acd.reconfigure(
            queues: [sales, QueueSettings(name: "vip")],
            agents: [Self.agent("1004", ["vip"]), Self.agent("1001", ["sales", "vip"], name: "Li Wei")],
            crm: nil)
        #expect(result.queuesAdded == ["vip"])
        #expect(result.queuesChanged == ["sales"])
        #expect(result.queuesRemoved == ["support"], "a queue nobody waits in goes at once")
        #expect(result.queuesClosing.isEmpty)
        #expect(result.agentsAdded == ["1004"])
        #expect(result.agentsChanged == ["1001"])
        #expect(result.agentsRemoved.sorted() == ["1002", "1003"])
        #expect(result.agentsLeavingAfterCall.isEmpty)
        #expect(result.description.contains("queues added: vip") && result.description.contains("agents removed: 1002, 1003"),
                "\(result)")

        let snapshot = await acd.snapshot()
        #expect(snapshot.queues.map(\.name) == ["sales", "vip"])
        #expect(snapshot.agents.map(\.id) == ["1004", "1001"], "agents in the new configuration's order")
        let li = try #require(snapshot.agents.first { $0.id == "1001" })
        #expect(li.state == "ready" && li.station == "8001" && li.name == "Li Wei" && li.queues == ["sales", "vip"])
        #expect(snapshot.agents.first { $0.id == "1004" }?.state == "logged-out")
        #expect(changes.lines.contains("1002 logged-out"), "a removed agent who was logged in is logged out: \(changes.lines)")
        #expect(!changes.lines.contains("1003 logged-out"), "one who was not is just dropped")

        await #expect(throws: ACDService.Refusal.self) { try await acd.login("1002", at: Self.station(2)) }
        try await acd.login("1004", at: Self.station(2))
        #expect(await acd.snapshot().queues.first { $0.name == "vip" }?.agentsReady == 2, "1001 and 1004 serve the new queue")
    }

    @Test("the same configuration again changes nothing")
    func unchanged() async throws {
        let (acd, _) = try Self.acd()
        try await acd.login("1003", at: Self.station(3))
        let result = await acd.reconfigure(
            queues: [QueueSettings(name: "sales"), QueueSettings(name: "support")],
            agents: [Self.agent("1001", ["sales"]), Self.agent("1002", ["sales", "support"]), Self.agent("1003", ["support"])],
            crm: nil)
        #expect(result.isEmpty && result.description == "ACD unchanged", "\(result)")
        #expect(await acd.snapshot().agents.first { $0.id == "1003" }?.state == "ready")
    }

    @Test("a removed agent configured again comes back logged out, as a new agent")
    func removedAndBack() async throws {
        let (acd, _) = try Self.acd()
        try await acd.login("1001", at: Self.station(1))
        let without = await acd.reconfigure(queues: [QueueSettings(name: "sales")], agents: [Self.agent("1002", ["sales"])], crm: nil)
        #expect(without.agentsRemoved.sorted() == ["1001", "1003"])
        let back = await acd.reconfigure(queues: [QueueSettings(name: "sales")],
                                         agents: [Self.agent("1001", ["sales"]), Self.agent("1002", ["sales"])], crm: nil)
        #expect(back.agentsAdded == ["1001"])
        #expect(await acd.snapshot().agents.first { $0.id == "1001" }?.state == "logged-out")
    }
}
