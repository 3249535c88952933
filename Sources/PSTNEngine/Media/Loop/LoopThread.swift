import Glibc
import Synchronization

/// A plain POSIX thread for a loop that must not run on Swift's cooperative pool: started with
/// a body, optionally at SCHED_FIFO priority, joined on `join`.
final class LoopThread: @unchecked Sendable {
    private var handle = pthread_t()
    private let body: () -> Void
    private let priority: Int32?
    private let name: String
    /// Whether SCHED_FIFO was granted.
    let realtime = Atomic<Bool>(false)

    init(name: String, priority: Int32?, body: @escaping () -> Void) {
        self.name = name
        self.priority = priority
        self.body = body
    }

    func start() throws(MediaError) {
        let box = Unmanaged.passRetained(self)
        let rc = pthread_create(&handle, nil, { raw in
            let me = Unmanaged<LoopThread>.fromOpaque(raw!).takeRetainedValue()
            me.enter()
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            throw MediaError(operation: "starting thread \(name)", subject: name, reason: String(cString: strerror(rc)))
        }
    }

    private func enter() {
        if let p = priority {
            var param = sched_param(sched_priority: p)
            realtime.store(pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0, ordering: .relaxed)
        }
        body()
    }

    func join() {
        pthread_join(handle, nil)
    }
}
