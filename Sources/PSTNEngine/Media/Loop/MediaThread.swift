import CDAHDI
import Glibc
import Synchronization

/// A media group served by its own thread over DAHDI: each pass waits until channels have a
/// chunk (poll), reads every ready channel, runs the group's cycle, and writes the output. A
/// pass whose work takes longer than one chunk period is a deadline miss.
public final class MediaThread: @unchecked Sendable {
    public let group: MediaGroup
    private let lines: [DAHDIChannel?]
    private let running = Atomic<Bool>(false)
    private var thread: LoopThread?

    /// Prepare the channels (block size and buffers of one chunk, non-blocking I/O) and the group.
    public init(index: Int = 0, channels: [MediaChannelConfiguration], settings: MediaSettings) throws(MediaError) {
        group = try MediaGroup(index: index, channels: channels, settings: settings)
        lines = channels.map(\.line)
        for c in channels {
            guard let line = c.line else { continue }
            do {
                try line.setBlockSize(settings.chunkSamples)
                try line.setBuffers(count: settings.dahdiBuffers, size: settings.chunkSamples * line.bytesPerSample)
            } catch {
                throw MediaError(operation: "preparing channel for media", subject: c.name, reason: error.description)
            }
            let flags = fcntl(line.fileDescriptor, F_GETFL)
            guard flags >= 0, fcntl(line.fileDescriptor, F_SETFL, flags | O_NONBLOCK) == 0 else {
                throw MediaError(operation: "making channel non-blocking", subject: c.name,
                                 reason: String(cString: strerror(errno)))
            }
        }
    }

    public var statistics: MediaStatistics { group.statistics }



    public func start() throws(MediaError) {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let t = LoopThread(name: "media-\(group.index)", priority: group.settings.realtimePriority) { [self] in
            run()
        }
        do { try t.start() } catch {
            running.store(false, ordering: .releasing)
            throw error
        }
        thread = t
    }

