import ArgumentParser
import Control
import Foundation

/// `pstnctl campaign`: outbound campaigns and their contacts.
struct Campaign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Outbound campaigns: list, start, pause, add and remove contacts, each contact's outcome.",
        subcommands: [List.self, Start.self, Pause.self, Add.self, Remove.self, Contacts.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each campaign: running, in its window, contacts by state.")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            try reporting {
                global.show(try global.request("campaign.list")) {
                    Table.rows($0, columns: ["name", "queue", "trunk_group", "running", "in_window", "backing_off_s", "contacts", "pending",
                                             "dialling", "done", "failed", "removed"])
                }
            }
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start giving a campaign's contacts to its agents.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The campaign.") var campaign: String
        func run() throws {
            try reporting { global.show(try global.request("campaign.start", ["campaign": .string(campaign)])) { _ in "campaign \(campaign) running" } }
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a campaign; the calls under way finish.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The campaign.") var campaign: String
        func run() throws {
            try reporting { global.show(try global.request("campaign.pause", ["campaign": .string(campaign)])) { _ in "campaign \(campaign) paused" } }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add contacts to a campaign: numbers given here, or a CSV file of number[,reference] lines.",
            discussion: "A number the campaign has already is left as it is (with its attempts and outcome).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The campaign.") var campaign: String
        @Argument(help: "Numbers to call.") var numbers: [String] = []
        @Option(help: "A CSV file: one contact a line, number[,reference]; a header line and # comments are skipped.") var file: String?
        /// The contacts' JSON per request, in bytes: well inside the socket's default line limit.
        static let batchBytes = 48_000

        /// `contacts` cut into requests of at most `batchBytes` of JSON each.
        static func batches(_ contacts: [JSONValue]) -> [[JSONValue]] {
            var out: [[JSONValue]] = [], current: [JSONValue] = [], bytes = 0
            for c in contacts {
                let size = c.description.utf8.count + 1
                if bytes + size > batchBytes, !current.isEmpty {
                    out.append(current)
                    current = []
                    bytes = 0
                }
                current.append(c)
                bytes += size
            }
            if !current.isEmpty { out.append(current) }
            return out
        }
        func run() throws {
            try reporting {
                var contacts: [JSONValue] = []
                if let file {
                    let text: String
                    do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                        throw ValidationError("cannot read \(file) as UTF-8 text: \(error.localizedDescription)")
                    }
                    do { contacts = try ContactList.parse(text) } catch { throw ValidationError("\(file): \(error)") }
                }
                do { contacts += try ContactList.parse(numbers.joined(separator: "\n"), header: false) } catch let problem as ContactList.Problem {
                    throw ValidationError(problem.reason)
                }
                guard !contacts.isEmpty else { throw ValidationError("give numbers or --file") }
                // In batches that stay inside the socket's line limit (64 KiB by default).
                var added = 0.0, already = 0.0
                for batch in Self.batches(contacts) {
                    let r = try global.request("campaign.add", ["campaign": .string(campaign), "contacts": .array(batch)])
                    added += r["added"]?.numberValue ?? 0
                    already += r["already_there"]?.numberValue ?? 0
                }
                global.show(.object(["campaign": .string(campaign), "added": .number(added), "already_there": .number(already)])) { r in
                    "\(Table.text(r["added"])) contacts added to \(campaign), \(Table.text(r["already_there"])) it had already"
                }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop calling one number of a campaign.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The campaign.") var campaign: String
        @Argument(help: "The number.") var number: String
        func run() throws {
            try reporting {
                global.show(try global.request("campaign.remove", ["campaign": .string(campaign), "number": .string(number)])) { _ in
                    "\(number) removed from \(campaign)"
                }
            }
        }
    }

    struct Contacts: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A campaign's contacts: attempts, last outcome and cause, agent.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The campaign.") var campaign: String
        @Option(help: "pending, dialling, done, failed or removed.") var state: String?
        @Option(help: "At most this many (up to 5000).") var limit = 1000
        @Option(help: "Those added after the contact with this id (the next page).") var after: Int?
        func run() throws {
            try reporting {
                var args: [String: JSONValue] = ["campaign": .string(campaign), "limit": .number(Double(limit))]
                if let after { args["after"] = .number(Double(after)) }
                if let state { args["state"] = .string(state) }
                global.show(try global.request("campaign.contacts", args)) {
                    Table.rows($0, columns: ["id", "number", "reference", "state", "attempts", "outcome", "cause", "agent", "talk_seconds",
                                             "next_attempt_at"])
                }
            }
        }
    }
}
