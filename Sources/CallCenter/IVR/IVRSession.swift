import CallControl
import PSTNEngine

/// One caller's walk through a flow: answers the call, runs node after node, plays prompts
/// through call control, reads keys from the call's inbox, and ends by hanging up or handing the
/// caller on. A caller who hangs up ends it wherever it is.
struct IVRSession {
    /// How long after a key is let go its end is reported: cut with the key from a message.
    static let keyDetectionLag: Duration = .milliseconds(80)
    /// Milliseconds of the silence that ended a message kept at its end, as a natural pause.
    static let pauseKeptAfterMessage = 300

    let call: CallID
    let flow: IVRFlow
    let prompts: PromptLibrary
    let calls: CallControl
    let inbox: CallInbox
    let messages: (any IVRMessageStore)?
    /// Hands the caller to an ACD queue (call, queue, priority, variables).
    let toQueue: (@Sendable (CallID, String, Int, [String: String]) -> Void)?
    var variables: [String: String]
    let onStep: @Sendable (IVRStep) -> Void
    let onProblem: @Sendable (String) -> Void
    var onSurvey: (@Sendable (SurveyScore) -> Void)?
    /// Fax-on-demand's documents and deliveries; nil without fax.
    var faxDesk: (any IVRFaxDesk)?

    /// Keys pressed and not yet used (type-ahead, and the key that cut a prompt short).
    private var pending: [Character] = []
    private var playNumber: Int32 = 0
    private var history: [String] = []
    /// The caller hung up or the call was released.
    private var released = false
    /// Whether the session is over for the call: released, or handed to another application.
    private var gone: Bool {
        get { released || inbox.isHandedOff }
        set { released = newValue }
    }

    init(call: CallID, flow: IVRFlow, prompts: PromptLibrary, calls: CallControl, inbox: CallInbox,
         messages: (any IVRMessageStore)?, toQueue: (@Sendable (CallID, String, Int, [String: String]) -> Void)?,
         variables: [String: String], onStep: @escaping @Sendable (IVRStep) -> Void,
         onProblem: @escaping @Sendable (String) -> Void) {
        self.call = call
        self.flow = flow
        self.prompts = prompts
        self.calls = calls
        self.inbox = inbox
        self.messages = messages
        self.toQueue = toQueue
        self.variables = variables
        self.onStep = onStep
        self.onProblem = onProblem
    }

    private enum Played { case done, key(Character) }

    mutating func run() async {
        do {
            try await calls.answer(call)
        } catch {
            onProblem("\(call): cannot answer for flow \(flow.name): \(error)")
            return
        }
        var current = flow.start
        var steps = 0
        while !gone {
            steps += 1
            guard steps < 10_000, let node = flow.nodes[current] else {
                onProblem("\(call): flow \(flow.name) has no node \(current) (or ran 10000 steps); the call is released")
                await hangUp(.temporaryFailure)
                return
            }
            guard let next = await perform(node) else { return }
            if next == "back" {
                current = history.popLast() ?? flow.start
            } else {
                history.append(current)
                if history.count > 64 { history.removeFirst() }
                current = next == "top" ? flow.start : next
            }
        }
    }

