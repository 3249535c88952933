import CallControl
import GRDB

/// Which CDRs the control socket asks for; every condition given must hold.
public struct CDRQuery: Sendable, Equatable {
    /// Calls offered at or after this time.
    public var offeredFrom: WallTime?
    /// Calls offered before this time.
    public var offeredBefore: WallTime?
    /// Calls whose calling or called number starts with these digits.
    public var numberPrefix: String?
    public var cause: Q850Cause?
    public var state: CDRState?
    /// At most this many, newest first.
    public var limit: Int

    public init(offeredFrom: WallTime? = nil, offeredBefore: WallTime? = nil, numberPrefix: String? = nil,
                cause: Q850Cause? = nil, state: CDRState? = nil, limit: Int = 1000) {
        self.offeredFrom = offeredFrom
        self.offeredBefore = offeredBefore
        self.numberPrefix = numberPrefix
        self.cause = cause
        self.state = state
        self.limit = limit
    }

    /// The WHERE clause and its arguments.
    var condition: (sql: String, arguments: StatementArguments) {
        var terms: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let offeredFrom {
            terms.append("offered_at >= ?")
            arguments.append(offeredFrom.secondsSince1970)
        }
        if let offeredBefore {
            terms.append("offered_at < ?")
            arguments.append(offeredBefore.secondsSince1970)
        }
        if let numberPrefix {
            let pattern = Self.escapedForLike(numberPrefix) + "%"
            terms.append("(calling LIKE ? ESCAPE '\\' OR called LIKE ? ESCAPE '\\')")
            arguments.append(pattern)
            arguments.append(pattern)
        }
        if let cause {
            terms.append("cause = ?")
            arguments.append(cause.rawValue)
        }
        if let state {
            terms.append("state = ?")
            arguments.append(state.rawValue)
        }
        return (terms.isEmpty ? "1" : terms.joined(separator: " AND "), StatementArguments(arguments))
    }

    /// A prefix taken literally: `%` and `_` from the caller match only themselves.
    static func escapedForLike(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
