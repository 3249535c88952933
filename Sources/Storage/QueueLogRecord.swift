import CallControl
import GRDB

/// One line of the ACD's queue log as the store keeps it, linked to the call's CDR.
public struct QueueLogRecord: Sendable, Equatable {
    public var call: CallID
    public var queue: String
    /// `entered`, `announced`, `offered`, `no-answer`, `unreachable`, `connected`, `abandoned`,
    /// `overflow`, `completed`.
    public var event: String
    public var agent: String?
    public var position: Int?
    public var waitSeconds: Double?
    public var detail: String?
    public var at: WallTime

    public init(call: CallID, queue: String, event: String, agent: String?, position: Int?, waitSeconds: Double?,
                detail: String?, at: WallTime) {
        self.call = call
        self.queue = queue
        self.event = event
        self.agent = agent
        self.position = position
        self.waitSeconds = waitSeconds
        self.detail = detail
        self.at = at
    }
}

/// One change of an agent's state, for the agent state log.
public struct AgentLogRecord: Sendable, Equatable {
    public var agent: String
    public var group: String
    public var from: String
    public var to: String
    public var reason: String?
    public var station: String?
    public var at: WallTime

    public init(agent: String, group: String, from: String, to: String, reason: String?, station: String?, at: WallTime) {
        self.agent = agent
        self.group = group
        self.from = from
        self.to = to
        self.reason = reason
        self.station = station
        self.at = at
    }
}

/// A satisfaction score against a call, with the agent and queue it rates.
public struct SurveyRecord: Sendable, Equatable {
    public var call: CallID
    public var flow: String
    public var queue: String?
    public var agent: String?
    public var score: Int
    public var at: WallTime

    public init(call: CallID, flow: String, queue: String?, agent: String?, score: Int, at: WallTime) {
        self.call = call
        self.flow = flow
        self.queue = queue
        self.agent = agent
        self.score = score
        self.at = at
    }
}

extension CallStore {
    /// Survey scores, oldest first, of an agent and/or a queue.
    public func surveys(agent: String? = nil, queue: String? = nil, limit: Int = 1000) throws(StorageError) -> [SurveyRecord] {
        var terms: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let agent { terms.append("agent = ?"); arguments.append(agent) }
        if let queue { terms.append("queue = ?"); arguments.append(queue) }
        let condition = terms.isEmpty ? "1" : terms.joined(separator: " AND ")
        return try read("read the surveys") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM surveys WHERE \(condition) ORDER BY id LIMIT \(max(0, limit))",
                             arguments: StatementArguments(arguments)).map { row in
                SurveyRecord(call: CallID(UInt64(bitPattern: row["call_ref"])), flow: row["flow"], queue: row["queue"],
                             agent: row["agent"], score: row["score"], at: WallTime(secondsSince1970: row["at"]))
            }
        }
    }

    /// Queue log lines, oldest first, of a queue and/or an agent, between two times.
    public func queueLog(queue: String? = nil, agent: String? = nil, from: WallTime? = nil, before: WallTime? = nil,
                         limit: Int = 1000) throws(StorageError) -> [QueueLogRecord] {
        var terms: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let queue { terms.append("queue = ?"); arguments.append(queue) }
        if let agent { terms.append("agent = ?"); arguments.append(agent) }
        if let from { terms.append("at >= ?"); arguments.append(from.secondsSince1970) }
        if let before { terms.append("at < ?"); arguments.append(before.secondsSince1970) }
        let condition = terms.isEmpty ? "1" : terms.joined(separator: " AND ")
        return try read("read the queue log") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM queue_log WHERE \(condition) ORDER BY id LIMIT \(max(0, limit))",
                             arguments: StatementArguments(arguments)).map { row in
                QueueLogRecord(call: CallID(UInt64(bitPattern: row["call_ref"])), queue: row["queue"], event: row["event"],
                               agent: row["agent"], position: row["position"], waitSeconds: row["wait_s"], detail: row["detail"],
                               at: WallTime(secondsSince1970: row["at"]))
            }
        }
    }

    /// For each caller number, the agent who last answered them from a queue since `from` (the
    /// ACD's `last-agent` memory across restarts).
    public func lastAgents(from: WallTime) throws(StorageError) -> [String: String] {
        try read("read the agents who last served each caller") { db in
            var out: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT c.calling AS calling, q.agent AS agent FROM queue_log q JOIN calls c ON c.id = q.call_id
                WHERE q.event = 'connected' AND q.agent IS NOT NULL AND c.calling IS NOT NULL AND c.calling != '' AND q.at >= ?
                ORDER BY q.id
                """, arguments: [from.secondsSince1970])
            while let row = try rows.next() { out[row["calling"]] = row["agent"] }
            return out
        }
    }

    /// An agent's (or every agent's) state changes, oldest first.
    public func agentLog(agent: String? = nil, from: WallTime? = nil, limit: Int = 1000) throws(StorageError) -> [AgentLogRecord] {
        var terms: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let agent { terms.append("agent = ?"); arguments.append(agent) }
        if let from { terms.append("at >= ?"); arguments.append(from.secondsSince1970) }
        let condition = terms.isEmpty ? "1" : terms.joined(separator: " AND ")
        return try read("read the agent log") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM agent_log WHERE \(condition) ORDER BY id LIMIT \(max(0, limit))",
                             arguments: StatementArguments(arguments)).map { row in
                AgentLogRecord(agent: row["agent"], group: row["agent_group"], from: row["from_state"], to: row["to_state"],
                               reason: row["reason"], station: row["station"], at: WallTime(secondsSince1970: row["at"]))
            }
        }
    }
}

extension CDRWriter {
    static func insert(_ survey: SurveyRecord, _ ledger: CDRLedger, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO surveys (call_id, run_id, call_ref, flow, queue, agent, score, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [try callRow(of: survey.call, ledger, db), ledger.runID, Int64(bitPattern: survey.call.value),
                             survey.flow, survey.queue, survey.agent, survey.score, survey.at.secondsSince1970])
    }

    static func insert(_ entry: QueueLogRecord, _ ledger: CDRLedger, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO queue_log (call_id, run_id, call_ref, queue, event, agent, position, wait_s, detail, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [try callRow(of: entry.call, ledger, db), ledger.runID, Int64(bitPattern: entry.call.value),
                             entry.queue, entry.event, entry.agent, entry.position, entry.waitSeconds, entry.detail,
                             entry.at.secondsSince1970])
    }

    static func insert(_ entry: AgentLogRecord, _ ledger: CDRLedger, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO agent_log (run_id, agent, agent_group, from_state, to_state, reason, station, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [ledger.runID, entry.agent, entry.group, entry.from, entry.to, entry.reason, entry.station,
                             entry.at.secondsSince1970])
    }
}
