/// Where a routed call goes.
public enum Destination: Sendable, Hashable, CustomStringConvertible {
    /// An application by name (an IVR flow, a queue, voicemail, fax), with its argument.
    case application(name: String, argument: String?)
    /// An FXS station (an agent's phone) by its trunk-group name or number.
    case station(String)
    /// Out again over a trunk group, with the number rewritten.
    case trunkGroup(String, rewrite: NumberRewrite)
    /// Refuse the call with a cause.
    case reject(Q850Cause)

    public var description: String {
        switch self {
        case let .application(name, argument): return argument.map { "app \(name)(\($0))" } ?? "app \(name)"
        case let .station(s): return "station \(s)"
        case let .trunkGroup(g, rewrite): return "trunk group \(g)\(rewrite.isIdentity ? "" : " \(rewrite)")"
        case let .reject(cause): return "reject \(cause)"
        }
    }
}

/// How a number is changed on its way out: strip leading digits, then add a prefix
/// (e.g. strip the `9` of an outside-line code, prepend a carrier's `0`).
public struct NumberRewrite: Sendable, Hashable, CustomStringConvertible {
    public var stripLeading: Int
    public var prefix: String
    /// The type of number to send, when it should change (`national` after adding a trunk `0`...).
    public var type: PartyNumber.NumberType?

    public init(stripLeading: Int = 0, prefix: String = "", type: PartyNumber.NumberType? = nil) {
        self.stripLeading = stripLeading
        self.prefix = prefix
        self.type = type
    }

    public var isIdentity: Bool { stripLeading == 0 && prefix.isEmpty && type == nil }

    public func apply(to number: PartyNumber) -> PartyNumber {
        var out = number
        out.digits = prefix + String(number.digits.dropFirst(min(stripLeading, number.digits.count)))
        if let type { out.type = type }
        return out
    }

    public var description: String { "strip \(stripLeading) prefix \"\(prefix)\"" }
}