    /// Carry out one node; the next node's name, or nil when the session is over.
    private mutating func perform(_ node: IVRNode) async -> String? {
        switch node.action {
        case let .play(names, bargeIn, next):
            step(node)
            if case let .key(k) = await play(names, bargeIn: bargeIn) { pending.insert(k, at: 0) }
            return gone ? nil : next
        case let .menu(menu):
            return await runMenu(node, menu)
        case let .collect(collect):
            return await runCollect(node, collect)
        case let .say(items, next):
            step(node)
            var names: [String] = []
            for item in items { names += phrase(item) }
            _ = await play(names, bargeIn: false)
            return gone ? nil : next
        case let .set(values, next):
            for v in values { variables[v.name] = substitute(v.value) }
            step(node)
            return next
        case let .branch(variable, cases, otherwise):
            let value = variables[variable] ?? ""
            step(node, input: value)
            return cases[value] ?? otherwise
        case let .transfer(t):
            step(node)
            _ = await play(t.prompts, bargeIn: false)
            guard !gone else { return nil }
            if let queue = t.queue {
                guard let toQueue else {
                    onProblem("\(call): flow \(flow.name) node \(node.name): no ACD to take the caller to queue \(queue)")
                    await hangUp(.serviceNotAvailable)
                    return nil
                }
                // The agent's screen pop shows the way the caller came.
                var handed = variables
                handed["ivr_path"] = "\(flow.name): " + (history + [node.name]).joined(separator: " > ")
                toQueue(call, queue, t.priority, handed)
                return nil
            }
            let group = t.station ?? t.trunkGroup ?? ""
            do {
                _ = try await calls.connect(call, to: group, called: PartyNumber(substitute(t.number ?? "")))
            } catch {
                onProblem("\(call): flow \(flow.name) node \(node.name): transfer to \(group) failed: \(error)")
                await hangUp(error.cause)
            }
            return nil
        case let .http(lookup):
            switch await WebLookup.run(lookup, variables: variables) {
            case let .success(values):
                variables.merge(values) { _, new in new }
                step(node, input: "ok")
                return lookup.next
            case let .failure(error):
                onProblem("\(call): flow \(flow.name) node \(node.name): lookup failed: \(error)")
                step(node, input: "error: \(error)")
                return lookup.onError
            }
        case let .message(m):
            return await recordMessage(node, m)
        case let .mailbox(box, next):
            return await playMailbox(node, box: substitute(box), next: next)
        case let .survey(scoreText, next):
            let text = substitute(scoreText)
            if let score = Int(text), (1...5).contains(score) {
                onSurvey?(SurveyScore(call: call, flow: flow.name, score: score, agent: variables["agent"], queue: variables["queue"]))
                step(node, input: String(score))
            } else {
                step(node, input: "invalid score \(text)")
            }
            return next
        case let .fax(f):
            return await fax(node, f)
        case let .hangup(cause):
            step(node)
            await hangUp(Q850Cause(rawValue: cause) ?? .normalClearing)
            return nil
        case let .goto(target):
            step(node)
            return target
        }
    }

    private mutating func runMenu(_ node: IVRNode, _ menu: IVRMenu) async -> String? {
        for _ in 0..<menu.retries {
            var key: Character?
            if pending.isEmpty, case let .key(k) = await play(menu.prompts, bargeIn: true) { key = k }
            if gone { return nil }
            if key == nil { key = await nextKey(within: menu.timeoutMilliseconds) }
            if gone { return nil }
            guard let pressed = key else {
                step(node, input: "timeout")
                _ = await play(menu.timeoutPrompts, bargeIn: false)
                continue
            }
            if let target = menu.choices[String(pressed)] {
                step(node, input: String(pressed))
                return target
            }
            step(node, input: "invalid \(pressed)")
            pending.removeAll()
            _ = await play(menu.invalidPrompts, bargeIn: false)
        }
        step(node, input: "retries exhausted")
        return gone ? nil : menu.onFail
    }

    private mutating func runCollect(_ node: IVRNode, _ c: IVRCollect) async -> String? {
        for _ in 0..<c.retries {
            var digits = ""
            if pending.isEmpty, case let .key(k) = await play(c.prompts, bargeIn: true) { pending.insert(k, at: 0) }
            if gone { return nil }
            var wait = c.firstDigitMilliseconds
            while digits.count < c.maximum, let key = await nextKey(within: wait) {
                if key == c.terminator { break }
                digits.append(key)
                wait = c.interDigitMilliseconds
            }
            if gone { return nil }
            if digits.count >= c.minimum {
                variables[c.variable] = digits
                step(node, input: digits)
                return c.next
            }
            step(node, input: digits.isEmpty ? "timeout" : "too short \(digits)")
            _ = await play(c.invalidPrompts, bargeIn: false)
        }
        return gone ? nil : c.onFail
    }

    // MARK: Media

    /// Play prompt names (from the flow's language) and wait until they end, a key cuts them
    /// (barge-in) or the caller hangs up.
    private mutating func play(_ names: [String], bargeIn: Bool) async -> Played {
        await play(prompts: names.compactMap { name -> Prompt? in
            if let p = prompts["\(flow.language)/\(name)"] { return p }
            onProblem("\(call): flow \(flow.name): no prompt \(flow.language)/\(name)")
            return nil
        }, bargeIn: bargeIn)
    }

