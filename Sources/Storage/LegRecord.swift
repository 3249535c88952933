import CallControl
import GRDB

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
