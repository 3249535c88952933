import CallControl
import Foundation
import PSTNEngine
import Yams

/// What `pstn-sim` does in one run, as a YAML scenario: the trunks it drives (the far ends of the
/// lab cables), how it answers calls the engine places, the calls it places itself, and an
/// optional load run.
///
/// ```yaml
/// dahdi: /tmp/lab/dahdi
/// trunks:
///   - { name: carrier1, type: pri, dchannel: 47, bchannels: "32-46,48-62", side: network, switch: euroisdn }
/// answer: { after_ms: 200, hangup_after_s: 3, cause: 16 }
/// calls:
///   - name: greeting
///     trunk: carrier1
///     calling: { number: "13800000000", type: national }
///     called: "95588"
///     steps:
///       - { wait_answer: 10 }
///       - { listen: 2, record: /tmp/heard.wav }
///       - { send_dtmf: "1#" }
///       - { hangup: 16 }
/// load: { trunk: carrier1, called: "95588", rate: 50, concurrent: 200, seconds: 60, hold: { mean_s: 3 } }
/// ```
public struct Scenario: Sendable, Codable, Equatable {
    public var dahdi: String?
    public var trunks: [TrunkConfiguration]
    public var answer: AnswerPolicy?
    /// The answer policy of calls arriving on particular trunks (an agent's phone that never
    /// answers, one that is busy), by trunk name; others follow `answer`.
    public var answer_by_trunk: [String: AnswerPolicy]?
    /// The answer policy of calls to particular numbers (a fax machine on one, a busy line on
    /// another), by called number; before `answer_by_trunk`.
    public var answer_by_called: [String: AnswerPolicy]?
    public var calls: [ScriptedCall]?
    public var load: LoadProfile?
    /// `alaw` or `ulaw`; by default A-law unless a trunk is T1.
    public var law: String?
    /// The tone zone of the simulated network (`cn`, `us`...).
    public var zone: String?
    /// Seconds to wait for the trunks' signalling links to come up before placing calls.
    public var link_wait_s: Double?
    /// SCHED_FIFO priority of the simulator's media loop (0: an ordinary thread); 50 by default.
    public var realtime_priority: Int?

    /// The media loop's priority `realtime_priority` asks for (nil: an ordinary thread).
    public var mediaPriority: Int32? {
        let p = realtime_priority ?? MediaSettings.defaultRealtimePriority
        return p > 0 ? Int32(p) : nil
    }

    public init(dahdi: String? = nil, trunks: [TrunkConfiguration], answer: AnswerPolicy? = nil,
                calls: [ScriptedCall]? = nil, load: LoadProfile? = nil) {
        self.dahdi = dahdi
        self.trunks = trunks
        self.answer = answer
        self.calls = calls
        self.load = load
    }

    /// Read and check a scenario; every problem is reported at once.
    public static func parse(_ text: String, file: String = "<scenario>") throws(ScenarioError) -> Scenario {
        let scenario: Scenario
        do {
            scenario = try YAMLDecoder().decode(Scenario.self, from: text)
        } catch {
            throw ScenarioError(file: file, problems: [DecodingProblem.describe(error)])
        }
        let problems = scenario.problems()
        guard problems.isEmpty else { throw ScenarioError(file: file, problems: problems) }
        return scenario
    }

    public static func load(path: String) throws(ScenarioError) -> Scenario {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(file: path, problems: ["cannot read the file as UTF-8 text"])
        }
        return try parse(text, file: path)
    }

    func problems() -> [String] {
        var out = trunks.flatMap { $0.problems() }
        if let p = realtime_priority, !(0...99).contains(p) { out.append("realtime_priority must be 0 (none) or 1-99, not \(p)") }
        if trunks.isEmpty { out.append("no trunks: the simulator needs at least one") }
        let names = Set(trunks.map(\.name))
        if names.count != trunks.count { out.append("two trunks have the same name") }
        for call in calls ?? [] {
            if !names.contains(call.trunk) { out.append("call \(call.name ?? call.called): unknown trunk \(call.trunk)") }
            out += call.problems()
        }
        if let law, !["alaw", "ulaw"].contains(law) { out.append("law must be alaw or ulaw, not \(law)") }
        for trunk in (answer_by_trunk ?? [:]).keys.sorted() where !names.contains(trunk) {
            out.append("answer_by_trunk: unknown trunk \(trunk)")
        }
        out += ScriptedCall.Step.problems(answer?.steps ?? [], label: "answer")
        for (trunk, policy) in (answer_by_trunk ?? [:]).sorted(by: { $0.key < $1.key }) {
            out += ScriptedCall.Step.problems(policy.steps ?? [], label: "answer_by_trunk \(trunk)")
        }
        for (number, policy) in (answer_by_called ?? [:]).sorted(by: { $0.key < $1.key }) {
            if number.isEmpty || !number.allSatisfy({ "0123456789*#".contains($0) }) {
                out.append("answer_by_called: \"\(number)\" is not a number")
            }
            out += ScriptedCall.Step.problems(policy.steps ?? [], label: "answer_by_called \(number)")
        }
        if let load {
            if !names.contains(load.trunk) { out.append("load: unknown trunk \(load.trunk)") }
            out += load.problems()
        }
        return out
    }
}

/// Why a scenario cannot run: every problem found, with the file.
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let problems: [String]
    public var description: String { problems.map { "\(file): \($0)" }.joined(separator: "\n") }
}

/// How the simulator treats calls the engine places towards it.
public struct AnswerPolicy: Sendable, Codable, Equatable {
    /// Alert, then answer after this long; nil: never answer (let it ring).
    public var after_ms: Int?
    /// Hang up this long after answering; nil: wait for the engine to hang up.
    public var hangup_after_s: Double?
    public var cause: Int?
    /// Refuse every call with this cause instead (busy = 17).
    public var reject: Int?
    /// Record what the answered call hears (a WAV file; `{call}` is replaced by the call's id)
    /// for `record_s` seconds (20 by default).
    public var record: String?
    public var record_s: Double?
    /// What the phone does once it has answered (flash, dial codes, hang up...), as a scripted
    /// call's steps.
    public var steps: [ScriptedCall.Step]?
}

/// A number in a scenario: just digits, or digits with type and presentation.
public struct ScenarioNumber: Sendable, Codable, Equatable {
    public var number: String
    public var type: String?
    public var presentation: String?

    public init(from decoder: any Decoder) throws {
        if let digits = try? decoder.singleValueContainer().decode(String.self) {
            number = digits
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decode(String.self, forKey: .number)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        presentation = try c.decodeIfPresent(String.self, forKey: .presentation)
    }

    public init(_ number: String) { self.number = number }

    /// The number as signalling carries it; nil when a field has no such value.
    public var party: PartyNumber? {
        var p = PartyNumber(number)
        switch type ?? "unknown" {
        case "unknown": p.type = .unknown
        case "international": p.type = .international
        case "national": p.type = .national
        case "subscriber": p.type = .subscriber
        case "network": p.type = .networkSpecific
        case "abbreviated": p.type = .abbreviated
        default: return nil
        }
        switch presentation ?? "allowed" {
        case "allowed": p.presentation = .allowed
        case "restricted": p.presentation = .restricted
        case "unavailable": p.presentation = .unavailable
        default: return nil
        }
        return p
    }
}
