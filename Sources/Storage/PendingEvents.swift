import CallControl
import Synchronization

/// The hand-over between the threads that report call events and the recorder's writer: adding
/// never waits for the database, and the writer takes everything queued in one go.
final class PendingEvents: Sendable {
    enum Item: Sendable {
        case event(CallEvent, at: WallTime)
        case ivrStep(IVRStepRecord)
        case queueLog(QueueLogRecord)
        case agentLog(AgentLogRecord)
        case survey(SurveyRecord)
        /// Resumed once everything queued before it is written.
        case barrier(CheckedContinuation<Void, Never>)
    }

    private struct Queue {
        var items: [Item] = []
        var stopped = false
    }

    private let queue = Mutex(Queue())
    private let wakeup: AsyncStream<Void>.Continuation
    /// Yields once for any number of additions since the writer last looked.
    let signals: AsyncStream<Void>

    init() {
        (signals, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues an item; false once the recorder has stopped.
    @discardableResult
    func add(_ item: Item) -> Bool {
        let accepted = queue.withLock { q in
            guard !q.stopped else { return false }
            q.items.append(item)
            return true
        }
        if accepted { wakeup.yield() }
        return accepted
    }

    func takeAll() -> [Item] {
        queue.withLock { q in
            defer { q.items.removeAll(keepingCapacity: true) }
            return q.items
        }
    }

    /// Refuses further items and ends the signals once the writer has taken what is queued.
    func stop() {
        queue.withLock { $0.stopped = true }
        wakeup.finish()
    }
}
