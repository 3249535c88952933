import CallCenter
import CallControl
import Control
import Storage

/// The control commands for outbound campaigns: their progress, starting and pausing them,
/// adding and removing contacts, and each contact's outcome.
extension DaemonControl {
    static let campaignCommands: [String: ControlCommand] = [
        "campaign.list": ControlCommand(.operator, "the outbound campaigns: running, in their window, contacts by state"),
        "campaign.start": ControlCommand(.supervisor, "start dialling a campaign's contacts (args: campaign)"),
        "campaign.pause": ControlCommand(.supervisor, "stop giving a campaign's contacts to agents; calls under way finish (args: campaign)"),
        "campaign.add": ControlCommand(.supervisor,
            "add contacts to a campaign; numbers it has already are left alone (args: campaign, contacts = [{number, reference}])"),
        "campaign.remove": ControlCommand(.supervisor, "stop calling a number of a campaign (args: campaign, number)"),
        "campaign.contacts": ControlCommand(.operator,
            "a campaign's contacts with their attempts and last outcome, in the order added (args: campaign, state, after = an id, limit = 1000, at most 5000)"),
    ]

    /// The most contacts one `campaign.add` takes (the socket's line limit comes first with the
    /// default settings: `pstnctl campaign add` sends a list in batches).
    static let contactsPerRequest = 100_000
    /// The most contacts one `campaign.contacts` answers (page on with `after`).
    static let contactsPerPage = 5000

    private var campaigns: CampaignCenter {
        get throws(ControlFailure) {
            guard let c = daemon.campaignCenter.withLock({ $0 }) else {
                throw ControlFailure(id: .null, code: .unavailable, message: "this daemon has no campaigns (they need acd: and store:)")
            }
            return c
        }
    }

    private func campaign(_ a: CommandArguments) throws(ControlFailure) -> (CampaignCenter, CampaignSettings) {
        let name = try a.requiredString("campaign")
        let center = try campaigns
        guard let campaign = center.campaign(named: name) else {
            throw ControlFailure(id: .null, code: .notFound, message: "\(a.command): no campaign \(name)")
        }
        return (center, campaign)
    }

