import ArgumentParser
import Control
import Foundation
import Glibc

/// `pstnctl`: the operator's tool for a running `pstnd`, over its control socket.
@main
struct PSTNCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pstnctl",
        abstract: "Steer a running pstnd through its control socket.",
        discussion: """
        Tables for people by default; --json prints the daemon's JSON for scripts. Exit status: 0 on success, \
        1 when the daemon refused or failed the request (its error code is printed), 2 when it cannot be reached.
        Shell completion: pstnctl --generate-completion-script bash|zsh|fish.
        """,
        subcommands: [Status.self, Spans.self, Channels.self, Calls.self, Block.self, Unblock.self, Reset.self,
                      Maintenance.self, Capture.self, Reload.self, CDR.self, Events.self, Top.self, Metrics.self,
                      Blocked.self, Recordings.self, Voicemail.self, PromptCommand.self, IVRCommand.self,
                      Queues.self, Agents.self, AgentCommand.self, Supervise.self, QueueLog.self, Surveys.self, Fax.self, Campaign.self,
                      WhoAmI.self, Commands.self, Request.self])
}

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The daemon's control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).")
    var socket: String = ProcessInfo.processInfo.environment["PSTN_SOCKET"] ?? "/run/pstnd/control.sock"

    @Flag(name: .long, help: "Print the daemon's JSON instead of tables.")
    var json = false

    /// Connect, send one request, and return its result; errors end the program with their code.
    func request(_ command: String, _ arguments: [String: JSONValue] = [:]) throws -> JSONValue {
        do {
            return try ControlClient(path: socket).request(command, arguments)
        } catch {
            throw Failure(error)
        }
    }

    /// Print `result` as JSON, or as a person would read it.
    func show(_ result: JSONValue, human: (JSONValue) -> String) {
        if json {
            print(String(decoding: result.line().dropLast(), as: UTF8.self))
        } else {
            let text = human(result)
            if !text.isEmpty { print(text) }
        }
    }
}

/// A request that failed: printed with its code, and the exit status scripts test.
struct Failure: Error, CustomStringConvertible {
    let error: ControlClientError
    init(_ error: ControlClientError) { self.error = error }
    var description: String { "pstnctl: \(error.code): \(error)" }
}

extension ParsableCommand {
    /// Run `body`, turning a control failure into its message and exit status.
    func reporting(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as Failure {
            FileHandle.standardError.write(Data("\(failure)\n".utf8))
            if case .connect = failure.error { throw ExitCode(2) }
            throw ExitCode(1)
        }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The daemon: version, uptime, trunks, calls, media.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reporting {
            global.show(try global.request("status")) { Table.keyValues($0) }
        }
    }
}

struct Spans: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "DAHDI spans with their alarms and the trunks on them.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reporting {
            global.show(try global.request("spans")) {
                Table.rows($0, columns: ["span", "name", "type", "alarms", "channels", "trunks", "bipolar_violations", "crc4_errors"])
            }
        }
    }
}

struct Channels: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every channel's state and call.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this trunk's channels.") var trunk: String?
    @Flag(help: "Only channels that are not idle.") var busy = false

    func run() throws {
        try reporting {
            var args: [String: JSONValue] = [:]
            if let trunk { args["trunk"] = .string(trunk) }
            var result = try global.request("channels", args)
            if busy, case let .array(items) = result { result = .array(items.filter { $0["state"]?.stringValue != "idle" }) }
            global.show(result) { Table.rows($0, columns: ["trunk", "signalling", "channel", "label", "state", "call"]) }
        }
    }
}

struct Calls: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Calls in progress: list, show, hang up, originate.",
        subcommands: [List.self, Show.self, Hangup.self, Originate.self, Record.self], defaultSubcommand: List.self)

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start or stop recording a call in progress (supervisor).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The call's id.") var call: Int
        @Flag(help: "Stop recording it.") var stop = false
        @Flag(help: "One channel with both sides mixed, not stereo.") var mono = false

        func run() throws {
            try reporting {
                let r = try global.request("calls.record", ["call": .number(Double(call)), "stop": .bool(stop),
                                                            "layout": .string(mono ? "mono" : "stereo")])
                global.show(r) { _ in stop ? "stopped recording call \(call)" : "recording \(Table.text(r["recording"])) of call \(call)" }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The calls in progress.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try reporting {
                global.show(try global.request("calls.list")) { Table.calls($0) }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One call, in progress or from its CDR.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The call's id.") var call: Int

        func run() throws {
            try reporting {
                global.show(try global.request("calls.show", ["call": .number(Double(call))])) { result in
                    if let leg = result["leg"] { return Table.keyValues(leg) }
                    return Table.keyValues(result["cdr"] ?? result)
                }
            }
        }
    }

    struct Hangup: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release a call with a Q.850 cause (admin).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The call's id.") var call: Int
        @Option(help: "The Q.850 cause (16: normal clearing).") var cause: Int = 16

        func run() throws {
            try reporting {
                let result = try global.request("calls.hangup", ["call": .number(Double(call)), "cause": .number(Double(cause))])
                global.show(result) { _ in "call \(call) released with cause \(cause)" }
            }
        }
    }

    struct Originate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Place a call on a trunk group (admin).")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("trunk-group"), help: "Where the call leaves.") var trunkGroup: String
        @Option(help: "The called number.") var to: String
        @Option(help: "The calling number.") var from: String?
        @Option(name: .customLong("hangup-after"), help: "Release it this many seconds after answer.") var hangupAfter: Double?
        @Option(help: "Seize exactly this DAHDI channel.") var channel: Int?

        func run() throws {
            try reporting {
                var args: [String: JSONValue] = ["trunk_group": .string(trunkGroup), "called": .string(to)]
                if let from { args["calling"] = .string(from) }
                if let hangupAfter { args["hangup_after_s"] = .number(hangupAfter) }
                if let channel { args["channel"] = .number(Double(channel)) }
                let result = try global.request("calls.originate", args)
                global.show(result) { "call \($0["call"]?.description ?? "?") placed to \(to) on \(trunkGroup)" }
            }
        }
    }
}

