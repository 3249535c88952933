import CallCenter
import CallControl
import Control
import Foundation
import PSTNEngine
import Yams

/// `pstnd`'s configuration file (YAML): where DAHDI is, the trunks, trunk groups, routes, the
/// media settings and the applications' settings.
///
/// ```yaml
/// dahdi: /dev/dahdi
/// media: { chunk_ms: 20, law: alaw, zone: cn, realtime_priority: 50 }
/// events: /var/lib/pstn/events.jsonl
/// trunks:
///   - { name: span1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn }
/// trunk_groups:
///   - { name: carrier, members: [span1], hunt: round-robin }
/// routes:
///   - { called: "*", to: { app: answer } }
/// applications:
///   answer: { after_ms: 0, hangup_after_s: 5, cause: 16 }
/// control:
///   socket: /run/pstnd/control.sock
///   mode: "0660"
///   group: pstn
///   roles: { users: { alice: supervisor }, groups: { pstn: operator, pstn-admin: admin } }
/// log_level: info
/// ```
public struct DaemonConfiguration: Sendable, Codable, Equatable {
    public var dahdi: String?
    public var media: MediaOptions?
    /// Where the call event log (JSON lines) goes; none when absent.
    public var events: String?
    /// The SQLite store of CDRs and call events; none when absent.
    public var store: String?
    public var trunks: [TrunkConfiguration]
    public var trunk_groups: [TrunkGroupConfiguration]?
    public var routes: [RouteConfiguration]
    public var applications: ApplicationsConfiguration?
    /// Seconds of inter-digit timeout for overlap receiving.
    public var inter_digit_s: Double?
    /// On SIGTERM: seconds calls in progress may go on before they are released (default 30).
    public var drain_s: Double?
    /// The control socket; none when absent.
    public var control: ControlOptions?
    /// `trace`, `debug`, `info` (default), `notice`, `warning`, `error`, `critical`.
    public var log_level: String?
    /// The IVR: where its prompts are and the files of its flows (relative paths are taken from
    /// the configuration file's folder). Routes send calls to a flow with `{ app: ivr, arg: FLOW }`.
    public var ivr: IVROptions?
    /// Holiday dates and ranges (`2026-10-01`, `2026-10-01..2026-10-07`) for `holiday` route windows.
    public var holidays: [String]?
    /// What blocked callers whose entry says `message` hear.
    public var blocked: BlockedOptions?
    /// Call recording; needs `store`.
    public var recording: RecordingOptions?
    /// Voicemail boxes and messages; needs `store`.
    public var voicemail: VoicemailOptions?
    /// Queues and agents.
    public var acd: ACDOptions?
    /// Fax reception and fax jobs; needs `store`.
    public var fax: FaxOptions?

    /// The IVR's files.
    public struct IVROptions: Sendable, Codable, Equatable {
        /// The folder with one subfolder of prompts per language (`zh/`, `en/`); `sounds` by default.
        public var sounds: String?
        public var flows: [String]?
    }

    /// The control socket as configured.
    public struct ControlOptions: Sendable, Codable, Equatable {
        public var socket: String
        /// Octal file mode, "0660" by default.
        public var mode: String?
        /// The group owning the socket; its members can connect.
        public var group: String?
        /// Who gets which role; root is always admin.
        public var roles: RoleMap?
        /// Longest request line in bytes (64 KiB by default).
        public var max_line_bytes: Int?
        /// Unread bytes after which a client is dropped (4 MiB by default).
        public var max_queued_bytes: Int?

        /// The mode as a number, nil when it is not octal.
        public var modeBits: UInt32? { UInt32(mode ?? "0660", radix: 8).flatMap { $0 <= 0o777 ? $0 : nil } }

        public var serverConfiguration: ControlServerConfiguration {
            ControlServerConfiguration(path: socket, mode: modeBits ?? 0o660, group: group, roles: roles ?? RoleMap(),
                                       maxLineBytes: max_line_bytes ?? 64 * 1024,
                                       maxQueuedBytes: max_queued_bytes ?? 4 * 1024 * 1024)
        }
    }

    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Media settings operators choose.
    public struct MediaOptions: Sendable, Codable, Equatable {
        /// 1 to 20 ms.
        public var chunk_ms: Int?
        /// `alaw` or `ulaw`.
        public var law: String?
        /// Tone zone (`cn`, `us`, `uk`...).
        public var zone: String?
        public var echo_tail_ms: Int?
        /// SCHED_FIFO priority of the media loop (1-99; 0: an ordinary thread), 50 by default.
        /// Fax sessions run 10 below it. Granted when the daemon may (root or CAP_SYS_NICE).
        public var realtime_priority: Int?
    }

