import CallControl

/// What a reload changed in the ACD, for the operator's note and the log.
public struct ACDChanges: Sendable, Equatable, CustomStringConvertible {
    public var queuesAdded: [String] = []
    public var queuesChanged: [String] = []
    /// Queues no longer configured that still have callers: they take no new callers and go
    /// when the last one has left (their agents keep serving them until then).
    public var queuesClosing: [String] = []
    public var queuesRemoved: [String] = []
    public var agentsAdded: [String] = []
    public var agentsChanged: [String] = []
    /// Agents no longer configured: logged out (if they were in) and gone.
    public var agentsRemoved: [String] = []
    /// Agents no longer configured who are on a call: they go when it ends.
    public var agentsLeavingAfterCall: [String] = []

    public var isEmpty: Bool { self == ACDChanges() }

    public var description: String {
        let parts: [(String, [String])] = [
            ("queues added", queuesAdded), ("queues changed", queuesChanged),
            ("queues closing once their callers have left", queuesClosing), ("queues removed", queuesRemoved),
            ("agents added", agentsAdded), ("agents changed", agentsChanged), ("agents removed", agentsRemoved),
            ("agents removed after their call", agentsLeavingAfterCall),
        ]
        let said = parts.filter { !$0.1.isEmpty }.map { "\($0.0): \($0.1.sorted().joined(separator: ", "))" }
        return said.isEmpty ? "ACD unchanged" : "ACD " + said.joined(separator: "; ")
    }
}

extension ACDService {
    /// Apply a reloaded configuration's queues, agents and CRM while calls go on. Waiting callers
    /// keep their place; agents keep their state, station and calls. A queue that is gone but
    /// still has callers closes: no new callers, its agents serve the ones there, and it goes
    /// when empty. An agent who is gone is logged out, or after the call they are on.
    public func reconfigure(queues newQueues: [QueueSettings], agents newAgents: [AgentRecord],
                            crm newCRM: CRMLookup?) async -> ACDChanges {
        var changes = ACDChanges()
        let configured = Set(newQueues.map(\.name))
        for settings in newQueues {
            if let old = queues[settings.name] {
                if old.settings != settings || old.closing { changes.queuesChanged.append(settings.name) }
                queues[settings.name]?.settings = settings
                queues[settings.name]?.closing = false
            } else {
                queues[settings.name] = QueueRuntime(settings: settings)
                changes.queuesAdded.append(settings.name)
            }
        }
        for name in queues.keys where !configured.contains(name) {
            if queueInUse(name) {
                if queues[name]?.closing == false { changes.queuesClosing.append(name) }
                queues[name]?.closing = true
            } else {
                queues[name] = nil
                changes.queuesRemoved.append(name)
            }
        }
        let wanted = Set(newAgents.map(\.id))
        // Round robin goes on after the agent it offered last, wherever the new order puts them.
        let lastOffered = queues.mapValues { q in q.lastOffered.flatMap { last in agents.values.first { $0.order == last }?.record.id } }
        for (order, record) in newAgents.enumerated() {
            var record = record
            if let old = agents[record.id] {
                // Memberships of closing queues stay until those queues have gone.
                for (queue, membership) in old.record.queues where queues[queue]?.closing == true {
                    record.queues[queue] = record.queues[queue] ?? membership
                }
                if old.record != record { changes.agentsChanged.append(record.id) }
                agents[record.id]?.record = record
                agents[record.id]?.order = order
                retiringAgents.remove(record.id)
            } else {
                var runtime = AgentRuntime(record: record, order: order)
                runtime.serial = (removedSerials.removeValue(forKey: record.id) ?? 0) + 1
                agents[record.id] = runtime
                changes.agentsAdded.append(record.id)
            }
        }
        for (index, id) in agents.keys.filter({ !wanted.contains($0) }).sorted().enumerated() {
            agents[id]?.order = newAgents.count + index
            guard !retiringAgents.contains(id) else { continue }
            retiringAgents.insert(id)
            agents[id]?.record.queues = [:]  // no more calls while the last one ends
            if let state = agents[id]?.state, state == .onCall || state == .ringing {
                changes.agentsLeavingAfterCall.append(id)
            } else {
                changes.agentsRemoved.append(id)
            }
        }
        for (name, agent) in lastOffered { queues[name]?.lastOffered = agent.flatMap { agents[$0]?.order } }
        accountManagers = Self.accountManagers(of: newAgents)
        crm = newCRM
        await settleReconfiguration()
        await overflowUnservedCallers()
        await dispatch()
        return changes
    }

    /// Callers' account managers from the agents' customer lists.
    static func accountManagers(of agents: [AgentRecord]) -> [String: String] {
        Dictionary(agents.flatMap { a in a.customers.map { ($0, a.id) } }, uniquingKeysWith: { a, _ in a })
    }

    /// Finish what a reload left pending: removed agents who are off their call are logged out
    /// and dropped; closing queues with no caller and no call of theirs left go, and with them
    /// the agents' memberships.
    func settleReconfiguration() async {
        for id in retiringAgents {
            guard let a = agents[id], a.state != .onCall, a.state != .ringing, !ownCalls.values.contains(where: { $0.agent == id })
            else { continue }
            if a.state != .loggedOut { setState(id, .loggedOut) }
            removedSerials[id] = agents[id]?.serial
            agents[id] = nil
            retiringAgents.remove(id)
            dialling[id] = nil
            consultKeys[id] = nil
            returningToCaller.remove(id)
        }
        for (name, q) in queues where q.closing && !queueInUse(name) {
            queues[name] = nil
            for id in agents.keys { agents[id]?.record.queues[name] = nil }
        }
    }

    /// Whether callers wait in `queue` or an agent rings or talks for it (its settings are still
    /// needed: wrap-up, the survey, the no-answer pause).
    func queueInUse(_ queue: String) -> Bool {
        callers.values.contains { $0.queue == queue }
            || agents.values.contains { $0.queue == queue && ($0.state == .ringing || $0.state == .onCall) }
    }

    /// Callers of queues nobody is logged in to serve go where their queue says.
    func overflowUnservedCallers() async {
        for call in Array(callers.keys) {
            // Each overflow waits: look at the caller as they are now.
            guard let c = callers[call], !c.connected, c.ringing.isEmpty else { continue }
            if !hasAgentsLoggedIn(c.queue) {
                await overflow(call, queues[c.queue]?.settings.onNoAgents, reason: "no agents logged in")
            }
        }
    }
}
