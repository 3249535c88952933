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
