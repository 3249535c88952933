@testable import CallCenter
import Testing

@Suite("ACD: choosing the agent and ordering the callers")
struct ACDSelectorTests {
    /// Three free agents in configured order 0, 1, 2 with different histories.
    let agents = [
        AgentCandidate(id: "a", order: 0, level: 2, idleSince: 30, loggedInAt: 5, callsAnswered: 4),
        AgentCandidate(id: "b", order: 1, level: 9, idleSince: 10, loggedInAt: 9, callsAnswered: 7),
        AgentCandidate(id: "c", order: 2, level: 5, idleSince: 20, loggedInAt: 1, callsAnswered: 1),
    ]

    func ids(_ strategy: DistributionStrategy, lastOffered: Int? = nil, _ list: [AgentCandidate]? = nil) -> String {
        AgentSelector.order(list ?? agents, by: strategy, lastOffered: lastOffered).map(\.id).joined()
    }

    @Test("each deterministic strategy orders the free agents as it promises")
    func deterministic() {
        #expect(ids(.linear) == "abc")
        #expect(ids(.longestIdle) == "bca", "idle since 10, 20, 30")
        #expect(ids(.fewestCalls) == "cab", "1, 4, 7 calls")
        #expect(ids(.loginOrder) == "cab", "logged in at 1, 5, 9")
        #expect(ids(.roundRobin) == "abc", "no memory yet: from the first")
        #expect(ids(.roundRobin, lastOffered: 0) == "bca")
        #expect(ids(.roundRobin, lastOffered: 2) == "abc", "wraps around")
        #expect(ids(.roundRobin, lastOffered: 1, [agents[0], agents[2]]) == "ca", "skips an agent who is busy")
    }

    @Test("a lower penalty is offered first whatever the strategy")
    func penalties() {
        var list = agents
        list[1].penalty = 1
        #expect(ids(.linear, list) == "acb")
        #expect(ids(.longestIdle, list) == "cab")
        list[0].penalty = 2
        #expect(ids(.linear, list) == "cba")
    }

