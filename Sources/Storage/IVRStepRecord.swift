import CallControl
import GRDB

/// One step a caller took in an IVR flow, as the store keeps it for the IVR reports: linked to
/// the call's CDR, with the flow, the node and what the caller entered there.
public struct IVRStepRecord: Sendable, Equatable, Codable {
    public var call: CallID
    public var flow: String
    public var node: String
    public var input: String?
    public var at: WallTime

    public init(call: CallID, flow: String, node: String, input: String?, at: WallTime) {
        self.call = call
        self.flow = flow
        self.node = node
        self.input = input
        self.at = at
    }
}

extension CallStore {
    /// The IVR steps of a call (by its CDR row id), in order.
    public func ivrSteps(ofCall id: Int64) throws(StorageError) -> [IVRStepRecord] {
        try read("look up the IVR steps of call \(id)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ivr_steps WHERE call_id = ? ORDER BY id", arguments: [id]).map { row in
                IVRStepRecord(call: CallID(UInt64(bitPattern: row["call_ref"])), flow: row["flow"], node: row["node"],
                              input: row["input"], at: WallTime(secondsSince1970: row["at"]))
            }
        }
    }

    /// How often each node of a flow was reached, and with which input, between two times: the
    /// IVR report's table (flow, node, input, count), most used first.
    public func ivrNodeCounts(flow: String? = nil, from: WallTime? = nil, before: WallTime? = nil)
        throws(StorageError) -> [(flow: String, node: String, input: String?, count: Int)] {
        var terms: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let flow { terms.append("flow = ?"); arguments.append(flow) }
        if let from { terms.append("at >= ?"); arguments.append(from.secondsSince1970) }
        if let before { terms.append("at < ?"); arguments.append(before.secondsSince1970) }
        let condition = terms.isEmpty ? "1" : terms.joined(separator: " AND ")
        return try read("count IVR steps") { db in
            try Row.fetchAll(db, sql: """
                SELECT flow, node, input, COUNT(*) AS n FROM ivr_steps WHERE \(condition)
                GROUP BY flow, node, input ORDER BY n DESC, flow, node
                """, arguments: StatementArguments(arguments)).map { ($0["flow"], $0["node"], $0["input"], $0["n"]) }
        }
    }
}
