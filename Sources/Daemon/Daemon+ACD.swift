import CallCenter
import CallControl
import Control
import Foundation
import Storage

/// The ACD inside the daemon: made from `acd:`, fed the call events, its queue and agent logs
/// written to the store and published to control clients.
extension Daemon {
    /// Make the ACD (nil without `acd:`); `ivr` is looked up when a caller overflows to a flow.
    func makeACD(server: ControlServer?) -> ACDService? {
        guard let options = resolved.configuration.acd else { return nil }
        let calls = self.calls
        let recorder = self.storeRecorder
        let log = self.log
        let service = ACDService(
            queues: options.queueSettings, agents: options.agentRecords, calls: calls,
            prompts: { [weak self] in self?.currentPrompts },
            report: { report in
                switch report {
                case let .queue(e):
                    recorder?.record(queueLog: QueueLogRecord(call: CallID(e.call), queue: e.queue, event: e.event, agent: e.agent,
                                                              position: e.position, waitSeconds: e.waitSeconds, detail: e.detail,
                                                              at: WallTime(secondsSince1970: e.time)))
                    server?.publish(ControlEvent(kind: "queue.\(e.event)", queue: e.queue, agent: e.agent, body: JSONValue(encoding: e)))
                case let .agent(change):
                    recorder?.record(agentLog: AgentLogRecord(agent: change.agent, group: change.group, from: change.from,
                                                              to: change.to, reason: change.reason, station: change.station,
                                                              at: WallTime(secondsSince1970: change.time)))
                    server?.publish(ControlEvent(kind: "agent.state", agent: change.agent, body: JSONValue(encoding: change)))
                    log.info("agent \(change.agent): \(change.from) -> \(change.to)\(change.reason.map { " (\($0))" } ?? "")")
                case let .offered(pop):
                    server?.publish(ControlEvent(kind: "agent.offered", queue: pop.queue, agent: pop.agent, body: JSONValue(encoding: pop)))
                }
            },
            toFlow: { [weak self] call, flow in
                guard let self else { return }
                Task {
                    let leg = try? await calls.calls().first { $0.id == call }
                    guard let ivr = self.currentIVR else {
                        try? await calls.release(call, cause: .serviceNotAvailable)
                        return
                    }
                    ivr.take(call, flow: flow, caller: leg?.setup.calling?.digits, called: leg?.setup.called.digits ?? "")
                }
            })
        log.info("ACD: \(options.queues.count) queues, \(options.agents?.count ?? 0) agents")
        return service
    }

    /// A route's `arg` for the queue application: `QUEUE` or `QUEUE,PRIORITY`.
    static func queueTarget(_ argument: String?) -> (queue: String, priority: Int) {
        let parts = (argument ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return (parts.first ?? "", parts.count > 1 ? Int(parts[1]) ?? 0 : 0)
    }

    /// Where agent `number` is reached: an FXS port's number, or (with a trunk group) an external number.
    func agentStation(_ number: String, trunkGroup: String?) -> AgentStation? {
        if let trunkGroup {
            guard resolved.trunkGroups.contains(where: { $0.name == trunkGroup }),
                  !number.isEmpty, number.allSatisfy({ "0123456789*#".contains($0) }) else { return nil }
            return AgentStation(trunkGroup: trunkGroup, number: number, channel: nil)
        }
        return ACDOptions.station(number, trunks: resolved.configuration.trunks)
    }
}
