import CallControl

/// Settings of the built-in `answer` application: answer after a delay, hold, hang up with a cause.
public struct AnswerSettings: Sendable, Codable, Equatable {
    /// Ring this long (ALERTING sent) before answering.
    public var after_ms: Int?
    /// Hang up this long after answering; nil: wait for the caller to hang up.
    public var hangup_after_s: Double?
    /// The cause to hang up with (Q.850; 16 normal clearing by default).
    public var cause: Int?

    public init(after_ms: Int? = nil, hangup_after_s: Double? = nil, cause: Int? = nil) {
        self.after_ms = after_ms
        self.hangup_after_s = hangup_after_s
        self.cause = cause
    }

    func problems() -> [String] {
        var out: [String] = []
        if let a = after_ms, a < 0 || a > 600_000 { out.append("applications.answer.after_ms must be 0-600000") }
        if let h = hangup_after_s, !(h >= 0) { out.append("applications.answer.hangup_after_s must not be negative") }
        if let c = cause, Q850Cause(rawValue: c) == nil { out.append("applications.answer.cause \(c) is not a Q.850 cause") }
        return out
    }
}

/// The built-in `answer` application: the simplest thing a routed call can meet. It alerts,
/// answers, holds the call and hangs up with the configured cause, or lets the caller hang up.
/// An argument `cause=N` on the route overrides the cause for that route.
struct AnswerApplication: Sendable {
    let settings: AnswerSettings
    let calls: CallControl

    func take(_ call: CallID, argument: String?, released: @escaping @Sendable () async -> Bool) async {
        var cause = Q850Cause(rawValue: settings.cause ?? 16) ?? .normalClearing
        if let argument, argument.hasPrefix("cause="), let code = Int(argument.dropFirst(6)), let c = Q850Cause(rawValue: code) {
            cause = c
        }
        let delay = settings.after_ms ?? 0
        if delay > 0 {
            try? await calls.alert(call)
            try? await Task.sleep(for: .milliseconds(delay))
        }
        do { try await calls.answer(call) } catch { return }
        guard let hold = settings.hangup_after_s else { return }
        try? await Task.sleep(for: .milliseconds(Int(hold * 1000)))
        if await released() { return }
        try? await calls.release(call, cause: cause)
    }
}
