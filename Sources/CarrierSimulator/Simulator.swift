import CallControl
import FaxService
import Foundation
import PSTNEngine

/// Runs a scenario against call control: answers the engine's calls by the answer policy, plays
/// the scripted calls, runs the load, and reports what happened.
public final class Simulator: Sendable {
    public let scenario: Scenario
    private let calls: CallControl
    private let media: MediaEngine?
    private let tracker = CallTracker()
    private let faxWorker: FaxWorker
    private let started = ContinuousClock.now

    /// The whole run's outcome, as `pstn-sim` prints it in JSON.
    public struct Report: Sendable, Codable, Equatable {
        public var calls: [CallReport] = []
        /// Calls the engine placed to the simulator: how each ended.
        public var answeredFromEngine: [CallReport] = []
        public var load: LoadReport?
    }

    public init(scenario: Scenario, calls: CallControl, media: MediaEngine?) {
        self.scenario = scenario
        self.calls = calls
        self.media = media
        faxWorker = FaxWorker(realtimePriority: MediaSettings.feederPriority(below: scenario.mediaPriority))
    }

    /// Consume call control's events until it stops; run this in its own task.
    public func pumpEvents() async {
        for await event in calls.events {
            await tracker.record(event)
            if case let .routed(id, .application(name: "answer", _), _) = event {
                Task { await self.answerIncoming(id) }
            }
        }
    }

    /// Place the scripted calls (each at its start time, concurrently) and then the load run.
    public func run() async -> Report {
        var report = Report()
        await withTaskGroup(of: (Int, CallReport).self) { group in
            for (i, call) in (scenario.calls ?? []).enumerated() {
                group.addTask {
                    if let epoch = call.at_epoch {
                        let wait = epoch - Date().timeIntervalSince1970
                        if wait > 0 { try? await Task.sleep(for: .microseconds(Int64(wait * 1_000_000))) }
                    } else if let at = call.at_s {
                        try? await Task.sleep(for: .milliseconds(Int(at * 1000)))
                    }
                    return (i, await self.play(call))
                }
            }
            var done: [(Int, CallReport)] = []
            for await r in group { done.append(r) }
            report.calls = done.sorted { $0.0 < $1.0 }.map(\.1)
        }
        report.answeredFromEngine = await engineCalls()
        if let load = scenario.load {
            let group = scenario.trunks.first { $0.name == load.trunk }?.groupName ?? load.trunk
            report.load = await LoadRunner(profile: load, group: group, calls: calls, tracker: tracker).run()
        }
        return report
    }

    // MARK: Calls the engine places

    /// What became of every call the engine placed towards the simulator so far.
    public func engineCalls() async -> [CallReport] {
        var out: [CallReport] = []
        for leg in await tracker.offered {
            let seen = await tracker.state(of: leg.id)
            var r = CallReport(name: "from engine", called: leg.setup.called.digits)
            r.id = leg.id.value
            r.calling = leg.setup.calling?.digits
            r.placedAt = leg.offeredAt.secondsSince1970
            r.answeredAt = seen.answeredAt != nil ? (seen.released?.answeredAt?.secondsSince1970 ?? 0) : nil
            r.cause = seen.released?.cause?.rawValue
            r.causeText = seen.released?.cause?.name
            r.releasedBy = seen.released?.releasedBy?.rawValue
            r.releasedAt = seen.released?.releasedAt?.secondsSince1970
            r.dtmfHeard = seen.dtmf
            r.tonesHeard = seen.tones
            out.append(r)
        }
        return out
    }

