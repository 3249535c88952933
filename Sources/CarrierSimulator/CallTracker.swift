import CallControl

/// What the simulator has seen of each call, fed from call control's event stream, with waiters
/// for the moments a script waits for (answer, release).
actor CallTracker {
    struct Seen {
        var answeredAt: ContinuousClock.Instant?
        var released: CallLeg?
        var dtmf = ""
        var tones: [String] = []
    }

    enum Moment { case answer, release }

    private var seen: [CallID: Seen] = [:]
    private var waiters: [CallID: [(Moment, CheckedContinuation<Bool, Never>)]] = [:]
    private(set) var offered: [CallLeg] = []
    private var offerWaiters: [CheckedContinuation<CallLeg?, Never>] = []

    func record(_ event: CallEvent) {
        switch event {
        case let .answered(id):
            seen[id, default: Seen()].answeredAt = .now
            wake(id, .answer, true)
        case let .released(leg):
            seen[leg.id, default: Seen()].released = leg
            wake(leg.id, .answer, false)
            wake(leg.id, .release, true)
        case let .dtmf(id, digit, _):
            seen[id, default: Seen()].dtmf.append(digit)
        case let .tone(id, tone):
            seen[id, default: Seen()].tones.append(tone)
        case let .offered(leg):
            offered.append(leg)
        default:
            break
        }
    }

    func state(of id: CallID) -> Seen { seen[id] ?? Seen() }

    func forget(_ id: CallID) { seen[id] = nil }

    /// Wait until `moment` happens to `id`, or `timeout` passes; true when it happened.
    func wait(for moment: Moment, of id: CallID, timeout: Duration) async -> Bool {
        let s = seen[id]
        switch moment {
        case .answer:
            if s?.answeredAt != nil { return true }
            if s?.released != nil { return false }
        case .release:
            if s?.released != nil { return true }
        }
        return await withCheckedContinuation { continuation in
            waiters[id, default: []].append((moment, continuation))
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.timeOut(id, moment)
            }
        }
    }

    private func timeOut(_ id: CallID, _ moment: Moment) {
        wake(id, moment, false)
    }

    private func wake(_ id: CallID, _ moment: Moment, _ result: Bool) {
        guard var list = waiters[id] else { return }
        list.removeAll { entry in
            guard entry.0 == moment else { return false }
            entry.1.resume(returning: result)
            return true
        }
        waiters[id] = list.isEmpty ? nil : list
    }
}
