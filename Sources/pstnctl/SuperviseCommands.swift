import ArgumentParser
import Control

/// `pstnctl supervise`: a supervisor taps an agent's call (their phone rings first) or forces an
/// agent's state, within the supervisor's scope.
struct Supervise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Supervisor actions: listen, whisper, barge, take over an agent's call; force an agent's state.",
        discussion: """
        The first tap rings the supervisor's phone (where they are logged in) and taps the call when it
        answers; later ones change the tap. Only agents in the supervisor's group, or in the groups and
        queues under `supervises:`, may be watched or forced.
        """,
        subcommands: [Listen.self, Whisper.self, Barge.self, Takeover.self, Force.self])

    /// Ask for a tap in `mode` and show the answer.
    static func tap(_ global: GlobalOptions, mode: String, agent: String, supervisor: String) throws {
        let r = try global.request("supervise", ["agent": .string(agent), "supervisor": .string(supervisor), "mode": .string(mode)])
        global.show(r) { _ in "supervisor \(supervisor): \(mode) on agent \(agent)'s call (supervisor's call \(Table.text(r["call"])))" }
    }

    struct Listen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hear the agent's call; neither party hears the supervisor.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        @Option(help: "The supervisor's id.") var supervisor: String
        func run() throws { try reporting { try Supervise.tap(global, mode: "listen", agent: agent, supervisor: supervisor) } }
    }

    struct Whisper: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Speak to the agent only; the caller does not hear.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        @Option(help: "The supervisor's id.") var supervisor: String
        func run() throws { try reporting { try Supervise.tap(global, mode: "whisper", agent: agent, supervisor: supervisor) } }
    }

    struct Barge: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Join the call; both parties hear the supervisor.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        @Option(help: "The supervisor's id.") var supervisor: String
        func run() throws { try reporting { try Supervise.tap(global, mode: "barge", agent: agent, supervisor: supervisor) } }
    }

    struct Takeover: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take the call: the agent leaves, the caller stays with the supervisor.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        @Option(help: "The supervisor's id.") var supervisor: String
        func run() throws { try reporting { try Supervise.tap(global, mode: "takeover", agent: agent, supervisor: supervisor) } }
    }

    struct Force: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set an agent ready, not ready or logged out.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var agent: String
        @Argument(help: "ready, not-ready or logged-out.") var state: String
        @Option(help: "The supervisor's id.") var supervisor: String
        @Option(help: "The not-ready reason.") var reason: String?
        func run() throws {
            try reporting {
                var args: [String: JSONValue] = ["agent": .string(agent), "supervisor": .string(supervisor), "state": .string(state)]
                if let reason { args["reason"] = .string(reason) }
                global.show(try global.request("supervise.force", args)) { _ in "agent \(agent) is now \(state)" }
            }
        }
    }
}
