import CallControl
import GRDB

/// A number an outbound campaign calls, with where it stands: pending (its next attempt at
/// `nextAttemptAt`), dialling, done (answered), failed (unreachable or out of attempts) or
/// removed by an operator; the last attempt's outcome, cause, agent and call.
public struct CampaignContactRecord: Sendable, Equatable, Codable {
    /// Where a contact stands: waiting for its next attempt, being called, reached, given up,
    /// or taken out by an operator.
    public enum State: String, Sendable, Codable, CaseIterable {
        case pending, dialling, done, failed, removed
    }

    public var id: Int64
    public var campaign: String
    public var number: String
    /// The operator's own reference for the contact (an account, a ticket).
    public var reference: String?
    public var state: State
    /// Attempts that reached the network (an agent who did not answer costs the contact none).
    public var attempts: Int
    public var nextAttemptAt: WallTime
    /// The last attempt's outcome (`CampaignOutcome`'s names) and Q.850 cause.
    public var outcome: String?
    public var cause: Int?
    public var agent: String?
    public var callRef: CallID?
    /// The CDR row of the last attempt's call.
    public var callID: Int64?
    /// Whether an attempt is under way (its call may outlive an operator's removal).
    public var inAttempt: Bool
    public var talkSeconds: Double?
    public var addedAt: WallTime
    public var updatedAt: WallTime

    init(row: Row) {
        id = row["id"]
        campaign = row["campaign"]
        number = row["number"]
        reference = row["reference"]
        state = State(rawValue: row["state"]) ?? .failed
        attempts = row["attempts"]
        nextAttemptAt = WallTime(secondsSince1970: row["next_attempt_at"])
        outcome = row["outcome"]
        cause = row["cause"]
        agent = row["agent"]
        callRef = (row["call_ref"] as Int64?).map { CallID(UInt64(bitPattern: $0)) }
        callID = row["call_id"]
        talkSeconds = row["talk_seconds"]
        inAttempt = row["in_attempt"]
        addedAt = WallTime(secondsSince1970: row["added_at"])
        updatedAt = WallTime(secondsSince1970: row["updated_at"])
    }
}

/// A number to add to a campaign, with the operator's reference for it.
public struct CampaignContactEntry: Sendable, Equatable {
    public var number: String
    public var reference: String?

    public init(number: String, reference: String? = nil) {
        self.number = number
        self.reference = reference
    }
}

/// How an attempt on a contact ended, to write back.
public struct CampaignAttemptResult: Sendable, Equatable {
    public var state: CampaignContactRecord.State
    public var outcome: String
    public var cause: Int?
    /// Whether the attempt reached the network (it counts against the contact's attempts).
    public var counted: Bool
    /// Whether the attempt is over (false when written at the contact's answer, the call going on).
    public var over: Bool
    public var nextAttemptAt: WallTime?
    public var talkSeconds: Double?

    public init(state: CampaignContactRecord.State, outcome: String, cause: Int? = nil, counted: Bool, over: Bool = true,
                nextAttemptAt: WallTime? = nil, talkSeconds: Double? = nil) {
        self.over = over
        self.state = state
        self.outcome = outcome
        self.cause = cause
        self.counted = counted
        self.nextAttemptAt = nextAttemptAt
        self.talkSeconds = talkSeconds
    }
}

extension CallStore {
    /// Adds `entries` to `campaign`, due now; a number the campaign already has is left as it
    /// is, unless it was removed (and no call of an attempt is still up): then it is pending
    /// again. Returns how many were added.
    public func addCampaignContacts(_ campaign: String, _ entries: [CampaignContactEntry],
                                    at: WallTime = .now()) throws(StorageError) -> Int {
        try write("add \(entries.count) contacts to campaign \(campaign)") { db in
            var added = 0
            for e in entries {
                try db.execute(sql: """
                    INSERT INTO campaign_contacts (campaign, number, reference, state, next_attempt_at, added_at, updated_at)
                    VALUES (?, ?, ?, 'pending', ?, ?, ?)
                    ON CONFLICT (campaign, number) DO UPDATE SET state = 'pending', reference = COALESCE(excluded.reference, reference),
                        next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at
                    WHERE state = 'removed' AND in_attempt = 0
                    """, arguments: [campaign, e.number, e.reference, at.secondsSince1970, at.secondsSince1970, at.secondsSince1970])
                added += db.changesCount
            }
            return added
        }
    }