    @Test("random strategies draw every agent; weighted random favours higher levels in proportion")
    func randomness() {
        var generator = SystemRandomNumberGenerator()
        var firsts: [String: Int] = [:]
        var weightedFirsts: [String: Int] = [:]
        for _ in 0..<9000 {
            let r = { Double.random(in: 0..<1, using: &generator) }
            let order = AgentSelector.order(agents, by: .random, lastOffered: nil, random: r)
            #expect(Set(order.map(\.id)) == ["a", "b", "c"])
            firsts[order[0].id, default: 0] += 1
            weightedFirsts[AgentSelector.order(agents, by: .weightedRandom, lastOffered: nil, random: r)[0].id, default: 0] += 1
        }
        for id in ["a", "b", "c"] { #expect((2600...3400).contains(firsts[id] ?? 0), "random: \(firsts)") }
        // Weights level + 1: a 3, b 10, c 6 of 19.
        #expect((1100...1750).contains(weightedFirsts["a"] ?? 0), "\(weightedFirsts)")
        #expect((4350...5100).contains(weightedFirsts["b"] ?? 0), "\(weightedFirsts)")
        #expect((2500...3200).contains(weightedFirsts["c"] ?? 0), "\(weightedFirsts)")
        #expect(AgentSelector.order([], by: .random, lastOffered: nil).isEmpty)
    }

    @Test("callers: a returned call first, then higher priority, then who came first")
    func callerOrder() {
        let early = WaitingCaller(call: 1, caller: "1", called: "9", priority: 0, enteredAt: 10)
        let late = WaitingCaller(call: 2, caller: "2", called: "9", priority: 0, enteredAt: 20)
        let vip = WaitingCaller(call: 3, caller: "3", called: "9", priority: 5, enteredAt: 30)
        var returned = WaitingCaller(call: 4, caller: "4", called: "9", priority: 0, enteredAt: 40)
        returned.returned = true
        let sorted = [late, vip, returned, early].sorted { $0.precedes($1) }.map(\.call)
        #expect(sorted == [4, 3, 1, 2])
    }

    @Test("secondary preferences come before the strategy, in the order given, and fall back to it")
    func preferences() {
        var located = agents
        located[0].location = "021"
        located[2].location = "010"
        func order(_ preferences: [SecondaryPreference], _ caller: CallerContext, strategy: DistributionStrategy = .linear) -> String {
            AgentSelector.order(located, by: strategy, lastOffered: nil, preferences: preferences, caller: caller).map(\.id).joined()
        }
        let beijing = CallerContext(number: "01088886666")
        #expect(order([.sameLocation], beijing) == "cab", "the Beijing agent first, then linear")
        #expect(order([.sameLocation], CallerContext(number: "1088886666")) == "cab", "a number without the trunk prefix 0")
        #expect(order([.sameLocation], CallerContext(number: "13800000000")) == "abc", "nobody local: the strategy alone")
        #expect(order([.higherLevel], beijing) == "bca", "levels 9, 5, 2")
        #expect(order([.lastAgent], CallerContext(number: "1", lastAgent: "b")) == "bac")
        #expect(order([.accountManager, .lastAgent], CallerContext(number: "1", lastAgent: "b", accountManager: "c")) == "cba")
        #expect(order([.accountManager, .lastAgent], CallerContext(number: "1", lastAgent: "b", accountManager: "z")) == "bac",
                "the account manager is not free: the next preference decides")
        #expect(order([.sameLocation, .higherLevel], CallerContext(number: "02155550000"), strategy: .longestIdle) == "abc",
                "local first, then the higher level among the rest")
        var penalised = located
        penalised[2].penalty = 1
        #expect(AgentSelector.order(penalised, by: .linear, lastOffered: nil, preferences: [.sameLocation], caller: beijing).map(\.id) == ["a", "b", "c"],
                "a preference does not overrule the penalty tiers")
        let ringAll = AgentSelector.order(located, by: .ringAll, lastOffered: nil, preferences: [.sameLocation], caller: beijing)
        #expect(AgentSelector.ringAllGroup(ringAll, preferences: [.sameLocation], caller: beijing).map(\.id) == ["c"])
        #expect(AgentSelector.ringAllGroup(ringAll, preferences: [], caller: beijing).count == 3)
    }

    @Test("the estimated wait: callers ahead and this one, shared among the agents, in whole minutes rounded up")
    func estimatedWait() {
        #expect(EstimatedWait.seconds(position: 3, averageHandleSeconds: 120, agents: 2) == 180)
        #expect(EstimatedWait.seconds(position: 1, averageHandleSeconds: 120, agents: 0) == 120, "no agent counts as one")
        #expect(EstimatedWait.minutes(180) == 3)
        #expect(EstimatedWait.minutes(181) == 4)
        #expect(EstimatedWait.minutes(0) == 1 && EstimatedWait.minutes(.nan) == 1 && EstimatedWait.minutes(.infinity) == 1)
    }

    @Test("a CRM answer gives a priority (or vip), an account manager, and fields for the agent's screen within limits")
    func crmAnswer() {
        #expect(CRMLookup.Answer(["priority": "7", "account_manager": "1002"]) == CRMLookup.Answer(priority: 7, accountManager: "1002"))
        #expect(CRMLookup.Answer(["vip": "true"]).priority == 5)
        #expect(CRMLookup.Answer(["vip": "1"]).priority == 5)
        #expect(CRMLookup.Answer(["priority": "high", "account_manager": ""]) == CRMLookup.Answer())
        #expect(CRMLookup.Answer([:]) == CRMLookup.Answer())
        let full = CRMLookup.Answer(["priority": "3", "name": "Zhang San", "address.city": "Shanghai", "note": "",
                                     "blob": String(repeating: "x", count: 201)])
        #expect(full.fields == ["name": "Zhang San", "address.city": "Shanghai"], "empty and oversized values are left out")
        #expect(full.summary == "priority 3; address.city Shanghai, name Zhang San")
        #expect(CRMLookup.Answer(Dictionary(uniqueKeysWithValues: (0..<100).map { ("f\($0)", "v") })).fields.count == 32)
        #expect(CRMLookup.Answer(accountManager: "1003").summary == "account manager 1003")
    }
}