/// Channels or CICs of one trunk, for block, unblock and reset.
struct ChannelSelectionOptions: ParsableArguments {
    @Argument(help: "The trunk (span or SS7 linkset) as configured.") var trunk: String
    @Option(help: "DAHDI channels, such as 1-5,7.") var channels: String?
    @Option(help: "ISUP circuit identification codes, such as 1-15 (SS7 linksets).") var cics: String?

    func validate() throws {
        guard (channels == nil) != (cics == nil) else { throw ValidationError("give --channels or --cics") }
    }

    var arguments: [String: JSONValue] {
        var a: [String: JSONValue] = ["trunk": .string(trunk)]
        if let channels { a["channels"] = .string(channels) }
        if let cics { a["cics"] = .string(cics) }
        return a
    }
}

/// block, unblock and reset: one request naming channels.
protocol ChannelMaintenanceCommand: ParsableCommand {
    static var command: String { get }
    var global: GlobalOptions { get }
    var selection: ChannelSelectionOptions { get }
}

extension ChannelMaintenanceCommand {
    func run() throws {
        try reporting {
            let result = try global.request(Self.command, selection.arguments)
            global.show(result) { r in
                "\(Self.command.dropFirst("channels.".count)): \(selection.trunk) channels \(Table.text(r["channels"]))"
            }
        }
    }
}

struct Block: ChannelMaintenanceCommand {
    static let configuration = CommandConfiguration(abstract: "Block channels or CICs: no call is offered on them (admin).")
    static let command = "channels.block"
    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: ChannelSelectionOptions
}

struct Unblock: ChannelMaintenanceCommand {
    static let configuration = CommandConfiguration(abstract: "Unblock channels or CICs (admin).")
    static let command = "channels.unblock"
    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: ChannelSelectionOptions
}

struct Reset: ChannelMaintenanceCommand {
    static let configuration = CommandConfiguration(abstract: "Reset channels (RESTART, RSC/GRS), clearing their calls (admin).")
    static let command = "channels.reset"
    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: ChannelSelectionOptions
}

struct Maintenance: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Put a span in a maintenance mode (admin).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The DAHDI span number.") var span: Int
    @Argument(help: "none, localloop, remoteloop, loopup or loopdown.") var mode: String

    func run() throws {
        try reporting {
            let result = try global.request("span.maintenance", ["span": .number(Double(span)), "mode": .string(mode)])
            global.show(result) { _ in "span \(span): \(mode)" }
        }
    }
}

struct Capture: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a trunk's signalling to a pcap file that tshark and Wireshark decode (admin).",
        subcommands: [Start.self, Stop.self])

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start capturing (PRI: LAPD/Q.931, SS7: MTP2).")
        @OptionGroup var global: GlobalOptions
        @Argument var trunk: String
        @Argument(help: "The pcap file, as the daemon sees the filesystem.") var path: String

        func run() throws {
            try reporting {
                let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
                let result = try global.request("capture.start", ["trunk": .string(trunk), "path": .string(absolute)])
                global.show(result) { _ in "capturing \(trunk) to \(absolute)" }
            }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop capturing and close the file.")
        @OptionGroup var global: GlobalOptions
        @Argument var trunk: String

        func run() throws {
            try reporting {
                global.show(try global.request("capture.stop", ["trunk": .string(trunk)])) { _ in "capture of \(trunk) stopped" }
            }
        }
    }
}

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Re-read the configuration: routes, trunk groups, IVR flows, ACD queues, agents and campaigns, as SIGHUP (admin).")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reporting {
            global.show(try global.request("reload")) { $0["note"]?.stringValue ?? "reloaded" }
        }
    }
}

