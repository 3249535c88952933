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
        var handedOff = false
    }

    private let state = Mutex(State())

    /// Whether another application has taken the call (a fax machine was heard): the session
    /// holding it stops at once and must not touch the call again.
    var isHandedOff: Bool { state.withLock { $0.handedOff } }

    /// Give the call to another application: a wait in progress ends now, later ones at once.
    func handOff() {
        let waiter = state.withLock { s -> CheckedContinuation<CallEvent?, Never>? in
            s.handedOff = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

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
            let (ready, number, over) = state.withLock { s -> (CallEvent?, Int, Bool) in
                if s.handedOff { return (nil, 0, true) }
                if !s.queue.isEmpty { return (s.queue.removeFirst(), 0, false) }
                s.waitNumber += 1
                s.waiter = continuation
                return (nil, s.waitNumber, false)
            }
            if over {
                continuation.resume(returning: nil)
                return
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