    private func answerIncoming(_ id: CallID) async {
        let leg = await tracker.offered.first { $0.id == id }
        let policy = leg.flatMap { scenario.answer_by_called?[$0.setup.called.digits] }
            ?? leg.flatMap { scenario.answer_by_trunk?[$0.backend] } ?? scenario.answer ?? AnswerPolicy(after_ms: 0)
        if let reject = policy.reject {
            try? await calls.release(id, cause: Q850Cause(rawValue: reject) ?? .userBusy)
            return
        }
        try? await calls.alert(id)
        guard let after = policy.after_ms else { return }
        try? await Task.sleep(for: .milliseconds(after))
        do { try await calls.answer(id) } catch { return }
        if let path = policy.record {
            let calls = self.calls
            let media = self.media
            Task {
                guard let channel = try? await calls.calls().first(where: { $0.id == id })?.channel, let media else { return }
                let name = CallControl.mediaChannelName(channel)
                let file = path.replacingOccurrences(of: "{call}", with: String(id.value))
                guard (try? media.record(name, id: Int(id.value), path: file, format: .wavPCM16, layout: .mono)) == true else { return }
                try? await Task.sleep(for: .milliseconds(Int((policy.record_s ?? 20) * 1000)))
                media.send(.stopRecording, to: name)
            }
        }
        if let steps = policy.steps {
            var report = CallReport(name: "answered \(id.value)", called: "")
            for (i, step) in steps.enumerated() {
                if let failure = await perform(step, on: id, report: &report, placedAt: .now) {
                    FileHandle.standardError.write(Data("pstn-sim: answered call \(id.value), step \(i + 1): \(failure)\n".utf8))
                    break
                }
            }
        }
        if let hold = policy.hangup_after_s {
            if await tracker.wait(for: .release, of: id, timeout: .milliseconds(Int(hold * 1000))) { return }
            try? await calls.release(id, cause: Q850Cause(rawValue: policy.cause ?? 16) ?? .normalClearing)
        }
    }

    // MARK: Scripted calls

    private func seconds(_ s: Double) -> Duration { .milliseconds(Int((s * 1000).rounded())) }

    private func wallSeconds() -> Double { Date().timeIntervalSince1970 }

    func play(_ call: ScriptedCall) async -> CallReport {
        var report = CallReport(name: call.name ?? call.called, called: call.called)
        report.calling = call.calling?.number
        guard let group = scenario.trunks.first(where: { $0.name == call.trunk })?.name else {
            report.failure = "unknown trunk \(call.trunk)"
            return report
        }
        var setup = CallSetup(calling: call.calling?.party, called: PartyNumber(call.overlap == true ? String(call.called.prefix(1)) : call.called))
        setup.numberComplete = call.overlap != true
        if let channel = call.channel { setup.channel = ChannelSelection(channel: channel, exclusive: true) }
        let placedAt = ContinuousClock.now
        report.placedAt = wallSeconds()
        let id: CallID
        do {
            id = try await calls.place(trunkGroup: group, setup: setup)
        } catch {
            report.failure = error.description
            report.cause = error.cause.rawValue
            report.causeText = error.cause.name
            return report
        }
        report.id = id.value
        if call.overlap == true {
            for digit in call.called.dropFirst() {
                try? await Task.sleep(for: .milliseconds(100))
                try? await calls.sendDigits(id, String(digit))
            }
        }
        for (i, step) in (call.steps ?? []).enumerated() {
            if let failure = await perform(step, on: id, report: &report, placedAt: placedAt) {
                report.failure = "step \(i + 1): \(failure)"
                break
            }
        }
        let seen = await tracker.state(of: id)
        if let leg = seen.released {
            report.cause = leg.cause?.rawValue
            report.causeText = leg.cause?.name
            report.releasedBy = leg.releasedBy?.rawValue
            report.releasedAt = leg.releasedAt?.secondsSince1970
        }
        report.dtmfHeard = seen.dtmf
        report.tonesHeard = seen.tones
        await tracker.forget(id)
        return report
    }

