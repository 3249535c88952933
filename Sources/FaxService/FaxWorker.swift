import Foundation
import PSTNEngine

/// Runs fax sessions off the media thread (design section 3): each session has a thread of its
/// own that every tick feeds it what the line brought and keeps what it sends `lead` samples
/// ahead of the line, so the media loop only copies samples and never waits on T.30. A thread
/// per session, rather than one for all: the end of a page (decoding it, writing the TIFF) costs
/// milliseconds, and thirty faxes started together reach their page ends together; the kernel
/// then shares the cores among them instead of one session's page holding up every line.
public final class FaxWorker: @unchecked Sendable {
    /// One session's state; made by `run`, then used only by its own thread.
    private final class Job: @unchecked Sendable {
        let session: FaxSession
        let stream: AudioStream
        let deadline: ContinuousClock.Instant
        let done: CheckedContinuation<FaxOutcome, Never>
        let buffer = UnsafeMutablePointer<Int16>.allocate(capacity: 1024)
        var received = 0
        var sent = 0

        init(session: FaxSession, stream: AudioStream, deadline: ContinuousClock.Instant,
             done: CheckedContinuation<FaxOutcome, Never>) {
            self.session = session
            self.stream = stream
            self.deadline = deadline
            self.done = done
        }

        deinit { buffer.deallocate() }
    }

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopping = false
    /// Samples kept written ahead of the line.
    public let lead: Int
    private let priority: Int32?
    private let tick: TimeInterval

    /// `realtimePriority`: SCHED_FIFO priority of the session threads (nil: ordinary threads),
    /// below the media loop's: T.30 runs on the line's clock, and a session thread that other
    /// work holds up leaves the line silent.
    public init(leadSamples: Int = 1280, tickMilliseconds: Int = 10, realtimePriority: Int32? = nil) {
        priority = realtimePriority
        lead = leadSamples
        tick = Double(tickMilliseconds) / 1000
    }

    /// Sessions running now.
    public var active: Int { condition.withLock { jobs.count } }

    /// Run `session` over `stream` until T.30 ends, the stream is detached (the call ended) or
    /// `limit` passes; the outcome says which.
    public func run(_ session: FaxSession, over stream: AudioStream, limit: Duration = .seconds(3600)) async -> FaxOutcome {
        await withCheckedContinuation { continuation in
            let job = Job(session: session, stream: stream, deadline: .now + limit, done: continuation)
            // The first `lead` samples are written now, before the worker's next tick, so the
            // line does not start on silence.
            fill(job)
            let refused = condition.withLock {
                if stopping { return true }
                jobs.append(job)
                return false
            }
            if refused {
                finish(job, terminate: true)
                return
            }
            let t = Thread { [self] in serve(job) }
            t.name = "fax-session"
            t.start()
        }
    }

    /// End every session (as if its call dropped); sessions started later end at once.
    public func stop() {
        condition.withLock { stopping = true }
    }

    private func serve(_ job: Job) {
        if let priority {
            // Where the process may not (not root), the thread stays an ordinary one.
            var parameter = sched_param(sched_priority: priority)
            _ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameter)
        }
        var next = Date()
        while true {
            if condition.withLock({ stopping }) {
                finish(job, terminate: true)
                break
            }
            if step(job) { break }
            next = max(next.addingTimeInterval(tick), Date().addingTimeInterval(-tick))
            let wait = next.timeIntervalSinceNow
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
        condition.withLock { jobs.removeAll { $0 === job } }
    }

    /// One tick of one session; true when it has ended (and its caller was told).
    private func step(_ job: Job) -> Bool {
        let detached = job.stream.isDetached
        while true {
            let n = job.stream.fromLine.read(into: UnsafeMutableBufferPointer(start: job.buffer, count: 1024))
            if n == 0 { break }
            job.session.receive(UnsafeBufferPointer(start: job.buffer, count: n))
            job.received += n
            if job.session.isFinished { break }
        }
        if job.session.isFinished { return finish(job, terminate: false) }
        if detached || ContinuousClock.now > job.deadline { return finish(job, terminate: true) }
        fill(job)
        return false
    }

    /// Write what the session sends until it is `lead` samples ahead of what was received.
    private func fill(_ job: Job) {
        var wanted = job.received + lead - job.sent
        while wanted > 0 {
            let (a, _) = job.stream.toLine.writableRegions()
            let n = min(wanted, a.count)
            if n == 0 { break }
            job.session.transmit(into: UnsafeMutableBufferPointer(start: a.baseAddress, count: n))
            job.stream.toLine.commitWrite(n)
            job.sent += n
            wanted -= n
        }
    }

    @discardableResult
    private func finish(_ job: Job, terminate: Bool) -> Bool {
        if terminate { job.session.terminate() }
        var outcome = job.session.outcome
        outcome.underrunSamples = job.stream.underrunSamples
        job.done.resume(returning: outcome)
        return true
    }
}