    /// A trunk group as configured.
    public struct TrunkGroupConfiguration: Sendable, Codable, Equatable {
        public var name: String
        public var members: [String]
        public var hunt: TrunkGroup.Hunt?
    }

    /// Settings of the built-in applications.
    public struct ApplicationsConfiguration: Sendable, Codable, Equatable {
        public var answer: AnswerSettings?
        public init(answer: AnswerSettings? = nil) { self.answer = answer }
    }

    /// Why the configuration cannot be used: every problem, with the file.
    public struct Problems: Error, CustomStringConvertible, Sendable {
        public let file: String
        public let problems: [String]
        public var description: String { problems.map { $0.hasPrefix(file) ? $0 : "\(file): \($0)" }.joined(separator: "\n") }
    }

    /// Everything resolved and checked, ready to start.
    public struct Resolved: Sendable {
        public let configuration: DaemonConfiguration
        public let routing: RoutingTable
        public let trunkGroups: [TrunkGroup]
        /// The law every channel uses; nil: each trunk's own.
        public let law: G711?
        public let zone: ToneZone
        public let settings: MediaSettings
        /// The IVR flows, checked; empty without `ivr:`.
        public let flows: [IVRFlow]
        /// The prompt folder, resolved.
        public let sounds: String
    }

    public static func load(path: String) throws(Problems) -> Resolved {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Problems(file: path, problems: ["cannot read the file as UTF-8 text"])
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(Problems) -> Resolved {
        var problems = LocatedProblems(file: file, text: text)
        let c: DaemonConfiguration
        do {
            c = try YAMLDecoder().decode(DaemonConfiguration.self, from: text)
        } catch {
            problems.add(ConfigurationLocator.path(of: error), DecodingProblem.describe(error))
            throw Problems(file: file, problems: problems.lines)
        }
        for (i, t) in c.trunks.enumerated() { problems.add(["trunks", .index(i)], t.problems()) }
        var seenNames: Set<String> = []
        for (i, t) in c.trunks.enumerated() where !seenNames.insert(t.name).inserted {
            problems.add(["trunks", .index(i), "name"], "two trunks are named \(t.name)")
        }
        let names = Set(c.trunks.map(\.name))
        var channelOwners: [Int: String] = [:]
        for (i, t) in c.trunks.enumerated() {
            for ch in t.bearerChannels + [t.dchannel].compactMap({ $0 }) + (t.links?.channels ?? []) {
                if let other = channelOwners[ch] {
                    problems.add(["trunks", .index(i)], other == t.name ? "channel \(ch) is listed twice in \(t.name)"
                                                                       : "channel \(ch) is in both \(other) and \(t.name)")
                }
                channelOwners[ch] = t.name
            }
        }
        let folder = file.lastIndex(of: "/").map { String(file[..<$0]) } ?? ""
        func resolvePath(_ path: String) -> String {
            path.hasPrefix("/") || folder.isEmpty ? path : folder + "/" + path
        }
        let sounds = resolvePath(c.ivr?.sounds ?? "sounds")
        var flows: [IVRFlow] = []
        if let ivr = c.ivr {
            let available = PromptCatalog.names(in: sounds)
            if available == nil { problems.add(["ivr", "sounds"], "ivr.sounds: \(sounds) is not a folder of prompts") }
            var flowProblems: [String] = []
            for (i, path) in (ivr.flows ?? []).enumerated() {
                let full = resolvePath(path)
                guard let data = FileManager.default.contents(atPath: full), let text = String(data: data, encoding: .utf8) else {
                    problems.add(["ivr", "flows", .index(i)], "ivr.flows: cannot read \(full)")
                    continue
                }
                let parsed = IVRFlowParser.parse(text, file: full)
                flows += parsed.flows
                flowProblems += parsed.problems
            }
            flowProblems += IVRFlowValidator.problems(flows, prompts: available)
            problems.addLocated(flowProblems)
        }
        var groups: [String: TrunkGroup] = [:]
        for (i, g) in (c.trunk_groups ?? []).enumerated() {
            for m in g.members where !names.contains(m) {
                problems.add(["trunk_groups", .index(i), "members"], "trunk group \(g.name): unknown trunk \(m)")
            }
            groups[g.name] = TrunkGroup(name: g.name, members: g.members, hunt: g.hunt ?? .sequential)
        }
        for t in c.trunks where groups[t.groupName] == nil || !(groups[t.groupName]!.members.contains(t.name)) {
            if c.trunk_groups?.contains(where: { $0.members.contains(t.name) }) == true { continue }
            groups[t.groupName, default: TrunkGroup(name: t.groupName, members: [])].members.append(t.name)
        }
        var routing = RoutingTable()
        do {
            routing.holidays = try HolidayCalendar(parsing: c.holidays ?? [])
        } catch {
            problems.add(["holidays"], "holidays: \(error)")
        }
        var routeIndex: [Int] = []
        for (i, r) in c.routes.enumerated() {
            switch r.resolve(where: "routes[\(i)] (\(r.called))") {
            case .success(let route):
                routing.routes.append(route)
                routeIndex.append(i)
            case .failure(let e):
                problems.add(["routes", .index(i)], e.description.split(separator: "\n").map(String.init))
            }
        }
        for (route, i) in zip(routing.routes, routeIndex) {
            let at: [ConfigurationLocator.Key] = ["routes", .index(i), "to"]
            switch route.destination {
            case let .trunkGroup(g, _) where groups[g] == nil: problems.add(at, "\(route.origin): unknown trunk group \(g)")
            case let .station(g) where groups[g] == nil: problems.add(at, "\(route.origin): unknown station group \(g)")
            case let .application(name, _) where !["answer", "ivr", "queue", "agent", "fax"].contains(name):
                problems.add(at, "\(route.origin): unknown application \(name) (answer, ivr, queue, agent, fax)")
            case .application("fax", _) where c.fax == nil:
                problems.add(at, "\(route.origin): the fax application needs fax:")
            case let .application("agent", arg) where Daemon.AgentCode(arg) == nil || c.acd == nil:
                problems.add(at, "\(route.origin): the agent application needs acd: and arg login[,DIGITS TO SKIP], logout, ready or pause[,REASON]")
            case let .application("queue", arg):
                let queue = arg?.split(separator: ",").first.map(String.init) ?? ""
                if c.acd?.queues.contains(where: { $0.name == queue }) != true {
                    problems.add(at, "\(route.origin): no ACD queue \(queue.isEmpty ? "(none named: give arg)" : queue)")
                }
            case let .application("ivr", flow) where !flows.contains(where: { $0.name == flow }):
                problems.add(at, "\(route.origin): no IVR flow \(flow ?? "(none named: give arg)")")
            default: break
            }
        }
        var law: G711?
        switch c.media?.law {
        case nil: law = nil
        case "alaw": law = .aLaw
        case "ulaw", "mulaw": law = .muLaw
        case let other?: problems.add(["media", "law"], "media.law must be alaw or ulaw, not \(other)")
        }
        let mostlyT1 = c.trunks.filter { $0.line == "T1" }.count * 2 > c.trunks.filter { $0.type == .pri || $0.type == .ss7 }.count
        let zoneName = c.media?.zone ?? ((law ?? (mostlyT1 ? .muLaw : .aLaw)) == .muLaw ? "us" : "cn")
        let zone = ToneZone(country: zoneName)
        if zone == nil { problems.add(["media", "zone"], "media.zone: no tone zone \(zoneName)") }
        var settings = MediaSettings(chunkSamples: 8 * (c.media?.chunk_ms ?? 20),
                                     echoTailMilliseconds: c.media?.echo_tail_ms ?? 64)
        let priority = c.media?.realtime_priority ?? MediaSettings.defaultRealtimePriority
        if (0...99).contains(priority) {
            settings.realtimePriority = priority == 0 ? nil : Int32(priority)
        } else {
            problems.add(["media", "realtime_priority"], "media.realtime_priority must be 0 (none) or 1-99, not \(priority)")
        }
        settings.conferences = max(settings.conferences, c.trunks.reduce(0) { $0 + $1.bearerChannels.count } / 2 + 1)
        do { try settings.validate() } catch { problems.add(["media"], "media: \(error)") }
        if let a = c.applications?.answer { problems.add(["applications", "answer"], a.problems()) }
        if let d = c.drain_s, !(0...3600).contains(d) { problems.add(["drain_s"], "drain_s must be 0-3600 seconds") }
        if let control = c.control {
            if control.socket.isEmpty { problems.add(["control", "socket"], "control.socket must name a path") }
            if control.socket.utf8.count >= 108 {
                problems.add(["control", "socket"], "control.socket: \(control.socket) is too long for a Unix socket (107 bytes)")
            }
            if control.modeBits == nil {
                problems.add(["control", "mode"], "control.mode must be an octal file mode such as \"0660\", not \(control.mode ?? "")")
            }
            if let n = control.max_line_bytes, !(256...16_777_216).contains(n) {
                problems.add(["control", "max_line_bytes"], "control.max_line_bytes must be 256-16777216")
            }
            if let n = control.max_queued_bytes, !(4096...1_073_741_824).contains(n) {
                problems.add(["control", "max_queued_bytes"], "control.max_queued_bytes must be 4096-1073741824")
            }
        }
        if let acd = c.acd {
            problems.add(["acd"], acd.problems(trunks: c.trunks, groups: Set(groups.keys), flows: Set(flows.map(\.name))))
            if !(acd.campaigns ?? []).isEmpty, c.store == nil {
                problems.add(["acd", "campaigns"], "acd.campaigns: campaigns keep their contacts in the store: configure store:")
            }
        }
        for flow in flows {
            for node in flow.nodes.values {
                if case let .transfer(t) = node.action, let queue = t.queue, c.acd?.queues.contains(where: { $0.name == queue }) != true {
                    problems.addLocated(["\(flow.file):\(node.line): flow \(flow.name), node \(node.name): no ACD queue \(queue)"])
                }
            }
        }
        if let r = c.recording {
            problems.add(["recording"], r.problems())
            let queues = Set(c.acd?.queues.map(\.name) ?? []), agents = Set(c.acd?.agents?.map(\.id) ?? [])
            for (i, p) in (r.policies ?? []).enumerated() {
                if let q = p.queue, !queues.contains(q) { problems.add([.key("recording"), .key("policies"), .index(i)], "recording.policies[\(i)]: no ACD queue \(q)") }
                if let a = p.agent, !agents.contains(a) { problems.add([.key("recording"), .key("policies"), .index(i)], "recording.policies[\(i)]: no ACD agent \(a)") }
            }
        }
        if let v = c.voicemail { problems.add(["voicemail"], v.problems()) }
        if let f = c.fax {
            problems.add(["fax"], f.problems())
            if c.store == nil { problems.add(["fax"], "fax keeps its faxes and jobs in the store: set store") }
            if let g = f.callback_trunk_group, groups[g] == nil { problems.add(["fax", "callback_trunk_group"], "fax.callback_trunk_group: unknown trunk group \(g)") }
            for (number, document) in f.library ?? [:] where !FileManager.default.isReadableFile(atPath: resolvePath(document)) {
                problems.add(["fax", "library"], "fax.library \(number): cannot read \(resolvePath(document))")
            }
        }
        if let b = c.blocked { problems.add(["blocked"], b.problems()) }
        if c.store == nil, c.recording != nil || c.voicemail != nil {
            problems.add([c.recording != nil ? "recording" : "voicemail"], "recording and voicemail keep their index in the store: set store")
        }
        if let level = c.log_level, !logLevels.contains(level) {
            problems.add(["log_level"], "log_level must be one of \(logLevels.joined(separator: ", ")), not \(level)")
        }
        guard problems.isEmpty, let zone else { throw Problems(file: file, problems: problems.lines) }
        return Resolved(configuration: c, routing: routing, trunkGroups: Array(groups.values), law: law, zone: zone,
                        settings: settings, flows: flows, sounds: sounds)
    }
}