    private func perform(_ step: ScriptedCall.Step, on id: CallID, report: inout CallReport,
                         placedAt: ContinuousClock.Instant) async -> String? {
        if step.send_fax != nil || step.receive_fax != nil {
            return await fax(step, on: id, report: &report)
        }
        if let limit = step.wait_answer {
            guard await tracker.wait(for: .answer, of: id, timeout: seconds(limit)) else {
                let seen = await tracker.state(of: id)
                return seen.released != nil ? "released before answer" : "no answer within \(limit) s"
            }
            report.answeredAt = wallSeconds()
            report.setupLatencyMs = Double(placedAt.duration(to: .now).components.attoseconds) / 1e15
                + Double(placedAt.duration(to: .now).components.seconds) * 1000
            return nil
        }
        if let s = step.wait {
            try? await Task.sleep(for: seconds(s))
            return nil
        }
        if let cause = step.hangup {
            do { try await calls.release(id, cause: Q850Cause(rawValue: cause) ?? .normalClearing) } catch { return error.description }
            _ = await tracker.wait(for: .release, of: id, timeout: .seconds(10))
            return nil
        }
        if let limit = step.wait_release {
            return await tracker.wait(for: .release, of: id, timeout: seconds(limit)) ? nil : "the engine did not hang up within \(limit) s"
        }
        if step.flash == true {
            do { try await calls.flash(id) } catch { return error.description }
            return nil
        }
        // A call that is still dialling (an analog line) has no channel yet: a step that needs
        // the audio waits for it, so a recording can start before the answer.
        var found = try? await calls.calls().first(where: { $0.id == id })?.channel
        let limit = ContinuousClock.now + .seconds(10)
        while found == nil, ContinuousClock.now < limit, await tracker.state(of: id).released == nil {
            try? await Task.sleep(for: .milliseconds(10))
            found = try? await calls.calls().first(where: { $0.id == id })?.channel
        }
        guard let channel = found, let media else {
            return "the call has no channel or the simulator no media engine"
        }
        let name = CallControl.mediaChannelName(channel)
        if let s = step.listen {
            if let path = step.record {
                do {
                    _ = try media.record(name, id: Int(id.value), path: path, format: .wavPCM16, layout: .mono)
                } catch {
                    return "cannot record to \(path): \(error)"
                }
            }
            try? await Task.sleep(for: seconds(s))
            if let path = step.record {
                media.send(.stopRecording, to: name)
                try? await Task.sleep(for: .milliseconds(300))
                report.recordings.append(.init(path: path, levelDBm0: Self.level(of: path)))
            }
            return nil
        }
        if let path = step.record, step.listen == nil {
            do {
                _ = try media.record(name, id: Int(id.value), path: path, format: .wavPCM16, layout: .stereo)
            } catch {
                return "cannot record to \(path): \(error)"
            }
            let media = self.media
            let seconds = step.record_s ?? 1
            Task {
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                media?.send(.stopRecording, to: name)
            }
            return nil
        }
        if let digits = step.send_dtmf {
            guard let d = DigitString(digits) else { return "\"\(digits)\" is not DTMF" }
            media.send(.sendDigits(d), to: name)
            try? await Task.sleep(for: .milliseconds(digits.count * 200))
            return nil
        }
        if let path = step.play {
            do {
                let prompt = try Prompt.load(path: path)
                media.play([prompt], on: name, id: Int32(truncatingIfNeeded: id.value))
                try? await Task.sleep(for: .milliseconds(prompt.milliseconds))
            } catch {
                return "cannot play \(path): \(error)"
            }
            return nil
        }
        return "empty step"
    }

    /// Be a fax machine on an answered call: send or receive, then leave the outcome in the
    /// report and in a `.json` file beside the fax. Whoever placed the call, the sending machine
    /// takes T.30's calling role and the receiving one the answering role (a caller who presses
    /// start to receive a fax-on-demand document answers with DIS).
    private func fax(_ step: ScriptedCall.Step, on id: CallID, report: inout CallReport) async -> String? {
        let file = (step.send_fax ?? step.receive_fax ?? "").replacingOccurrences(of: "{call}", with: String(id.value))
        let role: FaxSession.Role = step.send_fax != nil ? .send(document: file) : .receive(into: file)
        let session: FaxSession
        do {
            session = try FaxSession(role: role, callingParty: step.send_fax != nil,
                                     options: .init(ident: step.fax_ident ?? "", ecm: step.ecm ?? true))
        } catch {
            return "fax: \(error)"
        }
        let outcome: FaxOutcome
        do {
            outcome = try await faxWorker.run(session, on: id, calls: calls, limit: seconds(step.fax_limit_s ?? 600))
        } catch {
            return "fax: \(error)"
        }
        report.fax = outcome
        if let data = try? JSONEncoder().encode(outcome) {
            _ = FileManager.default.createFile(atPath: file + ".json", contents: data)
        }
        return nil
    }

    /// The mean level of a recording in dBm0 (A-law reference), nil when it cannot be read.
    static func level(of path: String) -> Double? {
        guard let prompt = try? Prompt.load(path: path), !prompt.samples.isEmpty else { return nil }
        var sum = 0.0
        for s in prompt.samples { sum += Double(s) * Double(s) }
        let rms = (sum / Double(prompt.samples.count)).squareRoot()
        return rms > 0 ? 20 * log10(rms / 32768) + 3.14 : -99
    }
}
