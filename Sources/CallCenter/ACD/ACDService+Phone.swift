import CallControl
import PSTNEngine

/// An agent dialling on their phone after a hook flash, their caller on hold.
struct PhoneDialling: Sendable {
    var digits = ""
    /// Bumped on every digit: an inter-digit timer for older digits does nothing.
    var serial: Int
}

/// Call actions from the agent's phone (hook flash and codes), as an analog PBX gives them:
/// - flash: the caller is held (with music) and the agent hears dial tone; then
///   - `#` (or another flash) takes the caller back;
///   - another agent's id consults that agent; hanging up then completes the attended (or, while
///     it still rings, blind) transfer; a flash drops the consultation and takes the caller back;
///     `*3` brings the caller in (a three-way call), where a flash drops the consulted agent;
///   - a number that routes to a queue, an IVR flow or out over a trunk transfers the caller
///     blind there;
/// - `*` during the conversation marks the caller as a prospect.
extension ACDService {
    static let dialTonePlay: Int32 = 0x7AC_0002
    /// How long an agent may pause between digits before what they dialled is acted on.
    static let interDigitMilliseconds = 3000

    func flashed(_ agent: String) async {
        guard let a = agents[agent], a.state == .onCall, let leg = a.leg else { return }
        if dialling[agent] != nil {
            dialling[agent] = nil
            await backToCaller(agent, leg: leg)
        } else if consulting[agent] != nil {
            returningToCaller.insert(agent)
            try? await cancelConsult(agent)
        } else {
            do throws(Refusal) { try await hold(agent) } catch { return }
            await startDialling(agent, leg: leg)
        }
    }

    func pressed(_ digit: Character, agent: String) async {
        guard let a = agents[agent], a.state == .onCall, let leg = a.leg else { return }
        guard var d = dialling[agent] else {
            if consulting[agent] != nil {
                // `*3` while consulting: the held caller joins (a three-way call).
                if digit == "3", consultKeys.removeValue(forKey: agent) == "*" {
                    try? await conference(agent)
                } else {
                    consultKeys[agent] = digit
                }
            } else if digit == "*", let caller = a.caller {
                let number = callers[caller]?.waiting.caller
                log(caller, a.queue ?? "", "prospect", agent: agent, detail: number.map { "caller \($0)" })
            }
            return
        }
        if d.digits.isEmpty { try? await calls.stopPlayback(leg) }
        guard digit != "#" else {
            await dialled(agent)
            return
        }
        nextDialSerial += 1
        d.digits.append(digit)
        d.serial = nextDialSerial
        dialling[agent] = d
        after(Self.interDigitMilliseconds, .dialled(agent: agent, serial: d.serial))
    }

    /// Act on what the agent dialled after the flash.
    func dialled(_ agent: String) async {
        guard let d = dialling.removeValue(forKey: agent), let leg = agents[agent]?.leg else { return }
        if d.digits.isEmpty {
            await backToCaller(agent, leg: leg)
            return
        }
        do throws(Refusal) {
            if agents[d.digits] != nil {
                try await consult(agent, with: d.digits)
            } else if let target = destinationOfNumber(d.digits, agents[agent]?.station?.trunkGroup ?? "") {
                try await transfer(agent, to: target)
            } else {
                throw Refusal(description: "\(d.digits) leads to no agent, queue, IVR flow or trunk")
            }
        } catch {
            log(agents[agent]?.caller ?? leg, agents[agent]?.queue ?? "", "phone-refused", agent: agent, detail: error.description)
            let language = agents[agent]?.queue.flatMap { queues[$0]?.settings.language } ?? "zh"
            await startDialling(agent, leg: leg, after: prompts()?["\(language)/agent-refused"])
        }
    }

    /// Dial tone to the agent (after `prompt`, when given), and collect digits.
    private func startDialling(_ agent: String, leg: CallID, after prompt: Prompt? = nil) async {
        nextDialSerial += 1
        dialling[agent] = PhoneDialling(serial: nextDialSerial)
        let tone = dialTone.map { [$0] } ?? []
        if let prompt {
            try? await calls.play(leg, [prompt] + tone, id: Self.dialTonePlay)
        } else if !tone.isEmpty {
            try? await calls.play(leg, tone, id: Self.dialTonePlay, loop: true)
        }
    }

    private func backToCaller(_ agent: String, leg: CallID) async {
        try? await calls.stopPlayback(leg)
        try? await retrieve(agent)
    }
}
