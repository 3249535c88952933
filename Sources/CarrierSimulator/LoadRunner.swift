import CallControl
import Glibc

/// Places calls at the profile's rate up to its concurrency ceiling, holds each answered call,
/// and accounts for every attempt.
struct LoadRunner {
    let profile: LoadProfile
    /// The trunk group the calls go out on (the profile's trunk's group, so every span of it is hunted).
    let group: String
    let calls: CallControl
    let tracker: CallTracker

    private actor Tally {
        var report = LoadReport()
        var latencies: [Double] = []
        var active = 0
        func begin() -> Bool {
            guard active < limit else {
                report.skipped += 1
                return false
            }
            active += 1
            report.attempts += 1
            return true
        }
        func answered(latencyMs: Double) {
            report.answered += 1
            latencies.append(latencyMs)
        }
        func failed(_ cause: Q850Cause?) {
            report.failed += 1
            report.failuresByCause[cause.map { "\($0.rawValue) \($0.name)" } ?? "no cause", default: 0] += 1
        }
        func end() { active -= 1 }
        let limit: Int
        init(limit: Int) { self.limit = limit }
        func finish(seconds: Double) -> LoadReport {
            var r = report
            r.unfinished = active
            r.setupLatencyMs = LoadReport.Percentiles(latencies)
            r.seconds = seconds
            return r
        }
    }

    func run() async -> LoadReport {
        let tally = Tally(limit: profile.concurrent)
        let start = ContinuousClock.now
        let interval = 1.0 / profile.rate
        let total = Int((profile.seconds * profile.rate).rounded())
        let group = self.group
        await withTaskGroup(of: Void.self) { tasks in
            for k in 0..<total {
                let due = start + .milliseconds(Int(Double(k) * interval * 1000))
                try? await Task.sleep(until: due, clock: .continuous)
                guard await tally.begin() else { continue }
                tasks.addTask {
                    await attempt(number: k, tally: tally, group: group)
                    await tally.end()
                }
            }
            // Every attempt ends by itself: answer within 30 s or release, then the hold time.
            for await _ in tasks {}
        }
        let elapsed = start.duration(to: .now)
        return await tally.finish(seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    private func attempt(number k: Int, tally: Tally, group: String) async {
        var setup = CallSetup(calling: profile.calling.map { PartyNumber($0) }, called: PartyNumber(profile.calledNumber(attempt: k)))
        setup.numberComplete = true
        let placed = ContinuousClock.now
        let id: CallID
        do {
            id = try await calls.place(trunkGroup: group, setup: setup)
        } catch {
            await tally.failed(error.cause)
            return
        }
        if await tracker.wait(for: .answer, of: id, timeout: .seconds(30)) {
            let d = placed.duration(to: .now)
            await tally.answered(latencyMs: Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
            let hold = (profile.hold ?? HoldTime(fixed: 1)).draw(Double.random(in: 0..<1))
            if !(await tracker.wait(for: .release, of: id, timeout: .milliseconds(Int(hold * 1000)))) {
                try? await calls.release(id, cause: .normalClearing)
                _ = await tracker.wait(for: .release, of: id, timeout: .seconds(10))
            }
        } else {
            let seen = await tracker.state(of: id)
            if seen.released == nil {
                try? await calls.release(id, cause: .noAnswer)
                _ = await tracker.wait(for: .release, of: id, timeout: .seconds(10))
            }
            await tally.failed(await tracker.state(of: id).released?.cause ?? .noAnswer)
        }
        await tracker.forget(id)
    }
}