    /// Play prompts and wait until they end, a key cuts them (barge-in) or the caller hangs up.
    private mutating func play(prompts list: [Prompt], bargeIn: Bool) async -> Played {
        guard !list.isEmpty, !gone else { return .done }
        playNumber &+= 1
        let id = playNumber
        do {
            try await calls.play(call, list, id: id, stopOnDTMF: bargeIn)
        } catch {
            gone = true
            return .done
        }
        let length = list.reduce(0) { $0 + $1.milliseconds }
        let limit = ContinuousClock.now + .milliseconds(length + 5000)
        while ContinuousClock.now < limit {
            guard let event = await inbox.next(timeout: limit - .now) else { break }
            switch event {
            case let .playFinished(_, finished, reason) where finished == id:
                if reason == .dtmf, bargeIn, let key = await nextKey(within: 1000) { return .key(key) }
                return .done
            case let .dtmf(_, digit, _):
                pending.append(digit)
            case .released:
                gone = true
                return .done
            default:
                break
            }
        }
        return .done
    }

    /// The next key, from type-ahead or within `milliseconds`.
    private mutating func nextKey(within milliseconds: Int) async -> Character? {
        if !pending.isEmpty { return pending.removeFirst() }
        let limit = ContinuousClock.now + .milliseconds(milliseconds)
        while ContinuousClock.now < limit {
            guard let event = await inbox.next(timeout: limit - .now) else { return nil }
            switch event {
            case let .dtmf(_, digit, _): return digit
            case .released:
                gone = true
                return nil
            default: continue
            }
        }
        return nil
    }

    // MARK: Messages

    /// Greeting, beep, then record until `#`, the length limit or the caller's hang-up.
    private mutating func recordMessage(_ node: IVRNode, _ m: IVRMessage) async -> String? {
        guard let messages else {
            onProblem("\(call): flow \(flow.name) node \(node.name): no message store (configure voicemail:); skipped")
            step(node, input: "not recorded")
            return m.next
        }
        let box = m.box.map(substitute)
        let settings = box.map { messages.box($0) } ?? IVRBoxSettings()
        if let greeting = settings.greeting {
            _ = await play(prompts: greeting, bargeIn: true)
        } else {
            _ = await play(m.prompts, bargeIn: true)
        }
        pending.removeAll()
        if m.beep, !gone, let beep = prompts["tones/beep"] { _ = await play(prompts: [beep], bargeIn: false) }
        if gone { return nil }
        let id: Int64
        do {
            id = try await messages.startMessage(call, box: box, caller: variables["caller"], called: variables["called"] ?? "")
        } catch {
            onProblem("\(call): flow \(flow.name) node \(node.name): cannot record: \(error)")
            step(node, input: "not recorded")
            return m.next
        }
        if let variable = m.variable { variables[variable] = String(id) }
        let limit = ContinuousClock.now + .milliseconds(m.maxMilliseconds > 0 ? m.maxMilliseconds : settings.maxMilliseconds)
        let started = ContinuousClock.now
        let silence = m.silenceMilliseconds ?? settings.silenceMilliseconds
        if silence > 0 { try? await calls.watchSilence(call, milliseconds: silence) }
        var ending = "time limit"
        // What ended the message is left out of it: the key press (heard from its start, plus
        // the detector's lag), or the silence but for a natural pause.
        var tail = Duration.zero
        var endedAt = ContinuousClock.now
        waiting: while !gone, ContinuousClock.now < limit {
            guard let event = await inbox.next(timeout: limit - .now) else { continue }
            switch event {
            case let .dtmf(_, "#", milliseconds):
                ending = "#"
                endedAt = .now
                tail = .milliseconds(milliseconds) + Self.keyDetectionLag
                break waiting
            case let .silence(_, milliseconds):
                ending = "silence"
                endedAt = .now
                tail = .milliseconds(max(0, milliseconds - Self.pauseKeptAfterMessage))
                break waiting
            case .released:
                gone = true
                ending = "hang-up"
            default:
                continue
            }
        }
        if silence > 0, !gone { try? await calls.watchSilence(call, milliseconds: 0) }
        let seconds = max(0, Double((ContinuousClock.now - started - tail).components.seconds))
        step(node, input: "recorded \(id), \(Int(seconds)) s, ended by \(ending)")
        if gone { return nil }
        await messages.stopMessage(call, droppingLast: tail == .zero ? .zero : tail + (.now - endedAt))
        return m.next
    }

