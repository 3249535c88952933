import Dispatch

/// Where one control session's tasks run: a serial dispatch queue of its own rather than Swift's
/// cooperative pool, so that the socket answers operators even while other work holds every
/// thread of that pool (on a two-core server there are two), and a command that blocks (a fax
/// document being rendered) holds up only its own session. Serial queues always get a thread.
final class ControlTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
