import ArgumentParser
import Control
import Foundation

/// `pstnctl queues`: each queue, its callers waiting and its agents.
struct Queues: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "ACD queues: callers waiting, agents logged in and ready.")
    @OptionGroup var global: GlobalOptions
    func run() throws {
        try reporting {
            global.show(try global.request("queues")) { result in
                guard case let .array(queues) = result, !queues.isEmpty else { return "(no queues)" }
                return queues.map { q in
                    var text = "\(Table.text(q["name"])) (\(Table.text(q["strategy"]))): \(Table.text(q["agentsLoggedIn"])) agents logged in, "
                        + "\(Table.text(q["agentsReady"])) ready"
                    if case .bool(true)? = q["closing"] { text += "; closing (taken out by a reload, goes with its last call)" }
                    if case let .array(waiting)? = q["waiting"], !waiting.isEmpty {
                        text += "\n" + Table.rows(.array(waiting), columns: ["call", "caller", "called", "priority", "waitedSeconds", "ringing"])
                    }
                    return text
                }.joined(separator: "\n\n")
            }
        }
    }
}

/// `pstnctl agents`: every agent and where they stand.
struct Agents: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "ACD agents: state, time in state, station, calls answered.")
    @OptionGroup var global: GlobalOptions
    func run() throws {
        try reporting {
            global.show(try global.request("agents")) { result in
                // An agent a reload took out shows it beside their state until their call ends.
                guard case let .array(rows) = result else { return "(none)" }
                let shown = rows.map { row -> JSONValue in
                    guard case var .object(fields) = row, case .bool(true)? = fields["leaving"] else { return row }
                    fields["state"] = .string("\(Table.text(fields["state"])) (leaving)")
                    return .object(fields)
                }
                return Table.rows(.array(shown), columns: ["id", "name", "group", "state", "reason", "secondsInState", "station", "callsAnswered"])
            }
        }
    }
}

