import CallCenter
import CallControl
import Testing

@Suite("Which agents a campaign may ring")
struct CampaignAgentsTests {
    static func acd(reserve: Int) throws -> ACDService {
        var sales = QueueSettings(name: "sales")
        sales.reserveIdle = reserve
        let agents = ["1001", "1002", "1003", "1004"].map {
            AgentRecord(id: $0, name: "Agent \($0)", group: "a", queues: ["sales": AgentRecord.Membership()])
        } + [AgentRecord(id: "2001", name: "Other", group: "b", queues: ["support": AgentRecord.Membership()])]
        let calls = try CallControl(routing: RoutingTable(), trunkGroups: [])
        return ACDService(queues: [sales, QueueSettings(name: "support")], agents: agents, calls: calls,
                          prompts: { nil }, report: { _ in }, toFlow: { _, _, _ in })
    }

    static func station(_ n: Int) -> AgentStation { AgentStation(trunkGroup: "desks", number: "800\(n)", channel: 60 + n) }

    @Test("the ready agents of the queue, longest idle first, without those busy with the campaign, the queue's reserve left alone")
    func choice() async throws {
        let acd = try Self.acd(reserve: 1)
        #expect(await acd.campaignAgents(queue: "sales").isEmpty, "nobody logged in")
        try await acd.login("1003", at: Self.station(3))
        #expect(await acd.campaignAgents(queue: "sales").isEmpty, "the only ready agent is the one the queue keeps")
        try await acd.login("1001", at: Self.station(1))
        try await acd.login("1002", at: Self.station(2))
        try await acd.login("1004", at: Self.station(4), ready: false)
        try await acd.login("2001", at: Self.station(9))
        #expect(await acd.campaignAgents(queue: "sales") == ["1003", "1001"], "three ready, one kept: the two idle longest")
        #expect(await acd.campaignAgents(queue: "sales", excluding: ["1003"]) == ["1001", "1002"])
        #expect(await acd.campaignAgents(queue: "support") == ["2001"], "support keeps nobody back")
        try await acd.pause("1001", reason: "break")
        #expect(await acd.campaignAgents(queue: "sales") == ["1003"], "a paused agent is not rung")
        #expect(await acd.campaignAgents(queue: "nosuch").isEmpty)
    }

    @Test("without a reserve every ready agent may be rung")
    func noReserve() async throws {
        let acd = try Self.acd(reserve: 0)
        try await acd.login("1002", at: Self.station(2))
        try await acd.login("2001", at: Self.station(9))
        #expect(await acd.campaignAgents(queue: "sales") == ["1002"])
        #expect(await acd.campaignAgents(queue: "support") == ["2001"])
    }
}
