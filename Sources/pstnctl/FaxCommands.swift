import ArgumentParser
import Control
import Foundation

/// `pstnctl fax`: faxes received and fax jobs.
struct Fax: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Faxes: list, show, send, cancel, export.",
        subcommands: [List.self, Show.self, Send.self, Cancel.self, ExportFile.self], defaultSubcommand: List.self)

    static let columns = ["id", "direction", "state", "calling", "called", "remote_ident", "pages", "attempts", "created_at", "result"]

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Faxes received and jobs, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "inbound or outbound.") var direction: String?
        @Option(help: "receiving, received, partial, failed, queued, sending, sent or cancelled.") var state: String?
        @Option(help: "At most this many.") var limit = 100
        func run() throws {
            try reporting {
                var args: [String: JSONValue] = ["limit": .number(Double(limit))]
                if let direction { args["direction"] = .string(direction) }
                if let state { args["state"] = .string(state) }
                global.show(try global.request("fax.list", args)) { Table.rows($0, columns: Fax.columns) }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One fax or job, with its files and T.30's figures.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The fax's id.") var id: Int
        func run() throws {
            try reporting { global.show(try global.request("fax.show", ["id": .number(Double(id))])) { Table.keyValues($0) } }
        }
    }

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a fax job: a PDF, PostScript or fax TIFF document to a number.",
            discussion: "The document is rendered into fax pages at once; one that cannot be is a failed job with the reason.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The document (the daemon reads it).") var document: String
        @Option(help: "The number to fax.") var to: String
        @Option(name: .customLong("trunk-group"), help: "The trunk group to dial on.") var trunkGroup: String
        @Option(help: "Not before this time (ISO 8601).") var at: String?
        @Option(help: "Attempts before giving up (the configured number by default).") var attempts: Int?
        @Option(help: "Put a cover page first, with this note (UTF-8; Chinese prints).") var cover: String?
        @Option(name: .customLong("time-zone"),
                help: "Read the send window in this time zone, the recipient's (IANA, such as America/Los_Angeles).") var timeZone: String?
        func run() throws {
            try reporting {
                let path = document.hasPrefix("/") ? document : FileManager.default.currentDirectoryPath + "/" + document
                var args: [String: JSONValue] = ["document": .string(path), "to": .string(to), "trunk_group": .string(trunkGroup)]
                if let at {
                    guard let date = ISO8601DateFormatter().date(from: at) else { throw ValidationError("--at must be ISO 8601, such as 2026-12-07T18:00:00+08:00") }
                    args["at"] = .number(date.timeIntervalSince1970)
                }
                if let attempts { args["attempts"] = .number(Double(attempts)) }
                if let cover { args["cover"] = .string(cover) }
                if let timeZone { args["time_zone"] = .string(timeZone) }
                global.show(try global.request("fax.send", args)) { job in
                    let id = job["id"]?.numberValue.map { String(Int($0)) } ?? "?"
                    let state = job["state"]?.stringValue ?? "?"
                    return state == "failed" ? "fax job \(id) failed: \(job["result"]?.stringValue ?? "")" : "fax job \(id) \(state)"
                }
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a fax job that has not ended.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The job's id.") var id: Int
        func run() throws {
            try reporting { global.show(try global.request("fax.cancel", ["id": .number(Double(id))])) { _ in "fax job \(id) cancelled" } }
        }
    }

    struct ExportFile: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Copy a fax's pages as PDF or TIFF.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The fax's id.") var id: Int
        @Argument(help: "Where to write it.") var file: String
        @Flag(help: "The TIFF pages instead of the PDF.") var tiff = false
        @Flag(help: "Replace the file if it exists.") var force = false
        func run() throws {
            try reporting {
                let fax = try global.request("fax.show", ["id": .number(Double(id))])
                guard let source = fax[tiff ? "tiff" : "pdf"]?.stringValue else {
                    throw ValidationError("fax \(id) has no \(tiff ? "TIFF" : "PDF") file\(tiff ? "" : " (try --tiff)")")
                }
                try Export.copy(.object(["path": .string(source)]), to: file, force: force)
                global.show(fax) { _ in "fax \(id) written to \(file)" }
            }
        }
    }
}
