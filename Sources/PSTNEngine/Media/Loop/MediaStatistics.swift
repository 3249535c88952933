import Synchronization

/// Counters a media loop keeps while it runs, readable from any thread.
public final class MediaStatistics: Sendable {
    let cycles = Atomic<Int>(0)
    let deadlineMisses = Atomic<Int>(0)
    let lastCycleNanoseconds = Atomic<Int>(0)
    let longestCycleNanoseconds = Atomic<Int>(0)
    let busyNanoseconds = Atomic<Int>(0)
    let readErrors = Atomic<Int>(0)
    let writeErrors = Atomic<Int>(0)
    let eventPendingReads = Atomic<Int>(0)
    let commandsRefused = Atomic<Int>(0)
    let realtime = Atomic<Bool>(false)

    init() {}

    /// Account one cycle that took `nanoseconds` of work against a period of `period`.
    func record(cycleNanoseconds nanoseconds: Int, period: Int) -> Bool {
        cycles.add(1, ordering: .relaxed)
        lastCycleNanoseconds.store(nanoseconds, ordering: .relaxed)
        busyNanoseconds.add(nanoseconds, ordering: .relaxed)
        if nanoseconds > longestCycleNanoseconds.load(ordering: .relaxed) {
            longestCycleNanoseconds.store(nanoseconds, ordering: .relaxed)
        }
        guard nanoseconds > period else { return false }
        deadlineMisses.add(1, ordering: .relaxed)
        return true
    }

    /// The counters now.
    public var snapshot: MediaStatisticsSnapshot {
        MediaStatisticsSnapshot(
            cycles: cycles.load(ordering: .relaxed), deadlineMisses: deadlineMisses.load(ordering: .relaxed),
            lastCycleNanoseconds: lastCycleNanoseconds.load(ordering: .relaxed),
            longestCycleNanoseconds: longestCycleNanoseconds.load(ordering: .relaxed),
            busyNanoseconds: busyNanoseconds.load(ordering: .relaxed),
            readErrors: readErrors.load(ordering: .relaxed), writeErrors: writeErrors.load(ordering: .relaxed),
            eventPendingReads: eventPendingReads.load(ordering: .relaxed),
            commandsRefused: commandsRefused.load(ordering: .relaxed), realtime: realtime.load(ordering: .relaxed))
    }
}

/// A copy of a media loop's counters at one moment.
public struct MediaStatisticsSnapshot: Sendable, Equatable {
    public var cycles: Int
    /// Cycles whose work took longer than one chunk period.
    public var deadlineMisses: Int
    public var lastCycleNanoseconds: Int
    public var longestCycleNanoseconds: Int
    /// Time spent working (not waiting) since the start.
    public var busyNanoseconds: Int
    public var readErrors: Int
    public var writeErrors: Int
    /// Reads that met a pending DAHDI event (left for the signalling side to take).
    public var eventPendingReads: Int
    /// Commands refused because the group's queue was full (each one lost).
    public var commandsRefused: Int
    /// Whether the loop got the SCHED_FIFO priority it asked for.
    public var realtime: Bool

    public init(cycles: Int = 0, deadlineMisses: Int = 0, lastCycleNanoseconds: Int = 0, longestCycleNanoseconds: Int = 0,
                busyNanoseconds: Int = 0, readErrors: Int = 0, writeErrors: Int = 0, eventPendingReads: Int = 0,
                commandsRefused: Int = 0, realtime: Bool = false) {
        self.cycles = cycles
        self.deadlineMisses = deadlineMisses
        self.lastCycleNanoseconds = lastCycleNanoseconds
        self.longestCycleNanoseconds = longestCycleNanoseconds
        self.busyNanoseconds = busyNanoseconds
        self.readErrors = readErrors
        self.writeErrors = writeErrors
        self.eventPendingReads = eventPendingReads
        self.commandsRefused = commandsRefused
        self.realtime = realtime
    }
}
