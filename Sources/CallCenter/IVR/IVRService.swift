import CallControl
import PSTNEngine
import Synchronization

/// The IVR application: takes calls routed to a flow, answers them and walks each caller
/// through it. The daemon hands it every call event (`deliver`); each call's session reads its
/// own. Flows and prompts can be replaced on reload; calls in progress keep the flow they began.
public final class IVRService: Sendable {
    private let calls: CallControl
    private let state: Mutex<(flows: [String: IVRFlow], prompts: PromptLibrary)>
    private let inboxes = Mutex<[CallID: CallInbox]>([:])
    private let messages: (any IVRMessageStore)?
    private let toQueue: (@Sendable (CallID, String, Int, [String: String]) -> Void)?
    private let onStep: @Sendable (IVRStep) -> Void
    private let onProblem: @Sendable (String) -> Void
    private let onSurvey: @Sendable (SurveyScore) -> Void
    private let faxDesk: (any IVRFaxDesk)?

    public init(flows: [IVRFlow], prompts: PromptLibrary, calls: CallControl, messages: (any IVRMessageStore)? = nil,
                toQueue: (@Sendable (CallID, String, Int, [String: String]) -> Void)? = nil,
                onStep: @escaping @Sendable (IVRStep) -> Void = { _ in },
                onProblem: @escaping @Sendable (String) -> Void = { _ in },
                onSurvey: @escaping @Sendable (SurveyScore) -> Void = { _ in }, faxDesk: (any IVRFaxDesk)? = nil) {
        self.faxDesk = faxDesk
        self.calls = calls
        self.messages = messages
        self.toQueue = toQueue
        state = Mutex((Dictionary(flows.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }), prompts))
        self.onStep = onStep
        self.onProblem = onProblem
        self.onSurvey = onSurvey
    }

    /// Replace the flows and prompts for calls that arrive from now on.
    public func reload(flows: [IVRFlow], prompts: PromptLibrary) {
        state.withLock { $0 = (Dictionary(flows.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }), prompts) }
    }

    /// Replace the prompts (a prompt was added) for calls that arrive from now on.
    public func replacePrompts(_ prompts: PromptLibrary) {
        state.withLock { $0.prompts = prompts }
    }

    public var flowNames: [String] { state.withLock { $0.flows.keys.sorted() } }

    /// Take `call` into flow `name`; false (and the caller is refused) when there is no such flow.
    @discardableResult
    public func take(_ call: CallID, flow name: String, caller: String?, called: String,
                     variables: [String: String] = [:]) -> Bool {
        let (flow, prompts) = state.withLock { ($0.flows[name], $0.prompts) }
        guard let flow else {
            onProblem("\(call): no IVR flow \(name); the call is refused")
            let calls = self.calls
            Task { try? await calls.release(call, cause: .serviceNotAvailable) }
            return false
        }
        let inbox = CallInbox()
        inboxes.withLock { $0[call] = inbox }
        var session = IVRSession(call: call, flow: flow, prompts: prompts, calls: calls, inbox: inbox,
                                 messages: messages, toQueue: toQueue, variables: variables.merging(["caller": caller ?? "", "called": called]) { _, given in given }, onStep: onStep, onProblem: onProblem)
        session.onSurvey = onSurvey
        session.faxDesk = faxDesk
        Task {
            await session.run()
            _ = self.inboxes.withLock { $0.removeValue(forKey: call) }
        }
        return true
    }

    /// Take `call` away from its session for another application (a fax machine was heard on
    /// it): the session stops without touching the call. False when no session holds it.
    @discardableResult
    public func handOff(_ call: CallID) -> Bool {
        guard let inbox = inboxes.withLock({ $0.removeValue(forKey: call) }) else { return false }
        inbox.handOff()
        return true
    }

    /// Hand a call event to the session of its call, if one holds it.
    public func deliver(_ event: CallEvent) {
        let id: CallID
        switch event {
        case let .dtmf(call, _, _), let .playFinished(call, _, _), let .silence(call, _): id = call
        case let .released(leg): id = leg.id
        default: return
        }
        guard let inbox = inboxes.withLock({ $0[id] }) else { return }
        inbox.deliver(event)
    }
}
