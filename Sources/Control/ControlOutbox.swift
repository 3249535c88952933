import Synchronization

/// The lines waiting to be written to one control client. Responses and events queue here; a
/// client that stops reading lets the queue grow until `limit` bytes, and is then cut off
/// (`overflowed`), so it cannot hold the daemon's memory or slow anyone else.
final class ControlOutbox: Sendable {
    let lines: AsyncStream<[UInt8]>
    private let continuation: AsyncStream<[UInt8]>.Continuation
    private let queued = Mutex<(bytes: Int, overflowed: Bool)>((0, false))
    let limit: Int
    /// Called once, when the queue overflows.
    private let onOverflow: @Sendable () -> Void

    init(limit: Int, onOverflow: @escaping @Sendable () -> Void) {
        (lines, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .unbounded)
        self.limit = limit
        self.onOverflow = onOverflow
    }

    /// Queue one line; false (and the client is cut off) when the queue is over its limit.
    @discardableResult
    func send(_ line: [UInt8]) -> Bool {
        let accepted = queued.withLock { q -> Bool? in
            if q.overflowed { return false }
            if q.bytes + line.count > limit {
                q.overflowed = true
                return nil
            }
            q.bytes += line.count
            return true
        }
        guard let accepted else {
            continuation.finish()
            onOverflow()
            return false
        }
        if accepted { continuation.yield(line) }
        return accepted
    }

    /// The writer took `count` bytes off the queue.
    func written(_ count: Int) {
        queued.withLock { $0.bytes -= count }
    }

    var overflowed: Bool { queued.withLock { $0.overflowed } }

    func finish() { continuation.finish() }
}
