/// An event the daemon publishes to subscribed control clients: its kind (`call.offered`,
/// `span.alarm`...), what it concerns (for filters) and its body.
public struct ControlEvent: Sendable, Equatable {
    public var kind: String
    public var span: String?
    public var queue: String?
    public var agent: String?
    public var body: JSONValue

    public init(kind: String, span: String? = nil, queue: String? = nil, agent: String? = nil, body: JSONValue) {
        self.kind = kind
        self.span = span
        self.queue = queue
        self.agent = agent
        self.body = body
    }
}

/// Which events a subscription wants: each list, when given, must contain the event's value;
/// a kind matches its own name or any prefix ending in `.` (`call.` takes every call event).
public struct EventFilter: Sendable, Equatable {
    public var kinds: [String]?
    public var spans: [String]?
    public var queues: [String]?
    public var agents: [String]?

    public init(kinds: [String]? = nil, spans: [String]? = nil, queues: [String]? = nil, agents: [String]? = nil) {
        self.kinds = kinds
        self.spans = spans
        self.queues = queues
        self.agents = agents
    }

    /// Read from `events.subscribe`'s arguments; each filter is a string or a list of strings.
    public init(arguments: [String: JSONValue]) throws(ControlFailure) {
        func list(_ key: String) throws(ControlFailure) -> [String]? {
            switch arguments[key] {
            case nil, .null?: return nil
            case let .string(s)?: return [s]
            case let .array(items)?:
                var out: [String] = []
                for item in items {
                    guard let s = item.stringValue else {
                        throw ControlFailure(id: .null, code: .invalidArguments, message: "\(key) must be strings")
                    }
                    out.append(s)
                }
                return out
            default:
                throw ControlFailure(id: .null, code: .invalidArguments, message: "\(key) must be a string or a list of strings")
            }
        }
        for key in arguments.keys where !["kinds", "spans", "queues", "agents"].contains(key) {
            throw ControlFailure(id: .null, code: .invalidArguments, message: "unknown filter \(key) (kinds, spans, queues, agents)")
        }
        self.init(kinds: try list("kinds"), spans: try list("spans"), queues: try list("queues"), agents: try list("agents"))
    }

    public func matches(_ event: ControlEvent) -> Bool {
        if let kinds, !kinds.contains(where: { $0 == event.kind || ($0.hasSuffix(".") && event.kind.hasPrefix($0)) }) {
            return false
        }
        if let spans, !spans.contains(where: { $0 == event.span }) { return false }
        if let queues, !queues.contains(where: { $0 == event.queue }) { return false }
        if let agents, !agents.contains(where: { $0 == event.agent }) { return false }
        return true
    }
}
