import ArgumentParser
import Control
import Foundation

/// `pstnctl blocked`: the calling numbers the engine refuses.
struct Blocked: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Blocked calling numbers: list, add, remove.", subcommands: [List.self, Add.self, Remove.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The blocked numbers.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            try reporting {
                global.show(try global.request("blocked.list")) { Table.rows($0, columns: ["number", "action", "note"]) }
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Block a calling number (supervisor).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The calling number, as it arrives.") var number: String
        @Option(help: "reject (cause 21, never answered) or message (told, then released).") var action = "reject"
        @Option(help: "Why, for the other operators.") var note: String?
        func run() throws {
            try reporting {
                var args: [String: JSONValue] = ["number": .string(number), "action": .string(action)]
                if let note { args["note"] = .string(note) }
                global.show(try global.request("blocked.add", args)) { _ in "\(number) blocked (\(action))" }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unblock a calling number (supervisor).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The calling number.") var number: String
        func run() throws {
            try reporting {
                global.show(try global.request("blocked.remove", ["number": .string(number)])) { _ in "\(number) unblocked" }
            }
        }
    }
}

/// Copies a recording's file (named by the daemon) to where the operator asked.
enum Export {
    static func copy(_ recording: JSONValue, to destination: String, force: Bool) throws {
        guard let source = recording["path"]?.stringValue else { throw ValidationError("the daemon gave no file for it") }
        let manager = FileManager.default
        if manager.fileExists(atPath: destination) {
            guard force else { throw ValidationError("\(destination) exists; give --force to replace it") }
            try manager.removeItem(atPath: destination)
        }
        do {
            try manager.copyItem(atPath: source, toPath: destination)
        } catch {
            throw ValidationError("cannot copy \(source) to \(destination): \(error.localizedDescription)")
        }
    }

    static let columns = ["id", "kind", "box", "call_id", "calling", "called", "started_at", "seconds", "state", "path"]
}

/// `pstnctl recordings`: recorded calls and messages.
struct Recordings: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recordings: list, show, export, delete.", subcommands: [List.self, Show.self, ExportFile.self, Delete.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recordings, oldest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Started from this time (ISO 8601, or a date).") var from: String?
        @Option(help: "Started before this time.") var to: String?
        @Option(help: "Calling or called number starting with these digits.") var number: String?
        @Option(help: "call, voicemail or message.") var kind: String?
        @Option(help: "The CDR's id.") var call: Int?
        @Option(help: "At most this many.") var limit = 100
        func run() throws {
            try reporting {
                var args: [String: JSONValue] = ["limit": .number(Double(limit))]
                if let from { args["from"] = .string(from) }
                if let to { args["to"] = .string(to) }
                if let number { args["number"] = .string(number) }
                if let kind { args["kind"] = .string(kind) }
                if let call { args["call"] = .number(Double(call)) }
                global.show(try global.request("recordings.list", args)) { Table.rows($0, columns: Export.columns) }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One recording.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The recording's id.") var id: Int
        func run() throws {
            try reporting { global.show(try global.request("recordings.show", ["id": .number(Double(id))])) { Table.keyValues($0) } }
        }
    }

    struct ExportFile: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Copy a recording's file.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The recording's id.") var id: Int
        @Argument(help: "Where to write it.") var file: String
        @Flag(help: "Replace the file if it exists.") var force = false
        func run() throws {
            try reporting {
                let r = try global.request("recordings.show", ["id": .number(Double(id))])
                try Export.copy(r, to: file, force: force)
                global.show(r) { _ in "recording \(id) written to \(file)" }
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a recording and its file (admin).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The recording's id.") var id: Int
        func run() throws {
            try reporting { global.show(try global.request("recordings.delete", ["id": .number(Double(id))])) { _ in "deleted" } }
        }
    }
}

/// `pstnctl voicemail`: the messages callers left.
struct Voicemail: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Voicemail: list, play, export, delete, mark-heard.",
        subcommands: [List.self, Play.self, ExportFile.self, Delete.self, MarkHeard.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Messages, oldest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this box.") var box: String?
        @Flag(name: .customLong("new"), help: "Only messages not yet heard.") var unheard = false
        @Option(help: "At most this many.") var limit = 100
        func run() throws {
            try reporting {
                var args: [String: JSONValue] = ["limit": .number(Double(limit)), "new": .bool(unheard)]
                if let box { args["box"] = .string(box) }
                global.show(try global.request("voicemail.list", args)) {
                    Table.rows($0, columns: ["id", "box", "calling", "started_at", "seconds", "heard", "state"])
                }
            }
        }
    }

    struct Play: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Play a message into an answered call (an agent's, a supervisor's).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The message's id.") var id: Int
        @Option(help: "The call to play it to.") var call: Int
        func run() throws {
            try reporting {
                let r = try global.request("voicemail.play", ["id": .number(Double(id)), "call": .number(Double(call))])
                global.show(r) { _ in "playing message \(id) to call \(call)" }
            }
        }
    }

    struct ExportFile: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Copy a message's audio file.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The message's id.") var id: Int
        @Argument(help: "Where to write it.") var file: String
        @Flag(help: "Replace the file if it exists.") var force = false
        func run() throws {
            try reporting {
                let r = try global.request("recordings.show", ["id": .number(Double(id))])
                guard r["kind"]?.stringValue == "voicemail" else { throw ValidationError("\(id) is not a voicemail message") }
                try Export.copy(r, to: file, force: force)
                global.show(r) { _ in "message \(id) written to \(file)" }
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a message and its file (supervisor).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The message's id.") var id: Int
        func run() throws {
            try reporting { global.show(try global.request("voicemail.delete", ["id": .number(Double(id))])) { _ in "deleted" } }
        }
    }

    struct MarkHeard: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "mark-heard", abstract: "Mark a message heard (or --new again).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The message's id.") var id: Int
        @Flag(name: .customLong("new"), help: "Mark it new again.") var again = false
        func run() throws {
            try reporting {
                let r = try global.request("voicemail.mark-heard", ["id": .number(Double(id)), "heard": .bool(!again)])
                global.show(r) { _ in "message \(id) marked \(again ? "new" : "heard")" }
            }
        }
    }
}

/// `pstnctl prompt add`: a new or replaced IVR prompt from an audio file.
struct PromptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "prompt", abstract: "IVR prompts.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or replace a prompt from a WAV, FLAC, MP3 or other audio file of any rate (admin).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "LANG/NAME, such as zh/welcome.") var name: String
        @Argument(help: "The audio file (the daemon reads it).") var file: String
        func run() throws {
            try reporting {
                let path = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
                let r = try global.request("prompt.add", ["name": .string(name), "path": .string(path)])
                global.show(r) { _ in "prompt \(name) added (\(Table.text(r["seconds"])) s)" }
            }
        }
    }
}

/// `pstnctl ivr report`: how callers moved through the IVR.
struct IVRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ivr", abstract: "IVR reports.", subcommands: [Report.self])

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How often each node was reached, with each input.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this flow.") var flow: String?
        @Option(help: "From this time (ISO 8601, or a date).") var from: String?
        @Option(help: "Before this time.") var to: String?
        func run() throws {
            try reporting {
                var args: [String: JSONValue] = [:]
                if let flow { args["flow"] = .string(flow) }
                if let from { args["from"] = .string(from) }
                if let to { args["to"] = .string(to) }
                global.show(try global.request("ivr.report", args)) { Table.rows($0, columns: ["flow", "node", "input", "count"]) }
            }
        }
    }
}
