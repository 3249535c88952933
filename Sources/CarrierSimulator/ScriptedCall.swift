import CallControl

/// One call the simulator places, and what it does once the engine answers.
public struct ScriptedCall: Sendable, Codable, Equatable {
    public var name: String?
    public var trunk: String
    public var calling: ScenarioNumber?
    public var called: String
    /// Send the called number digit by digit (overlap sending) instead of en bloc.
    public var overlap: Bool?
    /// Seconds after the start of the run to place the call.
    public var at_s: Double?
    /// Place the call at this wall-clock time (seconds since 1970), to meet another process's
    /// action on the wire (glare tests); overrides `at_s`.
    public var at_epoch: Double?
    /// Seize exactly this DAHDI channel (exclusive), not the first free one.
    public var channel: Int?
    public var steps: [Step]?

    public init(name: String? = nil, trunk: String, calling: ScenarioNumber? = nil, called: String, steps: [Step]? = nil) {
        self.name = name
        self.trunk = trunk
        self.calling = calling
        self.called = called
        self.steps = steps
    }

    /// One step of a call's script.
    public struct Step: Sendable, Codable, Equatable {
        /// Wait up to this many seconds for the answer; the call fails if it does not come.
        public var wait_answer: Double?
        /// Listen this many seconds: DTMF digits and tones heard are reported.
        public var listen: Double?
        /// Record what is heard during `listen` to this WAV file; its level is reported. Without
        /// `listen`, recording goes on in the background for `record_s` while the next steps run,
        /// in stereo: left what is heard, right what the call sends.
        public var record: String?
        public var record_s: Double?
        public var send_dtmf: String?
        /// Play a WAV file to the engine.
        public var play: String?
        /// Wait this many seconds.
        public var wait: Double?
        /// Hang up with this cause.
        public var hangup: Int?
        /// Wait up to this many seconds for the engine to hang up.
        public var wait_release: Double?
        /// Flash the hook (an analog phone asking the engine to hold or transfer).
        public var flash: Bool?
        /// Act as a fax machine sending this fax TIFF; the outcome goes in the report and
        /// beside the document as `.json`.
        public var send_fax: String?
        /// Act as a fax machine receiving into this TIFF (`{call}` is the call's id); the
        /// outcome goes in the report and into the same path with `.json` added.
        public var receive_fax: String?
        /// The fax machine's station ident.
        public var fax_ident: String?
        /// Error correction offered (true by default).
        public var ecm: Bool?
        /// Longest the fax may take (600 s by default).
        public var fax_limit_s: Double?

        public init(wait_answer: Double? = nil, listen: Double? = nil, record: String? = nil, send_dtmf: String? = nil,
                    play: String? = nil, wait: Double? = nil, hangup: Int? = nil, wait_release: Double? = nil, flash: Bool? = nil) {
            self.wait_answer = wait_answer
            self.listen = listen
            self.record = record
            self.send_dtmf = send_dtmf
            self.play = play
            self.wait = wait
            self.hangup = hangup
            self.wait_release = wait_release
            self.flash = flash
        }
    }

    func problems() -> [String] {
        var out: [String] = []
        let label = "call \(name ?? called)"
        if let calling, calling.party == nil { out.append("\(label): calling number type or presentation not known") }
        if called.isEmpty || !called.allSatisfy({ "0123456789*#".contains($0) }) {
            out.append("\(label): called number \"\(called)\" is not digits")
        }
        return out + Step.problems(steps ?? [], label: label)
    }
}

extension ScriptedCall.Step {
    /// What is wrong with a list of steps, each problem naming `label` and the step.
    static func problems(_ steps: [Self], label: String) -> [String] {
        var out: [String] = []
        for (i, step) in steps.enumerated() {
            let background = step.record != nil && step.listen == nil
            let actions = [step.wait_answer != nil, step.listen != nil, step.send_dtmf != nil, step.play != nil,
                           step.wait != nil, step.hangup != nil, step.wait_release != nil, step.flash == true, background,
                           step.send_fax != nil, step.receive_fax != nil]
                .filter { $0 }.count
            if actions != 1 { out.append("\(label) step \(i + 1): exactly one action per step (found \(actions))") }
            if background, !((step.record_s ?? 0) > 0) { out.append("\(label) step \(i + 1): record without listen needs record_s") }
            if step.record_s != nil, step.listen != nil { out.append("\(label) step \(i + 1): record_s is for a background recording") }
            if let c = step.hangup, Q850Cause(rawValue: c) == nil { out.append("\(label) step \(i + 1): \(c) is not a Q.850 cause") }
            if step.send_fax == nil, step.receive_fax == nil, step.fax_ident != nil || step.ecm != nil || step.fax_limit_s != nil {
                out.append("\(label) step \(i + 1): fax_ident, ecm and fax_limit_s go with send_fax or receive_fax")
            }
            if let s = step.fax_limit_s, !(s > 0 && s <= 3600) { out.append("\(label) step \(i + 1): fax_limit_s must be 1-3600") }
            if let d = step.send_dtmf, !d.allSatisfy({ "0123456789*#ABCD".contains($0) }) {
                out.append("\(label) step \(i + 1): \"\(d)\" is not DTMF digits")
            }
        }
        return out
    }
}
