import CallControl
import GRDB

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
