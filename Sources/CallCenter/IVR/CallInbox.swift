import CallControl
import Synchronization

/// The events of one call for the application holding it, in the order call control reported
/// them, with a timed wait: what an IVR session reads its caller's keys, prompt ends and hang-up
/// from. `deliver` never waits, so the daemon's event loop is never held up by a session.
final class CallInbox: Sendable {
    private struct State {
        var queue: [CallEvent] = []
        var waiter: CheckedContinuation<CallEvent?, Never>?
        var waitNumber = 0
    }

    private let state = Mutex(State())

    func deliver(_ event: CallEvent) {
        let waiter = state.withLock { s -> CheckedContinuation<CallEvent?, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.queue.append(event)
            return nil
        }
        waiter?.resume(returning: event)
    }

    /// The next event, or nil when none came within `timeout`.
    func next(timeout: Duration) async -> CallEvent? {
        await withCheckedContinuation { continuation in
            let (ready, number) = state.withLock { s -> (CallEvent?, Int) in
                if !s.queue.isEmpty { return (s.queue.removeFirst(), 0) }
                s.waitNumber += 1
                s.waiter = continuation
                return (nil, s.waitNumber)
            }
            if let ready {
                continuation.resume(returning: ready)
                return
            }
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(number)
            }
        }
    }

    private func expire(_ number: Int) {
        let waiter = state.withLock { s -> CheckedContinuation<CallEvent?, Never>? in
            guard number == s.waitNumber, let w = s.waiter else { return nil }
            s.waiter = nil
            return w
        }
        waiter?.resume(returning: nil)
    }
}
