import Synchronization

/// The pause of a loop that works every so often and sooner when asked (the fax and campaign
/// schedulers): `wait(upTo:)` returns after the time, or as soon as `signal()` is called. A
/// signal while nobody waits is kept for the next wait, so none is lost.
///
/// (Waiting on an `AsyncStream` in a task group and cancelling the waiter when the timer wins
/// does not do this: cancelling an `AsyncStream`'s consumer finishes the stream, and every later
/// wait returns at once.)
final class LoopWakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    init() {}

    /// Wake the loop now, or at its next wait.
    func signal() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let w = s.waiter else {
                s.pending = true
                return nil
            }
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }

    /// Return after `duration`, or sooner if signalled (or if a signal came since the last wait).
    func wait(upTo duration: Duration) async {
        let timer = Task { [weak self] in
            do { try await Task.sleep(for: duration) } catch { return }
            self?.signal()
        }
        defer { timer.cancel() }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.pending {
                    s.pending = false
                    return true
                }
                s.waiter = c
                return false
            }
            if now { c.resume() }
        }
    }
}