    /// The pending contact of `campaign` due soonest at `now`, which becomes dialling for
    /// `agent`; nil when none is due.
    public func takeDueCampaignContact(_ campaign: String, agent: String, now: WallTime = .now()) throws(StorageError) -> CampaignContactRecord? {
        try write("take the next contact of campaign \(campaign)") { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT * FROM campaign_contacts WHERE campaign = ? AND state = 'pending' AND next_attempt_at <= ?
                ORDER BY next_attempt_at, id LIMIT 1
                """, arguments: [campaign, now.secondsSince1970]) else { return nil }
            var contact = CampaignContactRecord(row: row)
            try db.execute(sql: """
                UPDATE campaign_contacts SET state = 'dialling', in_attempt = 1, agent = ?, call_ref = NULL, call_id = NULL, updated_at = ?
                WHERE id = ?
                """, arguments: [agent, now.secondsSince1970, contact.id])
            contact.state = .dialling
            contact.agent = agent
            contact.callRef = nil
            contact.callID = nil
            contact.inAttempt = true
            return contact
        }
    }

    /// The attempt on `id` reached the network as `call`: its CDR is linked to the contact.
    public func campaignContactCalled(_ id: Int64, call: CallID) throws(StorageError) {
        try write("link campaign contact \(id) to \(call)") { db in
            try db.execute(sql: "UPDATE campaign_contacts SET call_ref = ?, call_id = COALESCE(?, call_id) WHERE id = ?",
                           arguments: [Int64(bitPattern: call.value), try Self.callRow(call, runID, db), id])
        }
    }

    /// The contact `id` was not called after all (its agent was taken, or did not answer): it
    /// is pending again, due at `due`, its attempts and last outcome as they were.
    public func returnCampaignContact(_ id: Int64, due: WallTime = .now()) throws(StorageError) {
        try write("return campaign contact \(id)") { db in
            try db.execute(sql: """
                UPDATE campaign_contacts SET state = CASE WHEN state = 'dialling' THEN 'pending' ELSE state END, in_attempt = 0,
                    next_attempt_at = CASE WHEN state = 'dialling' THEN ? ELSE next_attempt_at END, updated_at = ?
                WHERE id = ?
                """, arguments: [due.secondsSince1970, WallTime.now().secondsSince1970, id])
        }
    }

    /// Writes how an attempt on `id` ended. An operator's removal meanwhile stands.
    public func finishCampaignAttempt(_ id: Int64, _ result: CampaignAttemptResult, at: WallTime = .now()) throws(StorageError) {
        try write("record an attempt on campaign contact \(id)") { db in
            let callRef = try Int64.fetchOne(db, sql: "SELECT call_ref FROM campaign_contacts WHERE id = ?", arguments: [id])
            let callRow = try callRef.flatMap { try Self.callRow(CallID(UInt64(bitPattern: $0)), runID, db) }
            try db.execute(sql: """
                UPDATE campaign_contacts SET state = CASE WHEN state = 'removed' THEN 'removed' ELSE ? END,
                    outcome = ?, cause = ?, attempts = attempts + ?, next_attempt_at = COALESCE(?, next_attempt_at),
                    talk_seconds = COALESCE(?, talk_seconds), call_id = COALESCE(?, call_id),
                    in_attempt = CASE WHEN ? THEN 0 ELSE in_attempt END, updated_at = ?
                WHERE id = ?
                """, arguments: [result.state.rawValue, result.outcome, result.cause, result.counted ? 1 : 0,
                                 result.nextAttemptAt?.secondsSince1970, result.talkSeconds, callRow, result.over,
                                 at.secondsSince1970, id])
        }
    }

    /// Takes `number` out of `campaign` (it is not called again; an attempt under way ends
    /// normally). False when the campaign has no such number still to call.
    public func removeCampaignContact(_ campaign: String, number: String) throws(StorageError) -> Bool {
        try write("remove \(number) from campaign \(campaign)") { db in
            try db.execute(sql: """
                UPDATE campaign_contacts SET state = 'removed', updated_at = ?
                WHERE campaign = ? AND number = ? AND state IN ('pending', 'dialling')
                """, arguments: [WallTime.now().secondsSince1970, campaign, number])
            return db.changesCount > 0
        }
    }

    /// `campaign`'s contacts in `state` (nil: all), in the order they were added, from the one
    /// after the contact `after` (0: the first).
    public func campaignContacts(_ campaign: String, state: CampaignContactRecord.State? = nil, after: Int64 = 0,
                                 limit: Int = 1000) throws(StorageError) -> [CampaignContactRecord] {
        try read("list contacts of campaign \(campaign)") { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM campaign_contacts WHERE campaign = ? AND (? IS NULL OR state = ?) AND id > ? ORDER BY id LIMIT ?
                """, arguments: [campaign, state?.rawValue, state?.rawValue, after, max(0, limit)]).map(CampaignContactRecord.init(row:))
        }
    }

    /// How many of `campaign`'s contacts are in each state.
    public func campaignContactCounts(_ campaign: String) throws(StorageError) -> [CampaignContactRecord.State: Int] {
        try read("count contacts of campaign \(campaign)") { db in
            var counts: [CampaignContactRecord.State: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM campaign_contacts WHERE campaign = ? GROUP BY state",
                                        arguments: [campaign]) {
                if let state = CampaignContactRecord.State(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// Whether an operator last started (true) or paused (false) `campaign`; nil if never.
    public func campaignRunning(_ campaign: String) throws(StorageError) -> Bool? {
        try read("look up campaign \(campaign)") { db in
            try Bool.fetchOne(db, sql: "SELECT running FROM campaigns WHERE name = ?", arguments: [campaign])
        }
    }

    public func setCampaignRunning(_ campaign: String, _ running: Bool) throws(StorageError) {
        try write("\(running ? "start" : "pause") campaign \(campaign)") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO campaigns (name, running, changed_at) VALUES (?, ?, ?)",
                           arguments: [campaign, running, WallTime.now().secondsSince1970])
        }
    }

    /// Contacts an earlier run left dialling go back to pending, due now (that attempt was cut
    /// short with the engine). Returns how many.
    public func recoverCampaignContactsLeftDialling() throws(StorageError) -> Int {
        try write("recover campaign contacts left dialling") { db in
            try db.execute(sql: "UPDATE campaign_contacts SET state = 'pending', next_attempt_at = ? WHERE state = 'dialling'",
                           arguments: [WallTime.now().secondsSince1970])
            let recovered = db.changesCount
            try db.execute(sql: "UPDATE campaign_contacts SET in_attempt = 0 WHERE in_attempt = 1")
            return recovered
        }
    }
}
