/// One IVR flow as configuration writes it: a graph of named nodes a caller walks, starting at
/// `start`, with prompts in one language. Flows are loaded from YAML (`IVRFlowParser`) and checked
/// as a whole (`IVRFlowValidator`) before a call may enter them.
public struct IVRFlow: Sendable, Equatable {
    public var name: String
    /// The prompt folder (`zh`, `en`) its prompts and spoken numbers come from.
    public var language: String
    /// `CNY` (yuan, jiao, fen) or `USD` (dollars, cents), for spoken amounts.
    public var currency: String
    public var start: String
    public var nodes: [String: IVRNode]
    /// Where it is written, for messages.
    public var file: String
    public var line: Int
}

/// One step of a flow.
public struct IVRNode: Sendable, Equatable {
    public var name: String
    public var action: IVRAction
    public var line: Int
}

/// What a node does. Targets name other nodes of the flow, or `back` (the node before) or `top`
/// (the flow's start).
public enum IVRAction: Sendable, Equatable {
    /// Play prompts in order; `bargeIn`: a key stops them (and is kept for the next node).
    case play(prompts: [String], bargeIn: Bool, next: String)
    case menu(IVRMenu)
    case collect(IVRCollect)
    /// Speak prompts, numbers, amounts, digits, dates and times.
    case say(items: [IVRSayItem], next: String)
    /// Set variables (values may use `{name}` of others).
    case set(values: [IVRAssignment], next: String)
    /// Go where the variable's value says; `otherwise` when no case matches.
    case branch(variable: String, cases: [String: String], otherwise: String)
    case transfer(IVRTransfer)
    /// Ask a web service (a bank's or utility's back end) and keep its answer in variables.
    case http(IVRHTTPLookup)
    /// Record what the caller says after prompts and a beep, as a voicemail message for a box or
    /// as a message kept for the call (`record`), until `#`, the length limit or hang-up.
    case message(IVRMessage)
    /// Play the new messages of a box (marking them heard), then go on.
    case mailbox(box: String, next: String)
    /// Store a satisfaction score (1-5, may use `{variable}`) against the call, with the
    /// `agent` and `queue` variables the ACD gives a survey flow.
    case survey(score: String, next: String)
    /// Fax a library document to the caller: on this call, or by a callback to a number.
    case fax(IVRFax)
    case hangup(cause: Int)
    case goto(String)
}

/// A `voicemail` or `record` node: the message ends on `#`, after the set silence, at the
/// length limit, or when the caller hangs up.
public struct IVRMessage: Sendable, Equatable {
    /// The box (may use `{variable}`); nil for a `record` node.
    public var box: String?
    /// Played before the beep; a voicemail box's own greeting replaces them when it has one.
    public var prompts: [String]
    public var beep: Bool
    /// Longest message; 0: the box's setting.
    public var maxMilliseconds: Int
    /// Silence that ends the message; nil: the box's setting, 0: never.
    public var silenceMilliseconds: Int?
    /// The variable that gets the stored recording's id.
    public var variable: String?
    public var next: String
}

/// A lookup against a configured web service: GET (or POST a JSON object of the given fields) to
/// the URL (both may use `{variable}`, values URL-encoded in the URL); a JSON object answer's
/// fields become variables `INTO.field` (nested fields `INTO.a.b`). No answer within the time
/// limit, a status other than 2xx or an answer that is not a JSON object goes to `onError`.
public struct IVRHTTPLookup: Sendable, Equatable {
    public var url: String
    public var method: String
    public var body: [String: String]
    public var timeoutMilliseconds: Int
    public var variable: String
    public var next: String
    public var onError: String
}

/// A menu: prompts (barge-in), a node per key, retries after an invalid key or silence.
public struct IVRMenu: Sendable, Equatable {
    public var prompts: [String]
    public var choices: [String: String]
    public var timeoutMilliseconds: Int
    public var retries: Int
    public var invalidPrompts: [String]
    public var timeoutPrompts: [String]
    public var onFail: String
}

/// Collect digits into a variable.
public struct IVRCollect: Sendable, Equatable {
    public var prompts: [String]
    public var minimum: Int
    public var maximum: Int
    public var terminator: Character?
    public var firstDigitMilliseconds: Int
    public var interDigitMilliseconds: Int
    public var variable: String
    public var retries: Int
    public var invalidPrompts: [String]
    public var next: String
    public var onFail: String
}

/// One thing a `say` node speaks; values may use `{variable}`.
public enum IVRSayItem: Sendable, Equatable {
    case prompt(String)
    case digits(String)
    case number(String)
    case money(String)
    /// `YYYY-MM-DD`.
    case date(String)
    /// `HH:MM`.
    case time(String)
}

/// `name = value` in a `set` node.
public struct IVRAssignment: Sendable, Equatable {
    public var name: String
    public var value: String
}

/// Where a `transfer` node sends the caller: an ACD queue, a station group, or a number on a
/// trunk group.
public struct IVRTransfer: Sendable, Equatable {
    public var queue: String?
    /// The caller's priority in the queue (VIP flows).
    public var priority: Int
    public var station: String?
    public var trunkGroup: String?
    public var number: String?
    /// Played before the transfer ("please hold").
    public var prompts: [String]
}

extension IVRAction {
    /// Every node this one can lead to.
    public var targets: [String] {
        switch self {
        case let .play(_, _, next), let .say(_, next), let .set(_, next): return [next]
        case let .menu(m): return Array(m.choices.values) + [m.onFail]
        case let .collect(c): return [c.next, c.onFail]
        case let .branch(_, cases, otherwise): return Array(cases.values) + [otherwise]
        case let .http(h): return [h.next, h.onError]
        case let .message(m): return [m.next]
        case let .mailbox(_, next), let .survey(_, next): return [next]
        case let .fax(f): return [f.next, f.onError].compactMap { $0 }
        case .transfer, .hangup: return []
        case let .goto(target): return [target]
        }
    }

    /// Every prompt name it plays (not counting spoken numbers).
    public var prompts: [String] {
        switch self {
        case let .play(prompts, _, _): return prompts
        case let .menu(m): return m.prompts + m.invalidPrompts + m.timeoutPrompts
        case let .collect(c): return c.prompts + c.invalidPrompts
        case let .say(items, _): return items.compactMap { if case let .prompt(p) = $0 { p } else { nil } }
        case let .transfer(t): return t.prompts
        case let .message(m): return m.prompts
        case let .fax(f): return f.prompts
        case .mailbox: return ["no-new-messages", "mailbox-you-have", "mailbox-new-messages", "end-of-messages"]
        default: return []
        }
    }

    /// Whether the caller acts here (keys): a loop through such a node is not endless.
    public var takesInput: Bool {
        switch self {
        case .menu, .collect, .message: return true
        default: return false
        }
    }
}