    /// The box's new messages, each marked heard once played; `#` skips to the next.
    private mutating func playMailbox(_ node: IVRNode, box: String, next: String) async -> String? {
        guard let messages else {
            onProblem("\(call): flow \(flow.name) node \(node.name): no message store (configure voicemail:)")
            return next
        }
        let list = messages.newMessages(in: box)
        step(node, input: "\(list.count) new")
        if list.isEmpty {
            _ = await play(["no-new-messages"], bargeIn: false)
            return gone ? nil : next
        }
        _ = await play(["mailbox-you-have"] + (SayPhrases.number(String(list.count), language: flow.language) ?? [])
                       + ["mailbox-new-messages"], bargeIn: false)
        for message in list {
            if gone { return nil }
            _ = await play(prompts: [message.audio], bargeIn: true)
            pending.removeAll()
            if gone { return nil }
            messages.markHeard(message.id)
        }
        _ = await play(["end-of-messages"], bargeIn: false)
        return gone ? nil : next
    }

    /// Fax-on-demand: the document on this call (the session ends; the fax center has the
    /// call), or a callback job to the number given.
    private mutating func fax(_ node: IVRNode, _ f: IVRFax) async -> String? {
        let document = substitute(f.document)
        guard let desk = faxDesk else {
            onProblem("\(call): flow \(flow.name) node \(node.name): fax is not configured")
            step(node, input: "no fax")
            return f.onError
        }
        guard desk.hasDocument(document) else {
            step(node, input: "no document \(document)")
            return f.onError
        }
        guard let destination = f.to.map(substitute) else {
            _ = await play(f.prompts, bargeIn: false)
            if gone { return nil }
            step(node, input: "document \(document) on this call")
            gone = true
            desk.sendOnCall(call, document: document, caller: variables["caller"])
            return nil
        }
        guard !destination.isEmpty, destination.count <= 32, destination.allSatisfy(\.isNumber) else {
            step(node, input: "no usable number \(destination)")
            return f.onError
        }
        do {
            let job = try desk.sendLater(document: document, to: destination, for: call)
            if let v = f.variable { variables[v] = String(job) }
            step(node, input: "document \(document) to \(destination), job \(job)")
        } catch {
            onProblem("\(call): flow \(flow.name) node \(node.name): cannot queue the fax: \(error)")
            step(node, input: "not queued")
            return f.onError
        }
        _ = await play(f.prompts, bargeIn: false)
        return gone ? nil : f.next
    }

    private mutating func hangUp(_ cause: Q850Cause) async {
        let handedOff = inbox.isHandedOff
        gone = true
        guard !handedOff else { return }
        try? await calls.release(call, cause: cause)
    }

    // MARK: Words

    private func step(_ node: IVRNode, input: String? = nil) {
        onStep(IVRStep(call: call, flow: flow.name, node: node.name, input: input))
    }

    /// `{name}` replaced by the variable's value.
    func substitute(_ text: String) -> String { TemplateText.fill(text, variables) }

    private func phrase(_ item: IVRSayItem) -> [String] {
        let spoken: [String]?
        switch item {
        case let .prompt(p): return [p]
        case let .digits(v): spoken = SayPhrases.digits(substitute(v))
        case let .number(v): spoken = SayPhrases.number(substitute(v), language: flow.language)
        case let .money(v): spoken = SayPhrases.money(substitute(v), language: flow.language, currency: flow.currency)
        case let .date(v): spoken = SayPhrases.date(substitute(v), language: flow.language)
        case let .time(v): spoken = SayPhrases.time(substitute(v), language: flow.language)
        }
        if spoken == nil { onProblem("\(call): flow \(flow.name): cannot say \(item)") }
        return spoken ?? []
    }
}
