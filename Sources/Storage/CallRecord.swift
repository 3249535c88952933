import CallControl
import GRDB

/// One call's CDR row: the inbound leg and the legs placed for it, or a leg placed on request.
public struct CallRecord: Sendable, Equatable {
    /// The row's id in the store, stable across restarts (unlike `callRef`).
    public var id: Int64
    /// The engine run (process start) that carried the call.
    public var runID: Int64
    /// The `CallID` of the call's first leg in that run.
    public var callRef: CallID
    public var fields: CDRFields

    init(row: Row) throws {
        id = try row.decode(Int64.self, forColumn: "id")
        runID = try row.decode(Int64.self, forColumn: "run_id")
        callRef = CallID(UInt64(bitPattern: try row.decode(Int64.self, forColumn: "call_ref")))
        fields = try CDRFields(row: row)
    }
}

/// One leg's row: the same record as its call's, for that leg alone.
public struct LegRecord: Sendable, Equatable {
    public var id: Int64
    /// The call (`CallRecord.id`) the leg belongs to.
    public var callID: Int64
    public var runID: Int64
    /// The leg's `CallID` in its run.
    public var legRef: CallID
    public var fields: CDRFields

    init(row: Row) throws {
        id = try row.decode(Int64.self, forColumn: "id")
        callID = try row.decode(Int64.self, forColumn: "call_id")
        runID = try row.decode(Int64.self, forColumn: "run_id")
        legRef = CallID(UInt64(bitPattern: try row.decode(Int64.self, forColumn: "leg_ref")))
        fields = try CDRFields(row: row)
    }
}

/// One entry of a call's event log: what happened to which of its legs, when, with the details
/// as a JSON object.
public struct CallEventRecord: Sendable, Equatable {
    public var id: Int64
    public var callID: Int64
    public var legRef: CallID
    public var at: WallTime
    /// offered, routed, placed, alerting, progress, answered, bridged, released, dtmf, tone, flash.
    public var kind: String
    /// A JSON object: the event's fields (`destination`, `digit`, `cause`...).
    public var detail: String

    init(row: Row) throws {
        id = try row.decode(Int64.self, forColumn: "id")
        callID = try row.decode(Int64.self, forColumn: "call_id")
        legRef = CallID(UInt64(bitPattern: try row.decode(Int64.self, forColumn: "leg_ref")))
        at = WallTime(secondsSince1970: try row.decode(Double.self, forColumn: "at"))
        kind = try row.decode(String.self, forColumn: "kind")
        detail = try row.decode(String.self, forColumn: "detail")
    }
}
