import CallCenter
import CallControl

/// The ACD as configured: queues and agents. Routes send callers to a queue with
/// `{ app: queue, arg: QUEUE }` (`{ app: queue, arg: "QUEUE,9" }` gives them priority 9, a VIP
/// access number), IVR flows with `transfer: { queue: QUEUE }`.
///
/// Agents log in from their phones by dialling a code routed to `{ app: agent, arg: "login,3" }`
/// (the agent's id follows the first 3 digits: `*111001`), `logout`, `ready`, `pause[,REASON]`.
///
/// ```yaml
/// acd:
///   vip: ["13800000001"]                  # callers first in every queue
///   crm: { url: "http://crm.local/caller/{caller}", timeout_s: 1 }   # {"priority": 5, "account_manager": "1002"}
///   queues:
///     - { name: sales, strategy: longest-idle, ring_s: 15, wrapup_s: 10, music: moh/default,
///         announce_every_s: 30, language: zh, max_wait_s: 300, on_max_wait: { flow: sales-voicemail },
///         max_callers: 40, on_full: { queue: overflow }, on_no_agents: { hangup: 34 }, vip: ["13900000002"],
///         prefer: [account-manager, last-agent, same-location], announce_wait: true, on_leave_message: { flow: sales-vm } }
///   agents:
///     - { id: "1001", name: Li Wei, group: team-a, location: "021", station: "8001", queues: { sales: 7 },
///         customers: ["02155550001"] }
///     - { id: "1002", name: Anna, group: team-a, queues: { sales: { level: 5, penalty: 1 } } }
/// ```
public struct ACDOptions: Sendable, Codable, Equatable {
    public var vip: [String]?
    public var crm: CRM?
    /// How long an agent's desktop may be disconnected before the agent is made not ready (60 s).
    public var desktop_grace_s: Double?
    /// The language of what agents hear when they dial a code (`zh` by default).
    public var language: String?
    public var queues: [Queue]
    public var agents: [Agent]?
    /// Outbound campaigns worked by the queues' agents (see `CampaignOptions`).
    public var campaigns: [CampaignOptions]?

    /// One queue.
    public struct Queue: Sendable, Codable, Equatable {
        public var name: String
        public var strategy: String?
        public var ring_s: Double?
        /// After-call work in seconds; `manual`: until the agent says ready.
        public var wrapup_s: Double?
        public var wrapup_manual: Bool?
        public var not_ready_on_no_answer: Bool?
        public var music: String?
        public var announce_every_s: Double?
        public var language: String?
        public var max_wait_s: Double?
        public var max_callers: Int?
        public var on_max_wait: Overflow?
        public var on_full: Overflow?
        public var on_no_agents: Overflow?
        public var vip: [String]?
        /// Tell each caller the number of the agent who takes the call.
        public var announce_agent: Bool?
        /// The IVR flow (a satisfaction survey) callers go to when the agent hangs up first.
        public var survey_flow: String?
        /// Secondary preferences before the strategy: same-location, higher-level, last-agent, account-manager.
        public var prefer: [String]?
        /// Announcements also say the estimated wait.
        public var announce_wait: Bool?
        /// Where a waiting caller who presses 1 goes (a voicemail flow); announcements offer it.
        public var on_leave_message: Overflow?
        /// Ready agents kept for inbound callers (agents' outbound calls may not take them).
        public var reserve_idle: Int?
    }

    /// The customer's CRM, asked about each caller entering a queue.
    public struct CRM: Sendable, Codable, Equatable {
        /// `{caller}` is replaced by the caller's number; the answer is JSON with `priority`
        /// (or `vip: true`) and `account_manager`.
        public var url: String
        public var timeout_s: Double?
    }

    /// Where callers go on a limit; exactly one field.
    public struct Overflow: Sendable, Codable, Equatable {
        public var queue: String?
        public var flow: String?
        public var trunk_group: String?
        public var number: String?
        public var hangup: Int?

        var action: OverflowAction? {
            if let queue { return .queue(queue) }
            if let flow { return .flow(flow) }
            if let trunk_group, let number { return .external(trunkGroup: trunk_group, number: number) }
            if let hangup { return .hangup(cause: hangup) }
            return nil
        }
    }