    /// Stop the loop and wait for it (within two chunk periods).
    public func stop() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        thread?.join()
        if let t = thread { group.statistics.realtime.store(t.realtime.load(ordering: .relaxed), ordering: .relaxed) }
        thread = nil
    }

    deinit { stop() }

    /// The loop. It waits on one channel (the pilot): every span of a card runs on one clock,
    /// so when the pilot has a chunk the others have theirs, and polling one descriptor instead
    /// of hundreds keeps each pass cheap. Channels that start are aligned to the pilot by
    /// flushing their receive buffer as the pilot's chunk arrives; a channel a tick late is
    /// waited for briefly so that conferences mix chunks of the same instant.
    private func run() {
        let channels = group.channels
        let count = channels.count
        let chunk = group.settings.chunkSamples
        let period = chunk * 125_000
        // Longer than a chunk: a pass never starts before the pilot's chunk is due.
        let timeout = Int32(chunk / 8 + 5)
        let cushion = group.settings.cushionSamples
        let polls = UnsafeMutablePointer<pollfd>.allocate(capacity: max(1, count))
        polls.initialize(repeating: pollfd(fd: -1, events: Int16(POLLIN), revents: 0), count: max(1, count))
        let late = UnsafeMutablePointer<Int>.allocate(capacity: max(1, count))
        defer {
            polls.deallocate()
            late.deallocate()
        }
        let stats = group.statistics
        var lastMissEvent = 0
        var pilot = -1
        while running.load(ordering: .relaxed) {
            // The commands are carried out while the chunk is on its way; their time counts
            // toward the cycle's work, which has to fit in the period.
            let commandsStarted = MonotonicClock.now()
            group.takeCommands()
            let commandTime = MonotonicClock.now() - commandsStarted
            pilot = choosePilot(from: pilot)
            guard pilot >= 0 else {
                // Nothing is running yet: start the newcomers (they align among themselves).
                var started = false
                for i in 0..<count where channels[i].isActive && channels[i].needsCushion {
                    start(channels[i], line: lines[i])
                    channels[i].startedThisPass = false
                    writeCushion(channels[i], cushion, chunk)
                    started = true
                }
                if !started { MonotonicClock.sleep(until: MonotonicClock.now() + period) }
                continue
            }
            var wait = pollfd(fd: channels[pilot].fileDescriptor, events: Int16(POLLIN), revents: 0)
            if poll(&wait, 1, timeout) == 0 {
                // The pilot's line has stopped (a pulled card, a stopped clock): lead with another.
                pilot = choosePilot(from: pilot + 1)
            }
            let started = MonotonicClock.now()
            // Newcomers first and together, so that their chunks start as close as can be.
            for i in 0..<count where channels[i].isActive && channels[i].needsCushion {
                start(channels[i], line: lines[i])
            }
            var lateCount = 0
            for i in 0..<count {
                let ch = channels[i]
                ch.ready = false
                guard ch.isActive, ch.fileDescriptor >= 0, !ch.startedThisPass else { continue }
                if readChunk(ch, chunk, stats) == EAGAIN && ch.stalledPasses < 3 {
                    late[lateCount] = i
                    lateCount += 1
                }
            }
            var waited = 0
            if lateCount > 0 {
                let before = MonotonicClock.now()
                // The channel whose chunk came last leads from now on: its chunks end after the
                // others', so waking on it finds everyone's chunk there and nobody is waited for.
                let lastReady = waitForLate(late, lateCount, polls, chunk, stats, until: before + max(2_000_000, period / 2))
                if lastReady >= 0 { pilot = lastReady }
                waited = MonotonicClock.now() - before
            }
            group.processCycle()
            for i in 0..<count where channels[i].startedThisPass {
                channels[i].startedThisPass = false
                writeCushion(channels[i], cushion, chunk)
            }
            for i in 0..<count where channels[i].ready {
                let ch = channels[i]
                if write(ch.fileDescriptor, ch.lineOut, chunk) != chunk {
                    stats.writeErrors.add(1, ordering: .relaxed)
                }
            }
            let finished = MonotonicClock.now()
            if stats.record(cycleNanoseconds: commandTime + finished - started - waited, period: period), finished - lastMissEvent > 1_000_000_000 {
                lastMissEvent = finished
                group.sink.post(-1, .deadlineMissed(total: Int32(clamping: stats.deadlineMisses.load(ordering: .relaxed))))
            }
        }
        withExtendedLifetime(lines) {}
    }

    /// A channel's first pass: drop what it received before the call (its chunks now start at
    /// this instant, in step with the others). Its cushion of silence is written with this
    /// pass's output, so that flushes and reads keep the same spacing from channel to channel.
    private func start(_ ch: MediaChannel, line: DAHDIChannel?) {
        ch.needsCushion = false
        ch.startedThisPass = true
        try? line?.flush(Int32(DAHDI_FLUSH_READ | DAHDI_FLUSH_WRITE))
    }

    /// Write the cushion, a block at a time as DAHDI takes it, and tell the channel how much
    /// went out (its echo canceller lines up on it).
    private func writeCushion(_ ch: MediaChannel, _ cushion: Int, _ chunk: Int) {
        var written = 0
        while written < cushion {
            let n = write(ch.fileDescriptor, ch.cushion, min(chunk, cushion - written))
            guard n > 0 else { break }
            written += n
        }
        ch.wroteAhead(written)
    }

    /// The first active channel from `start` on (wrapping) that can lead the loop, or -1.
    private func choosePilot(from start: Int) -> Int {
        let channels = group.channels
        let count = channels.count
        guard count > 0 else { return -1 }
        let first = start < 0 ? 0 : start % count
        for k in 0..<count {
            let i = (first + k) % count
            let ch = channels[i]
            if ch.isActive, !ch.eventPending, !ch.needsCushion, ch.fileDescriptor >= 0 { return i }
        }
        return -1
    }

    /// Read one chunk; returns 0 on success or the errno that stopped it.
    private func readChunk(_ ch: MediaChannel, _ chunk: Int, _ stats: MediaStatistics) -> Int32 {
        let got = read(ch.fileDescriptor, ch.lineIn, chunk)
        if got == chunk {
            ch.ready = true
            ch.eventPending = false
            ch.stalledPasses = 0
            return 0
        }
        let error = got < 0 ? errno : EIO
        if error == DAHDIErrno.eventPending {
            if !ch.eventPending { stats.eventPendingReads.add(1, ordering: .relaxed) }
            ch.eventPending = true
        } else if error == EAGAIN {
            ch.stalledPasses += 1
        } else {
            stats.readErrors.add(1, ordering: .relaxed)
        }
        return error
    }

    /// Wait (until `deadline`) for channels whose chunk was not there yet, reading each as it
    /// comes, so that the pass mixes chunks of the same instant. Channels still without one are
    /// left for the next pass and, after a few passes, no longer waited for.
    /// Returns the channel whose chunk came last, or -1 if none came.
    private func waitForLate(_ late: UnsafeMutablePointer<Int>, _ lateCount: Int, _ polls: UnsafeMutablePointer<pollfd>,
                             _ chunk: Int, _ stats: MediaStatistics, until deadline: Int) -> Int {
        let channels = group.channels
        var remaining = lateCount
        var lastReady = -1
        while remaining > 0 {
            let left = deadline - MonotonicClock.now()
            guard left > 0 else { return lastReady }
            for k in 0..<remaining {
                polls[k] = pollfd(fd: channels[late[k]].fileDescriptor, events: Int16(POLLIN), revents: 0)
            }
            _ = poll(polls, nfds_t(remaining), Int32(max(1, left / 1_000_000)))
            var kept = 0
            for k in 0..<remaining {
                let i = late[k]
                if polls[k].revents & Int16(POLLIN) != 0, readChunk(channels[i], chunk, stats) == 0 {
                    lastReady = i
                    continue
                }
                late[kept] = i
                kept += 1
            }
            remaining = kept
        }
        return lastReady
    }
}