struct CDR: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cdr", abstract: "Call detail records, newest first.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Calls offered from this time (ISO 8601, or a date).") var from: String?
    @Option(help: "Calls offered before this time.") var to: String?
    @Option(help: "Calling or called number starting with these digits.") var number: String?
    @Option(help: "Ended with this Q.850 cause.") var cause: Int?
    @Option(help: "open, closed or interrupted.") var state: String?
    @Option(help: "At most this many.") var limit: Int = 100

    func run() throws {
        try reporting {
            var args: [String: JSONValue] = ["limit": .number(Double(limit))]
            if let from { args["from"] = .string(from) }
            if let to { args["to"] = .string(to) }
            if let number { args["number"] = .string(number) }
            if let cause { args["cause"] = .number(Double(cause)) }
            if let state { args["state"] = .string(state) }
            global.show(try global.request("cdr.query", args)) { Table.cdrs($0) }
        }
    }
}

struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Watch the daemon's events.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Keep streaming until interrupted.") var follow = false
    @Option(name: .customLong("kind"), help: "Only these kinds (call.offered; call. for every call event).") var kinds: [String] = []
    @Option(name: .customLong("span"), help: "Only events of these trunks.") var spans: [String] = []
    @Option(help: "Without --follow: stop after this many events.") var count: Int = 20
    @Option(help: "Without --follow: stop after this many seconds.") var timeout: Double = 10

    func run() throws {
        try reporting {
            let client: ControlClient
            do throws(ControlClientError) {
                client = try ControlClient(path: global.socket)
                var filter: [String: JSONValue] = [:]
                if !kinds.isEmpty { filter["kinds"] = .array(kinds.map(JSONValue.string)) }
                if !spans.isEmpty { filter["spans"] = .array(spans.map(JSONValue.string)) }
                _ = try client.request("events.subscribe", filter)
            } catch {
                throw Failure(error)
            }
            var seen = 0
            let deadline = Date().addingTimeInterval(timeout)
            while follow || (seen < count && Date() < deadline) {
                let event: JSONValue?
                do throws(ControlClientError) {
                    event = try client.nextEvent(timeout: follow ? 3600 : max(0.1, deadline.timeIntervalSinceNow))
                } catch {
                    throw Failure(error)
                }
                guard let event else { continue }
                seen += 1
                global.show(event) { Table.event($0) }
                fflush(nil)
            }
        }
    }
}

struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A live view of spans, channels and calls, refreshed every second.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Seconds between refreshes.") var interval: Double = 1
    @Option(help: "Stop after this many refreshes (0: until interrupted).") var iterations: Int = 0

    func run() throws {
        try reporting {
            var done = 0
            while iterations == 0 || done < iterations {
                let status = try global.request("status")
                let spans = try global.request("spans")
                let channels = try global.request("channels")
                let calls = try global.request("calls.list")
                if isatty(STDOUT_FILENO) != 0 { print("\u{1b}[H\u{1b}[2J", terminator: "") }
                let busy: JSONValue = { if case let .array(a) = channels { .array(a.filter { $0["state"]?.stringValue != "idle" }) } else { .array([]) } }()
                print("""
                pstnd \(status["version"]?.stringValue ?? "")  up \(status["uptime_s"]?.description ?? "?") s  \
                calls \(status["calls_active"]?.description ?? "?")  \
                deadline misses \(status["media"]?["deadline_misses"]?.description ?? "?")  \
                \(status["accepting_calls"]?.boolValue == false ? "DRAINING" : "")  \(Date())

                \(Table.rows(spans, columns: ["span", "name", "alarms", "channels", "trunks"]))

                \(Table.rows(busy, columns: ["trunk", "channel", "label", "state", "call"]))

                \(Table.calls(calls))
                """)
                fflush(nil)
                done += 1
                if iterations == 0 || done < iterations { usleep(UInt32(max(0.1, interval) * 1_000_000)) }
            }
        }
    }
}

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every figure in Prometheus text format.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reporting {
            let result = try global.request("metrics")
            global.show(result) { $0["text"]?.stringValue ?? "" }
        }
    }
}

struct WhoAmI: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Your user and role on this daemon.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reporting { global.show(try global.request("whoami")) { Table.keyValues($0) } }
    }
}

struct Commands: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The daemon's protocol commands and the role each needs.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reporting { global.show(try global.request("help")) { Table.rows($0, columns: ["command", "role", "summary"]) } }
    }
}

struct Request: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send any protocol command with JSON arguments; prints the result.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The command (see 'pstnctl commands').") var command: String
    @Argument(help: "Its arguments as a JSON object.") var arguments: String = "{}"

    func run() throws {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(arguments.utf8)), case let .object(args) = value else {
            throw ValidationError("the arguments must be a JSON object, such as {\"call\": 12}")
        }
        try reporting {
            let result = try global.request(command, args)
            print(String(decoding: result.line().dropLast(), as: UTF8.self))
        }
    }
}