    /// One agent; `queues` maps a queue to a level (0-9) or to `{ level, penalty }`.
    public struct Agent: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var group: String
        public var location: String?
        public var type: String?
        public var station: String?
        public var queues: [String: Membership]
        /// A supervisor's scope beyond their own group: `{ groups: [...], queues: [...] }`.
        public var supervises: Scope?
        /// Callers (numbers) this agent is the account manager of.
        public var customers: [String]?
    }

    /// Groups and queues a supervisor watches.
    public struct Scope: Sendable, Codable, Equatable {
        public var groups: [String]?
        public var queues: [String]?
    }

    /// A level, or a level and a penalty.
    public struct Membership: Sendable, Codable, Equatable {
        public var level: Int
        public var penalty: Int?

        public init(from decoder: any Decoder) throws {
            if let level = try? decoder.singleValueContainer().decode(Int.self) {
                self.level = level
                penalty = nil
                return
            }
            let c = try decoder.container(keyedBy: CodingKeys.self)
            level = try c.decode(Int.self, forKey: .level)
            penalty = try c.decodeIfPresent(Int.self, forKey: .penalty)
        }
    }

    /// The CRM asked about each caller, if configured.
    var crmLookup: CRMLookup? {
        crm.map { CRMLookup(url: $0.url, timeoutMilliseconds: Int(($0.timeout_s ?? 1) * 1000)) }
    }

    /// Whether each campaign runs on the first start (`start`).
    var campaignsStarting: [String: Bool] {
        Dictionary((campaigns ?? []).map { ($0.name, $0.start ?? false) }, uniquingKeysWith: { a, _ in a })
    }

    /// The queues' settings.
    var queueSettings: [QueueSettings] {
        queues.map { q in
            var settings = QueueSettings(name: q.name, strategy: DistributionStrategy(rawValue: q.strategy ?? "longest-idle") ?? .longestIdle,
                          ringMilliseconds: Int((q.ring_s ?? 15) * 1000),
                          wrapUpMilliseconds: q.wrapup_manual == true ? nil : Int((q.wrapup_s ?? 5) * 1000),
                          notReadyOnNoAnswer: q.not_ready_on_no_answer ?? true, music: q.music ?? "moh/default",
                          announceEveryMilliseconds: q.announce_every_s.map { Int($0 * 1000) }, language: q.language ?? "zh",
                          maxWaitMilliseconds: q.max_wait_s.map { Int($0 * 1000) }, maxCallers: q.max_callers,
                          onMaxWait: q.on_max_wait?.action, onFull: q.on_full?.action, onNoAgents: q.on_no_agents?.action,
                          vipNumbers: Set((q.vip ?? []) + (vip ?? [])))
            settings.announceAgent = q.announce_agent ?? false
            settings.surveyFlow = q.survey_flow
            settings.preferences = (q.prefer ?? []).compactMap(SecondaryPreference.init(rawValue:))
            settings.announceWait = q.announce_wait ?? false
            settings.onLeaveMessage = q.on_leave_message?.action
            settings.reserveIdle = q.reserve_idle ?? 0
            return settings
        }
    }

    var agentRecords: [AgentRecord] {
        (agents ?? []).map { a in
            var record = AgentRecord(id: a.id, name: a.name, group: a.group, location: a.location,
                        kind: a.type == "supervisor" ? .supervisor : .agent,
                        queues: a.queues.mapValues { AgentRecord.Membership(level: $0.level, penalty: $0.penalty ?? 0) },
                        station: a.station,
                        supervises: SupervisorScope(groups: Set(a.supervises?.groups ?? []), queues: Set(a.supervises?.queues ?? [])))
            record.customers = a.customers ?? []
            return record
        }
    }

    /// Every problem, given the trunks (for stations and trunk groups) and the IVR's flow names.
    func problems(trunks: [TrunkConfiguration], groups: Set<String>, flows: Set<String>) -> [String] {
        var out: [String] = []
        let names = Set(queues.map(\.name))
        if names.count != queues.count { out.append("acd.queues: two queues have the same name") }
        for (i, q) in queues.enumerated() {
            let at = "acd.queues[\(i)] (\(q.name))"
            if q.name.isEmpty { out.append("\(at): a queue needs a name") }
            if let s = q.strategy, DistributionStrategy(rawValue: s) == nil {
                out.append("\(at): strategy \(s) is not one of \(DistributionStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for (key, value) in [("ring_s", q.ring_s), ("wrapup_s", q.wrapup_s), ("announce_every_s", q.announce_every_s),
                                 ("max_wait_s", q.max_wait_s)] {
                if let v = value, !(0...86400).contains(v) || (key != "wrapup_s" && v == 0) {
                    out.append("\(at): \(key) must be a positive number of seconds up to a day")
                }
            }
            if let m = q.max_callers, m < 1 { out.append("\(at): max_callers must be at least 1") }
            if let r = q.reserve_idle, r < 0 { out.append("\(at): reserve_idle must not be negative") }
            if let flow = q.survey_flow, !flows.contains(flow) { out.append("\(at): survey_flow: no IVR flow \(flow)") }
            for p in q.prefer ?? [] where SecondaryPreference(rawValue: p) == nil {
                out.append("\(at): prefer: \(p) is not one of \(SecondaryPreference.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for (key, o) in [("on_max_wait", q.on_max_wait), ("on_full", q.on_full), ("on_no_agents", q.on_no_agents),
                             ("on_leave_message", q.on_leave_message)] {
                guard let o else { continue }
                let set = [o.queue != nil, o.flow != nil, o.trunk_group != nil, o.hangup != nil].filter { $0 }.count
                if set != 1 { out.append("\(at): \(key) needs exactly one of queue, flow, trunk_group (with number), hangup") }
                if let other = o.queue, !names.contains(other) { out.append("\(at): \(key): no queue \(other)") }
                if let other = o.queue, other == q.name { out.append("\(at): \(key) sends callers back to the same queue") }
                if let flow = o.flow, !flows.contains(flow) { out.append("\(at): \(key): no IVR flow \(flow)") }
                if let g = o.trunk_group, !groups.contains(g) { out.append("\(at): \(key): no trunk group \(g)") }
                if o.trunk_group != nil, o.number == nil { out.append("\(at): \(key): a trunk group needs a number") }
                if let c = o.hangup, Q850Cause(rawValue: c) == nil { out.append("\(at): \(key): \(c) is not a Q.850 cause") }
            }
        }
        out += CampaignOptions.problems(campaigns ?? [], queues: names, groups: groups)
        if let g = desktop_grace_s, !(g >= 0 && g <= 3600) { out.append("acd.desktop_grace_s must be between 0 and 3600 seconds") }
        if let crm {
            if !(crm.url.hasPrefix("http://") || crm.url.hasPrefix("https://")) { out.append("acd.crm: url must be http:// or https://") }
            if let t = crm.timeout_s, !(t > 0 && t <= 30) { out.append("acd.crm: timeout_s must be between 0 and 30 seconds") }
        }
        var ids: Set<String> = []
        var stations: [String: String] = [:]
        for (i, a) in (agents ?? []).enumerated() {
            let at = "acd.agents[\(i)] (\(a.id))"
            if a.id.isEmpty || !a.id.allSatisfy(\.isNumber) { out.append("\(at): an agent's id is digits (it is their login code)") }
            if !ids.insert(a.id).inserted { out.append("\(at): two agents have the id \(a.id)") }
            if a.group.isEmpty { out.append("\(at): an agent belongs to exactly one group") }
            if let t = a.type, !["agent", "supervisor"].contains(t) { out.append("\(at): type is agent or supervisor") }
            for (queue, m) in a.queues {
                if !names.contains(queue) { out.append("\(at): no queue \(queue)") }
                if !(0...9).contains(m.level) { out.append("\(at): level \(m.level) in \(queue) is not 0-9") }
                if let p = m.penalty, p < 0 { out.append("\(at): penalty in \(queue) must not be negative") }
            }
            if let scope = a.supervises {
                if a.type != "supervisor" { out.append("\(at): only a supervisor has supervises:") }
                for q in scope.queues ?? [] where !names.contains(q) { out.append("\(at): supervises: no queue \(q)") }
            }
            if let s = a.station {
                if Self.station(s, trunks: trunks) == nil { out.append("\(at): station \(s) is not the number of an FXS port") }
                if let other = stations[s] { out.append("\(at): station \(s) is also agent \(other)'s") }
                stations[s] = a.id
            }
        }
        return out
    }

    /// The FXS port whose number is `number`.
    static func station(_ number: String, trunks: [TrunkConfiguration]) -> AgentStation? {
        for t in trunks where t.type == .fxs {
            if let (channel, _) = t.numberOfChannel.first(where: { $0.value == number }) {
                return AgentStation(trunkGroup: t.groupName, number: number, channel: channel)
            }
        }
        return nil
    }
}
