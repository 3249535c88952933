import Dispatch
import Foundation
import Synchronization

/// The worker thread that drains every registered session's ring into its file: it wakes every
/// `pollMilliseconds`, writes what is waiting, refreshes each file's header every
/// `headerUpdateSeconds` (so a crash loses at most that much once the file is repaired), closes
/// finished sessions and posts `RecordingClosed` for the owner to collect with `nextClosed()`.
///
/// A plain thread, not Swift concurrency: libsndfile blocks on the disk. Add each session to
/// one writer, once. The running thread keeps the writer alive: call `stop()` to end it.
///
/// After a crash, WAV recordings are fixed with `RecordingRepair.repairWAV`; an MP3 recording
/// is readable as it stands up to the encoder's last full frame (its Xing header is only
/// written at close, so its length is estimated by decoders).
public final class RecordingWriter: @unchecked Sendable {
    private let pollMilliseconds: Int
    private let headerUpdateNanoseconds: UInt64
    /// Sessions added and not yet taken by the thread.
    private let incoming = Mutex<[RecordingSession]>([])
    /// Closed notifications not yet collected, oldest first.
    private let closed = Mutex<[RecordingClosed]>([])
    /// The running thread's exit signal; nil while stopped.
    private let running = Mutex<DispatchSemaphore?>(nil)
    private let stopRequested = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    /// Sessions being written: the worker thread's alone while it runs.
    private var active: [RecordingSession] = []

    public init(pollMilliseconds: Int = 20, headerUpdateSeconds: Int = 1) {
        self.pollMilliseconds = max(1, pollMilliseconds)
        headerUpdateNanoseconds = UInt64(max(0, headerUpdateSeconds)) * 1_000_000_000
    }

    /// Start the worker thread; does nothing if it is already running.
    public func start() {
        running.withLock { exited in
            guard exited == nil else { return }
            stopRequested.store(false, ordering: .releasing)
            let done = DispatchSemaphore(value: 0)
            exited = done
            let thread = Thread { [self] in
                run()
                done.signal()
            }
            thread.name = "pstn-recorder"
            thread.start()
        }
    }

    /// Stop: write what every ring holds, close every file (finished or not, added before the
    /// call), post their `RecordingClosed`, and join the thread.
    public func stop() {
        running.withLock { exited in
            guard let done = exited else { return }
            stopRequested.store(true, ordering: .releasing)
            wake.signal()
            done.wait()
            exited = nil
        }
    }

    /// Register a session; the thread picks it up at its next wake-up. Off the hot path (locks).
    public func add(_ session: RecordingSession) {
        incoming.withLock { $0.append(session) }
    }

    /// The oldest closed notification not yet collected, or nil.
    public func nextClosed() -> RecordingClosed? {
        closed.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }

    // MARK: - The worker thread

    private func run() {
        while true {
            let stopping = stopRequested.load(ordering: .acquiring)
            let added = incoming.withLock { list in
                defer { list.removeAll() }
                return list
            }
            let now = monotonicNanoseconds()
            for session in added { session.lastHeaderUpdate = now }
            active += added
            service(now: now, closingAll: stopping)
            if stopping { return }
            _ = wake.wait(timeout: .now() + .milliseconds(pollMilliseconds))
        }
    }

    /// One pass: write every session's audio, close the finished (or all), refresh due headers.
    private func service(now: UInt64, closingAll: Bool) {
        var closedNow: [RecordingClosed] = []
        active.removeAll { session in
            // Read the flag before draining: everything appended before finish() is then
            // visible to this drain.
            let finishing = closingAll || session.isFinishRequested
            if closingAll { session.finishRequested.store(true, ordering: .releasing) }
            session.drain()
            if finishing || session.failure != nil {
                closedNow.append(session.close())
                return true
            }
            if now &- session.lastHeaderUpdate >= headerUpdateNanoseconds {
                session.updateHeader(now: now)
            }
            return false
        }
        if !closedNow.isEmpty { closed.withLock { $0 += closedNow } }
    }
}

/// Nanoseconds on the monotonic clock.
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
