import Dispatch

/// Where the control server's tasks run: dispatch threads of their own rather than Swift's
/// cooperative pool, so that the socket answers operators even while other work holds every
/// thread of that pool (on a two-core server there are two).
final class ControlTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "pstn.control", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
