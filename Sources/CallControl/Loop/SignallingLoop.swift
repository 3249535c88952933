import Glibc
import Synchronization

/// The signalling thread: every backend's descriptors on one `poll`, their timers, call
/// control's own timers, and jobs posted from other threads.
///
/// libpri and libss7 are not thread-safe per instance, so everything that touches a backend runs
/// here. Other threads reach it with `perform`, which queues a job and wakes the loop through a
/// self-pipe. Indications from backends go to the `handler` given at creation, on this thread.
public final class SignallingLoop: @unchecked Sendable {
    /// Work to run on the signalling thread.
    public typealias Job = @Sendable (SignallingContext) -> Void

    private let pending = Mutex<[Job]>([])
    /// A self-pipe: `perform` writes a byte, the loop polls the read end.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let running = Atomic<Bool>(false)
    private let context: SignallingContext
    private var thread: pthread_t?

    /// `handler` receives every backend's indications with the backend's name, on the loop thread.
    public init(handler: @escaping (SignallingContext, String, SignallingIndication) -> Void) throws(CallControlError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw CallControlError("create the signalling loop's wake-up pipe", String(cString: strerror(errno)))
        }
        for fd in ends {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = ends[0]
        wakeWrite = ends[1]
        context = SignallingContext(handler: handler)
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    /// Start the thread. Backends added before start are started on it first.
    public func start() throws(CallControlError) {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let box = Unmanaged.passRetained(self)
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { raw in
            let loop = Unmanaged<SignallingLoop>.fromOpaque(raw!).takeRetainedValue()
            loop.run()
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            running.store(false, ordering: .releasing)
            throw CallControlError("start the signalling thread", String(cString: strerror(rc)))
        }
        thread = tid
    }

    /// Stop every backend with `cause`, then the thread; returns when the thread has ended.
    public func stop(cause: Q850Cause = .normalUnspecified) {
        guard running.load(ordering: .acquiring), let thread else { return }
        perform { context in
            for backend in context.backends { backend.stop(cause: cause) }
            context.backends.removeAll()
            context.stopRequested = true
        }
        pthread_join(thread, nil)
        self.thread = nil
        running.store(false, ordering: .releasing)
    }

    /// Run `job` on the signalling thread, soon.
    public func perform(_ job: @escaping Job) {
        pending.withLock { $0.append(job) }
        var one: UInt8 = 1
        _ = write(wakeWrite, &one, 1)
    }

    /// Hand `backend` to the loop and start it there. Failures to start are reported through
    /// `failed` on the loop thread.
    public func add(_ backend: sending any SignallingBackend,
                    failed: @escaping @Sendable (CallControlError) -> Void = { _ in }) {
        let box = UncheckedBox(backend)
        perform { context in
            do throws(CallControlError) {
                try context.add(box.value)
            } catch {
                failed(error)
            }
        }
    }

    private func run() {
        var fds: [pollfd] = []
        var owners: [any SignallingBackend] = []
        while !context.stopRequested {
            fds.removeAll(keepingCapacity: true)
            owners.removeAll(keepingCapacity: true)
            fds.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            for backend in context.backends {
                for request in backend.pollRequests() {
                    fds.append(pollfd(fd: request.fd, events: request.events, revents: 0))
                    owners.append(backend)
                }
            }
            let timeout = context.millisecondsUntilNextDeadline()
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n < 0, errno != EINTR { break }
            if fds[0].revents != 0 {
                var drain = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
                while read(wakeRead, &drain, 32) == 32 {}
            }
            let jobs = pending.withLock { list -> [Job] in
                defer { list.removeAll(keepingCapacity: true) }
                return list
            }
            for job in jobs { job(context) }
            if n > 0 {
                for i in 1..<fds.count where fds[i].revents != 0 {
                    let backend = owners[i - 1]
                    guard context.backends.contains(where: { $0 === backend }) else { continue }
                    backend.handle(fd: fds[i].fd, events: fds[i].revents)
                }
            }
            context.runDueTimers()
        }
    }
}

/// Carries a value the type system cannot prove safe across threads, once, to the thread that
/// becomes its only user.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
