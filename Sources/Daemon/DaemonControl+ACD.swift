import CallCenter
import CallControl
import Control
import Foundation
import Storage

/// The control commands of the ACD: queues and agents as supervisors see them, agents' own
/// commands (their desktops and `pstnctl agent`), and the queue and agent logs.
extension DaemonControl {
    static let acdCommands: [String: ControlCommand] = [
        "queues": ControlCommand(.operator, "every queue with its waiting callers and agents logged in and ready"),
        "agents": ControlCommand(.operator, "every agent with state, time in state, station and calls answered"),
        "agent.login": ControlCommand(.operator,
            "log an agent in at a station (args: agent, station = an FXS number, or number + trunk_group; ready = true; desktop = false: this connection is the agent's desktop)"),
        "agent.attach": ControlCommand(.operator,
            "this connection is now the agent's desktop again (after a reconnection), keeping their state (args: agent)"),
        "agent.ready": ControlCommand(.operator, "make an agent ready for calls (args: agent)"),
        "agent.pause": ControlCommand(.operator, "make an agent not ready (args: agent, reason)"),
        "agent.logout": ControlCommand(.operator, "log an agent out (args: agent)"),
        "agent.hold": ControlCommand(.operator, "put the agent's caller on hold with music (args: agent)"),
        "agent.retrieve": ControlCommand(.operator, "take the agent's caller off hold (args: agent)"),
        "agent.transfer": ControlCommand(.operator,
            "blind-transfer the agent's caller (args: agent, and one of queue, to = another agent, flow, number with trunk_group)"),
        "agent.consult": ControlCommand(.operator, "hold the agent's caller and ring another agent to consult (args: agent, to)"),
        "agent.complete": ControlCommand(.operator, "complete an attended transfer to the agent consulted (args: agent)"),
        "agent.cancel": ControlCommand(.operator, "end a consultation; the caller stays on hold (args: agent)"),
        "agent.conference": ControlCommand(.operator, "bring the held caller into the consultation: a three-way call (args: agent)"),
        "agent.dial": ControlCommand(.operator,
            "click-to-dial: ring the agent's phone, then call another agent (to) or a number on a trunk group (args: agent, to | number + trunk_group)"),
        "supervise": ControlCommand(.operator,
            "a supervisor taps an agent's call, ringing the supervisor's phone first (args: supervisor, agent, mode = listen|whisper|barge|takeover)"),
        "supervise.force": ControlCommand(.operator,
            "a supervisor sets an agent in their scope ready, not ready or logged out (args: supervisor, agent, state = ready|not-ready|logged-out, reason)"),
        "queue.log": ControlCommand(.operator, "the queue log (args: queue, agent, from, to, limit = 200)"),
        "agent.log": ControlCommand(.operator, "the agent state log (args: agent, from, limit = 200)"),
        "surveys": ControlCommand(.operator, "satisfaction scores callers gave (args: agent, queue, limit = 200)"),
    ]

    private var acd: ACDService {
        get throws(ControlFailure) {
            guard let acd = daemon.acdService.withLock({ $0 }) else {
                throw ControlFailure(id: .null, code: .unavailable, message: "this daemon has no ACD (configure acd:)")
            }
            return acd
        }
    }

    /// Where `agent.transfer` sends the caller: exactly one of queue, to (an agent), flow, or
    /// number with trunk_group.
    private func transferTarget(_ a: CommandArguments) throws(ControlFailure) -> ACDService.TransferTarget {
        let queue = try a.string("queue"), agent = try a.string("to"), flow = try a.string("flow")
        let number = try a.string("number"), group = try a.string("trunk_group")
        guard [queue, agent, flow, number].compactMap({ $0 }).count == 1 else {
            throw a.failure("agent.transfer: give exactly one of queue, to, flow, number")
        }
        if let queue { return .queue(queue) }
        if let agent { return .agent(agent) }
        if let flow {
            guard daemon.currentIVR?.flowNames.contains(flow) == true else { throw a.failure("agent.transfer: no IVR flow \(flow)") }
            return .flow(flow)
        }
        guard let number, !number.isEmpty, number.allSatisfy({ "0123456789*#".contains($0) }) else {
            throw a.failure("agent.transfer: the number must be digits")
        }
        guard let group, daemon.resolved.trunkGroups.contains(where: { $0.name == group }) else {
            throw a.failure("agent.transfer: a number needs the trunk_group of a configured trunk")
        }
        return .number(trunkGroup: group, number: number)
    }

    private func refused(_ r: ACDService.Refusal) -> ControlFailure {
        ControlFailure(id: .null, code: r.description.hasPrefix("no agent") ? .notFound : .failed, message: r.description)
    }

