import Foundation
import PSTNEngine

/// Runs fax sessions off the media thread (design section 3): one thread serves every session
/// each tick, feeding it what the line brought and keeping what it sends `lead` samples ahead
/// of the line, so the media loop only copies samples and never waits on T.30.
public final class FaxWorker: @unchecked Sendable {
    private final class Job {
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
    private var thread: Thread?
    private var stopping = false
    /// Samples kept written ahead of the line.
    public let lead: Int
    private let tick: TimeInterval

    public init(leadSamples: Int = 480, tickMilliseconds: Int = 10) {
        lead = leadSamples
        tick = Double(tickMilliseconds) / 1000
    }

    /// Sessions running now.
    public var active: Int { condition.withLock { jobs.count } }

    /// Run `session` over `stream` until T.30 ends, the stream is detached (the call ended) or
    /// `limit` passes; the outcome says which.
    public func run(_ session: FaxSession, over stream: AudioStream, limit: Duration = .seconds(3600)) async -> FaxOutcome {
        await withCheckedContinuation { continuation in
            condition.withLock {
                jobs.append(Job(session: session, stream: stream, deadline: .now + limit, done: continuation))
                if thread == nil {
                    let t = Thread { [weak self] in self?.serve() }
                    t.name = "fax-worker"
                    thread = t
                    t.start()
                }
                condition.signal()
            }
        }
    }

    /// End every session (as if its call dropped) and the thread.
    public func stop() {
        condition.withLock {
            stopping = true
            condition.signal()
        }
    }

    private func serve() {
        var next = Date()
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            let current = jobs
            let ending = stopping
            condition.unlock()
            if ending {
                for job in current { finish(job, terminate: true) }
                condition.withLock { jobs.removeAll(); thread = nil }
                return
            }
            var finished: [ObjectIdentifier] = []
            for job in current where step(job) {
                finished.append(ObjectIdentifier(job))
            }
            if !finished.isEmpty {
                condition.withLock { jobs.removeAll { finished.contains(ObjectIdentifier($0)) } }
            }
            next = max(next.addingTimeInterval(tick), Date().addingTimeInterval(-tick))
            let wait = next.timeIntervalSinceNow
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
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
        return false
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
