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
}
