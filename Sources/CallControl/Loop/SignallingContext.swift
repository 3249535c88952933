/// The signalling thread's own state, handed to every job: the backends it runs and call
/// control's timers. Used on that thread only.
public final class SignallingContext {
    /// The backends, in the order they were added.
    public internal(set) var backends: [any SignallingBackend] = []
    var stopRequested = false
    private let handler: (SignallingContext, String, SignallingIndication) -> Void
    private var timers: [(id: Int, deadline: ContinuousClock.Instant, action: () -> Void)] = []
    private var nextTimerID = 0

    init(handler: @escaping (SignallingContext, String, SignallingIndication) -> Void) {
        self.handler = handler
    }

    /// The backend called `name`.
    public func backend(named name: String) -> (any SignallingBackend)? {
        backends.first { $0.name == name }
    }

    func add(_ backend: any SignallingBackend) throws(CallControlError) {
        guard self.backend(named: backend.name) == nil else {
            throw CallControlError("add signalling backend \(backend.name)", "a backend of that name already runs")
        }
        let name = backend.name
        try backend.start { [unowned self] indication in
            self.handler(self, name, indication)
        }
        backends.append(backend)
    }

    /// Stop and remove the backend called `name`.
    public func remove(named name: String, cause: Q850Cause) {
        guard let index = backends.firstIndex(where: { $0.name == name }) else { return }
        backends[index].stop(cause: cause)
        backends.remove(at: index)
    }

    /// Run `action` on this thread at `deadline`; returns an id for `cancelTimer`.
    @discardableResult
    public func schedule(at deadline: ContinuousClock.Instant, _ action: @escaping () -> Void) -> Int {
        nextTimerID += 1
        timers.append((nextTimerID, deadline, action))
        return nextTimerID
    }

    public func cancelTimer(_ id: Int) {
        timers.removeAll { $0.id == id }
    }

    func millisecondsUntilNextDeadline() -> Int32 {
        var earliest = timers.map(\.deadline).min()
        for backend in backends {
            if let d = backend.nextDeadline(), earliest.map({ d < $0 }) ?? true { earliest = d }
        }
        guard let earliest else { return 1000 }
        let wait = ContinuousClock.now.duration(to: earliest)
        if wait <= .zero { return 0 }
        let (seconds, attoseconds) = wait.components
        let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(min(ms, 1000))
    }

    func runDueTimers() {
        let now = ContinuousClock.now
        for backend in backends {
            if let d = backend.nextDeadline(), d <= now { backend.runTimers() }
        }
        let due = timers.filter { $0.deadline <= now }
        guard !due.isEmpty else { return }
        timers.removeAll { $0.deadline <= now }
        for timer in due.sorted(by: { $0.deadline < $1.deadline }) { timer.action() }
    }
}