    func answerCampaigns(_ request: ControlRequest) async throws(ControlFailure) -> JSONValue {
        switch request.command {
        case "campaign.list":
            _ = try CommandArguments(request, allowed: [])
            let center = try campaigns
            let store = try store
            return .array(try center.campaigns.map { c throws(ControlFailure) in
                let counts = try stored { () throws(StorageError) in try store.campaignContactCounts(c.name) }
                return .object([
                    "name": .string(c.name), "queue": .string(c.queue), "trunk_group": .string(c.trunkGroup),
                    "running": .bool(center.isRunning(c.name)), "in_window": .bool(center.inWindow(c)),
                    "contacts": .number(Double(counts.values.reduce(0, +))),
                    "pending": .number(Double(counts[.pending] ?? 0)), "dialling": .number(Double(counts[.dialling] ?? 0)),
                    "done": .number(Double(counts[.done] ?? 0)), "failed": .number(Double(counts[.failed] ?? 0)),
                    "removed": .number(Double(counts[.removed] ?? 0)),
                    "backing_off_s": center.backingOff(c.name).map { .number($0.rounded()) } ?? .null,
                ])
            })
        case "campaign.start", "campaign.pause":
            let a = try CommandArguments(request, allowed: ["campaign"])
            let (center, c) = try campaign(a)
            let on = request.command == "campaign.start"
            try stored { () throws(StorageError) in try center.setRunning(c.name, on) }
            return .object(["campaign": .string(c.name), "running": .bool(on)])
        case "campaign.add":
            let a = try CommandArguments(request, allowed: ["campaign", "contacts"])
            let (_, c) = try campaign(a)
            guard case let .array(items)? = a.values["contacts"], !items.isEmpty else {
                throw a.failure("campaign.add: contacts must be a list of {number, reference}")
            }
            guard items.count <= Self.contactsPerRequest else {
                throw a.failure("campaign.add: at most \(Self.contactsPerRequest) contacts at a time, not \(items.count)")
            }
            var entries: [CampaignContactEntry] = []
            entries.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                guard case let .object(fields) = item, let number = fields["number"]?.stringValue else {
                    throw a.failure("campaign.add: contacts[\(i)] must be an object with a number")
                }
                guard ContactList.isDialable(number) else {
                    throw a.failure("campaign.add: contacts[\(i)]: the number must be 1-32 digits, not \(number)")
                }
                for key in fields.keys where key != "number" && key != "reference" {
                    throw a.failure("campaign.add: contacts[\(i)] has \(key); a contact has number and reference")
                }
                var reference: String?
                switch fields["reference"] {
                case nil, .null?: reference = nil
                case let .string(r)? where r.utf8.count <= ContactList.maxReferenceBytes: reference = r
                default: throw a.failure("campaign.add: contacts[\(i)]: reference must be text of at most \(ContactList.maxReferenceBytes) bytes")
                }
                entries.append(CampaignContactEntry(number: number, reference: reference))
            }
            let store = try store
            let added = try stored { () throws(StorageError) in try store.addCampaignContacts(c.name, entries) }
            daemon.log.notice("campaign \(c.name): \(added) contacts added (\(entries.count - added) it had already)")
            return .object(["campaign": .string(c.name), "added": .number(Double(added)),
                            "already_there": .number(Double(entries.count - added))])
        case "campaign.remove":
            let a = try CommandArguments(request, allowed: ["campaign", "number"])
            let (_, c) = try campaign(a)
            let number = try a.requiredString("number")
            let store = try store
            guard try stored({ () throws(StorageError) in try store.removeCampaignContact(c.name, number: number) }) else {
                throw ControlFailure(id: .null, code: .notFound, message: "campaign.remove: campaign \(c.name) has no number \(number)")
            }
            return .object(["campaign": .string(c.name), "number": .string(number), "state": .string("removed")])
        case "campaign.contacts":
            let a = try CommandArguments(request, allowed: ["campaign", "state", "limit", "after"])
            let (_, c) = try campaign(a)
            var state: CampaignContactRecord.State?
            if let s = try a.string("state") {
                guard let parsed = CampaignContactRecord.State(rawValue: s) else {
                    throw a.failure("campaign.contacts: state is one of \(CampaignContactRecord.State.allCases.map(\.rawValue).joined(separator: ", ")), not \(s)")
                }
                state = parsed
            }
            let limit = try a.int("limit", in: 1...Self.contactsPerPage) ?? 1000
            let after = Int64(try a.int("after", in: 0...Int.max) ?? 0)
            let store = try store
            return .array(try stored { () throws(StorageError) in
                try store.campaignContacts(c.name, state: state, after: after, limit: limit)
            }.map(Self.json))
        default:
            throw ControlFailure(id: .null, code: .unknownCommand, message: "no command \(request.command)")
        }
    }

    static func json(_ c: CampaignContactRecord) -> JSONValue {
        .object([
            "id": .number(Double(c.id)), "campaign": .string(c.campaign), "number": .string(c.number),
            "reference": c.reference.map(JSONValue.string) ?? .null, "state": .string(c.state.rawValue),
            "attempts": .number(Double(c.attempts)), "next_attempt_at": c.state == .pending ? .number(c.nextAttemptAt.secondsSince1970) : .null,
            "outcome": c.outcome.map(JSONValue.string) ?? .null, "cause": c.cause.map { .number(Double($0)) } ?? .null,
            "agent": c.agent.map(JSONValue.string) ?? .null, "call": c.callRef.map { .number(Double($0.value)) } ?? .null,
            "call_id": c.callID.map { .number(Double($0)) } ?? .null, "talk_seconds": c.talkSeconds.map { .number($0) } ?? .null,
            "added_at": .number(c.addedAt.secondsSince1970), "updated_at": .number(c.updatedAt.secondsSince1970),
        ])
    }
}