/// `pstnctl agent login|ready|pause|logout`.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "An agent's own commands: login, ready, pause, logout; and the agent log.",
        subcommands: [Login.self, Ready.self, Pause.self, Logout.self, Dial.self, Hold.self, Retrieve.self, Transfer.self,
                      Consult.self, Complete.self, CancelConsult.self, Conference.self, Log.self])

    struct Dial: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Click-to-dial: ring the agent's phone, then call another agent or a number.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        @Option(help: "Another agent (an internal call).") var to: String?
        @Option(help: "A number to call out, with --trunk-group.") var number: String?
        @Option(name: .customLong("trunk-group"), help: "Where the number is called.") var trunkGroup: String?
        func run() throws {
            try reporting {
                var args: [String: JSONValue] = ["agent": .string(agent)]
                for (key, value) in [("to", to), ("number", number), ("trunk_group", trunkGroup)] {
                    if let value { args[key] = .string(value) }
                }
                let r = try global.request("agent.dial", args)
                global.show(r) { _ in "agent \(agent)'s phone rings; then \(Table.text(r["to"]))" }
            }
        }
    }

    struct Consult: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hold the agent's caller and ring another agent to consult.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        @Option(help: "The agent to consult.") var to: String
        func run() throws {
            try reporting {
                global.show(try global.request("agent.consult", ["agent": .string(agent), "to": .string(to)])) { _ in
                    "agent \(agent) consulting \(to)"
                }
            }
        }
    }

    struct Complete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Complete the attended transfer to the agent consulted.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        func run() throws {
            try reporting { global.show(try global.request("agent.complete", ["agent": .string(agent)])) { _ in "transferred" } }
        }
    }

    struct Conference: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bring the held caller into the consultation (a three-way call).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        func run() throws {
            try reporting { global.show(try global.request("agent.conference", ["agent": .string(agent)])) { _ in "three-way call" } }
        }
    }

    struct CancelConsult: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel-consult",
                                                        abstract: "End the consultation; the caller stays on hold.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        func run() throws {
            try reporting { global.show(try global.request("agent.cancel", ["agent": .string(agent)])) { _ in "consultation ended" } }
        }
    }

    struct Hold: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put the agent's caller on hold with music.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        func run() throws {
            try reporting { global.show(try global.request("agent.hold", ["agent": .string(agent)])) { _ in "agent \(agent)'s caller on hold" } }
        }
    }

    struct Retrieve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take the agent's caller off hold.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        func run() throws {
            try reporting { global.show(try global.request("agent.retrieve", ["agent": .string(agent)])) { _ in "agent \(agent)'s caller back" } }
        }
    }

    struct Transfer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Blind-transfer the agent's caller to a queue, another agent, an IVR flow or an external number.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        @Option(help: "A queue.") var queue: String?
        @Option(help: "Another agent (the caller hears music until they answer).") var to: String?
        @Option(help: "An IVR flow.") var flow: String?
        @Option(help: "An external number, with --trunk-group.") var number: String?
        @Option(name: .customLong("trunk-group"), help: "Where the external number is called.") var trunkGroup: String?
        func run() throws {
            try reporting {
                var args: [String: JSONValue] = ["agent": .string(agent)]
                for (key, value) in [("queue", queue), ("to", to), ("flow", flow), ("number", number), ("trunk_group", trunkGroup)] {
                    if let value { args[key] = .string(value) }
                }
                let r = try global.request("agent.transfer", args)
                global.show(r) { _ in "agent \(agent)'s caller transferred to \(Table.text(r["to"]))" }
            }
        }
    }

    struct Login: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Log an agent in at an FXS station or an external number.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        @Option(help: "The FXS port's number (default: the agent's configured station).") var station: String?
        @Option(help: "An external number (remote agent), with --trunk-group.") var number: String?
        @Option(name: .customLong("trunk-group"), help: "Where the external number is called.") var trunkGroup: String?
        @Flag(name: .customLong("not-ready"), help: "Log in not ready.") var notReady = false
        func run() throws {
            try reporting {
                var args: [String: JSONValue] = ["agent": .string(agent), "ready": .bool(!notReady)]
                if let station { args["station"] = .string(station) }
                if let number { args["number"] = .string(number) }
                if let trunkGroup { args["trunk_group"] = .string(trunkGroup) }
                let r = try global.request("agent.login", args)
                global.show(r) { _ in "agent \(agent) logged in at \(Table.text(r["station"]))" }
            }
        }
    }

    struct Ready: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an agent ready for calls.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        func run() throws {
            try reporting { global.show(try global.request("agent.ready", ["agent": .string(agent)])) { _ in "agent \(agent) ready" } }
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an agent not ready, with a reason.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        @Option(help: "Why (lunch, training...).") var reason = "break"
        func run() throws {
            try reporting {
                global.show(try global.request("agent.pause", ["agent": .string(agent), "reason": .string(reason)])) { _ in
                    "agent \(agent) not ready (\(reason))"
                }
            }
        }
    }

    struct Logout: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Log an agent out.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        func run() throws {
            try reporting { global.show(try global.request("agent.logout", ["agent": .string(agent)])) { _ in "agent \(agent) logged out" } }
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The agent state log, oldest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this agent.") var agent: String?
        @Option(help: "From this time (ISO 8601, or a date).") var from: String?
        @Option(help: "At most this many.") var limit = 200
        func run() throws {
            try reporting {
                var args: [String: JSONValue] = ["limit": .number(Double(limit))]
                if let agent { args["agent"] = .string(agent) }
                if let from { args["from"] = .string(from) }
                global.show(try global.request("agent.log", args)) { Table.rows($0, columns: ["at", "agent", "from", "to", "reason", "station"]) }
            }
        }
    }
}

/// `pstnctl queue-log`: what happened to callers in the queues.
struct QueueLog: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queue-log", abstract: "The queue log, oldest first.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this queue.") var queue: String?
    @Option(help: "Only this agent.") var agent: String?
    @Option(help: "From this time (ISO 8601, or a date).") var from: String?
    @Option(help: "Before this time.") var to: String?
    @Option(help: "At most this many.") var limit = 200
    func run() throws {
        try reporting {
            var args: [String: JSONValue] = ["limit": .number(Double(limit))]
            if let queue { args["queue"] = .string(queue) }
            if let agent { args["agent"] = .string(agent) }
            if let from { args["from"] = .string(from) }
            if let to { args["to"] = .string(to) }
            global.show(try global.request("queue.log", args)) {
                Table.rows($0, columns: ["at", "queue", "call", "event", "agent", "position", "wait_s", "detail"])
            }
        }
    }
}

/// `pstnctl surveys`: the scores callers gave after queue calls.
struct Surveys: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Satisfaction scores (1-5) callers gave, oldest first.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this agent.") var agent: String?
    @Option(help: "Only this queue.") var queue: String?
    @Option(help: "At most this many.") var limit = 200
    func run() throws {
        try reporting {
            var args: [String: JSONValue] = ["limit": .number(Double(limit))]
            if let agent { args["agent"] = .string(agent) }
            if let queue { args["queue"] = .string(queue) }
            global.show(try global.request("surveys", args)) { Table.rows($0, columns: ["at", "call", "queue", "agent", "score"]) }
        }
    }
}