    func answerACD(_ request: ControlRequest, from client: ControlPeer) async throws(ControlFailure) -> JSONValue {
        switch request.command {
        case "queues":
            _ = try CommandArguments(request, allowed: [])
            return JSONValue(encoding: await (try acd).snapshot().queues)
        case "agents":
            _ = try CommandArguments(request, allowed: [])
            return JSONValue(encoding: await (try acd).snapshot().agents)
        case "agent.login":
            let a = try CommandArguments(request, allowed: ["agent", "station", "number", "trunk_group", "ready", "desktop"])
            let agent = try a.requiredString("agent")
            let group = try a.string("trunk_group")
            let number = try group == nil ? a.string("station") ?? configuredStation(agent) : a.requiredString("number")
            guard let number, let station = daemon.agentStation(number, trunkGroup: group) else {
                throw a.failure("agent.login: give station (an FXS port's number), or number and trunk_group")
            }
            let service = try acd
            let ready = try a.bool("ready") ?? true
            let desktop = try a.bool("desktop") ?? false
            do throws(ACDService.Refusal) { try await service.login(agent, at: station, ready: ready) } catch { throw refused(error) }
            if desktop { daemon.attachDesktop(agent, connection: client.connection) }
            daemon.log.notice("control: \(client) logged agent \(agent) in at \(station)\(desktop ? " (its desktop)" : "")")
            return .object(["agent": .string(agent), "station": .string(station.number)])
        case "agent.attach":
            let a = try CommandArguments(request, allowed: ["agent"])
            let agent = try a.requiredString("agent")
            let state = await (try acd).snapshot().agents.first { $0.id == agent }?.state
            guard let state else { throw ControlFailure(id: .null, code: .notFound, message: "no agent \(agent)") }
            guard state != "logged-out" else { throw a.failure("agent.attach: agent \(agent) is logged out; log in instead") }
            daemon.attachDesktop(agent, connection: client.connection)
            return .object(["agent": .string(agent), "state": .string(state)])
        case "agent.ready", "agent.logout":
            let a = try CommandArguments(request, allowed: ["agent"])
            let agent = try a.requiredString("agent")
            let service = try acd
            do throws(ACDService.Refusal) {
                if request.command == "agent.ready" { try await service.ready(agent) } else { try await service.logout(agent) }
            } catch { throw refused(error) }
            return .object(["agent": .string(agent), "state": .string(request.command == "agent.ready" ? "ready" : "logged-out")])
        case "agent.consult", "agent.complete", "agent.cancel", "agent.conference":
            let a = try CommandArguments(request, allowed: request.command == "agent.consult" ? ["agent", "to"] : ["agent"])
            let agent = try a.requiredString("agent")
            let target = request.command == "agent.consult" ? try a.requiredString("to") : ""
            let service = try acd
            do throws(ACDService.Refusal) {
                switch request.command {
                case "agent.consult": try await service.consult(agent, with: target)
                case "agent.complete": try await service.completeTransfer(agent)
                case "agent.conference": try await service.conference(agent)
                default: try await service.cancelConsult(agent)
                }
            } catch { throw refused(error) }
            daemon.log.notice("control: \(client) \(request.command) \(agent)\(target.isEmpty ? "" : " with \(target)")")
            return .object(["agent": .string(agent), "done": .string(request.command)])
        case "agent.hold", "agent.retrieve":
            let a = try CommandArguments(request, allowed: ["agent"])
            let agent = try a.requiredString("agent")
            let service = try acd
            do throws(ACDService.Refusal) {
                if request.command == "agent.hold" { try await service.hold(agent) } else { try await service.retrieve(agent) }
            } catch { throw refused(error) }
            daemon.log.notice("control: \(client) \(request.command) \(agent)")
            return .object(["agent": .string(agent), "done": .string(request.command)])
        case "agent.transfer":
            let a = try CommandArguments(request, allowed: ["agent", "queue", "to", "flow", "number", "trunk_group"])
            let agent = try a.requiredString("agent")
            let target = try transferTarget(a)
            let service = try acd
            do throws(ACDService.Refusal) { try await service.transfer(agent, to: target) } catch { throw refused(error) }
            daemon.log.notice("control: \(client) transferred agent \(agent)'s caller to \(target)")
            return .object(["agent": .string(agent), "done": .string(request.command), "to": .string(target.description)])
        case "agent.pause":
            let a = try CommandArguments(request, allowed: ["agent", "reason"])
            let agent = try a.requiredString("agent")
            let reason = try a.string("reason") ?? "break"
            let service = try acd
            do throws(ACDService.Refusal) { try await service.pause(agent, reason: reason) } catch { throw refused(error) }
            return .object(["agent": .string(agent), "state": .string("not-ready"), "reason": .string(reason)])
        case "agent.dial":
            let a = try CommandArguments(request, allowed: ["agent", "to", "number", "trunk_group"])
            let agent = try a.requiredString("agent")
            let target: ACDService.DialTarget
            switch (try a.string("to"), try a.string("number")) {
            case let (to?, nil): target = .agent(to)
            case let (nil, number?):
                guard !number.isEmpty, number.allSatisfy({ "0123456789*#".contains($0) }) else {
                    throw a.failure("agent.dial: the number must be digits")
                }
                guard let group = try a.string("trunk_group"), daemon.resolved.trunkGroups.contains(where: { $0.name == group }) else {
                    throw a.failure("agent.dial: a number needs the trunk_group of a configured trunk")
                }
                target = .number(trunkGroup: group, number: number)
            default: throw a.failure("agent.dial: give to (an agent) or number with trunk_group")
            }
            let service = try acd
            let call: CallID
            do throws(ACDService.Refusal) { call = try await service.dial(agent, to: target) } catch { throw refused(error) }
            daemon.log.notice("control: \(client) agent \(agent) dials \(target)")
            return .object(["agent": .string(agent), "to": .string(target.description), "call": .number(Double(call.value))])
        case "supervise":
            let a = try CommandArguments(request, allowed: ["supervisor", "agent", "mode"])
            let supervisor = try a.requiredString("supervisor"), agent = try a.requiredString("agent")
            let name = try a.string("mode") ?? "listen"
            guard name == "takeover" || MonitorMode(rawValue: name) != nil else {
                throw a.failure("supervise: mode is listen, whisper, barge or takeover, not \(name)")
            }
            _ = try acd
            let call: CallID
            do throws(ACDService.Refusal) { call = try await daemon.supervise(agent, by: supervisor, mode: MonitorMode(rawValue: name)) } catch {
                throw refused(error)
            }
            daemon.log.notice("control: \(client) supervisor \(supervisor) \(name) on agent \(agent)")
            return .object(["supervisor": .string(supervisor), "agent": .string(agent), "mode": .string(name),
                            "call": .number(Double(call.value))])
        case "supervise.force":
            let a = try CommandArguments(request, allowed: ["supervisor", "agent", "state", "reason"])
            let supervisor = try a.requiredString("supervisor"), agent = try a.requiredString("agent")
            let stateName = try a.requiredString("state")
            let state: ACDService.ForcedState
            switch stateName {
            case "ready": state = .ready
            case "not-ready": state = .notReady(reason: try a.string("reason") ?? "supervisor")
            case "logged-out": state = .loggedOut
            default: throw a.failure("supervise.force: state is ready, not-ready or logged-out, not \(stateName)")
            }
            let service = try acd
            do throws(ACDService.Refusal) { try await service.force(agent, to: state, by: supervisor) } catch { throw refused(error) }
            daemon.log.notice("control: \(client) supervisor \(supervisor) forced agent \(agent) \(stateName)")
            return .object(["supervisor": .string(supervisor), "agent": .string(agent), "state": .string(stateName)])
        case "queue.log":
            let a = try CommandArguments(request, allowed: ["queue", "agent", "from", "to", "limit"])
            let store = try store
            let queue = try a.string("queue"), agent = try a.string("agent")
            let from = try a.time("from").map(WallTime.init(secondsSince1970:))
            let before = try a.time("to").map(WallTime.init(secondsSince1970:))
            let limit = try a.int("limit", in: 1...100_000) ?? 200
            let rows = try stored { () throws(StorageError) in try store.queueLog(queue: queue, agent: agent, from: from, before: before, limit: limit) }
            return .array(rows.map { r in
                .object(["call": .number(Double(r.call.value)), "queue": .string(r.queue), "event": .string(r.event),
                         "agent": r.agent.map(JSONValue.string) ?? .null, "position": r.position.map { .number(Double($0)) } ?? .null,
                         "wait_s": r.waitSeconds.map { .number(($0 * 10).rounded() / 10) } ?? .null,
                         "detail": r.detail.map(JSONValue.string) ?? .null, "at": .number(r.at.secondsSince1970)])
            })
        case "agent.log":
            let a = try CommandArguments(request, allowed: ["agent", "from", "limit"])
            let store = try store
            let agent = try a.string("agent")
            let from = try a.time("from").map(WallTime.init(secondsSince1970:))
            let limit = try a.int("limit", in: 1...100_000) ?? 200
            let rows = try stored { () throws(StorageError) in try store.agentLog(agent: agent, from: from, limit: limit) }
            return .array(rows.map { r in
                .object(["agent": .string(r.agent), "group": .string(r.group), "from": .string(r.from), "to": .string(r.to),
                         "reason": r.reason.map(JSONValue.string) ?? .null, "station": r.station.map(JSONValue.string) ?? .null,
                         "at": .number(r.at.secondsSince1970)])
            })
        case "surveys":
            let a = try CommandArguments(request, allowed: ["agent", "queue", "limit"])
            let store = try store
            let agent = try a.string("agent"), queue = try a.string("queue")
            let limit = try a.int("limit", in: 1...100_000) ?? 200
            let rows = try stored { () throws(StorageError) in try store.surveys(agent: agent, queue: queue, limit: limit) }
            return .array(rows.map { r in
                .object(["call": .number(Double(r.call.value)), "flow": .string(r.flow), "queue": r.queue.map(JSONValue.string) ?? .null,
                         "agent": r.agent.map(JSONValue.string) ?? .null, "score": .number(Double(r.score)),
                         "at": .number(r.at.secondsSince1970)])
            })
        default:
            throw ControlFailure(id: .null, code: .unknownCommand, message: "no command \(request.command)")
        }
    }

    private func configuredStation(_ agent: String) -> String? {
        daemon.acdOptions?.agents?.first { $0.id == agent }?.station
    }
}
