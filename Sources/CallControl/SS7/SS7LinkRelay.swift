import Glibc

/// Puts an `SS7FrameGuard` between one signalling link and libss7: libss7 gets its own end of a
/// socketpair (which keeps frame boundaries, as DAHDI's HDLC channels do), and the relay moves
/// frames between that pair and the link, dropping what the guard refuses. Runs on the
/// signalling thread with the linkset.
final class SS7LinkRelay {
    /// The link itself: a DAHDI HDLC channel (or, in tests, a socket to the far end).
    let wire: Int32
    /// The descriptor libss7 reads and writes.
    let library: Int32
    private let inner: Int32
    private var frameGuard: SS7FrameGuard
    /// Frames libss7 sent that the link had no room for yet.
    private var toWire: [[UInt8]] = []
    private static let wireQueueLimit = 64
    private var buffer = [UInt8](repeating: 0, count: 1024)
    private(set) var dropped = 0
    private var droppedSinceReport = 0
    private var lastReport: ContinuousClock.Instant?
    /// Told of dropped frames: the first at once, then at most one summary every 5 s.
    var report: (String) -> Void = { _ in }
    /// Told of every frame crossing (`received` true: from the far end), for capture.
    var capture: (_ frame: ArraySlice<UInt8>, _ received: Bool) -> Void = { _, _ in }

    init(wire: Int32, guard frameGuard: SS7FrameGuard) throws(CallControlError) {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue), 0, &pair) == 0 else {
            throw CallControlError("make the frame relay of an SS7 link", String(cString: strerror(errno)))
        }
        for fd in pair { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        // A small send buffer on libss7's side paces it by the link, as DAHDI's buffers would.
        var size: Int32 = 4096
        _ = setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        self.wire = wire
        library = pair[0]
        inner = pair[1]
        self.frameGuard = frameGuard
    }

    deinit {
        close(library)
        close(inner)
    }

    /// What to poll: the link for frames (and room, when frames wait), our end for libss7's
    /// frames while the link can take them.
    var pollRequests: [PollRequest] {
        [PollRequest(fd: wire, events: Int16(POLLIN) | Int16(POLLPRI) | (toWire.isEmpty ? 0 : Int16(POLLOUT))),
         PollRequest(fd: inner, events: toWire.count < Self.wireQueueLimit ? Int16(POLLIN) : 0)]
    }

    /// Move what is ready; false when `fd` is not one of the relay's.
    func handle(fd: Int32, events: Int16) -> Bool {
        if fd == wire {
            if events & Int16(POLLOUT) != 0 { flushToWire() }
            if events & Int16(POLLIN) != 0 { fromWire() }
            return true
        }
        if fd == inner {
            if events & Int16(POLLIN) != 0 { fromLibrary() }
            return true
        }
        return false
    }

    /// The link went into alarm: what waited for it is stale.
    func linkFailed() {
        toWire.removeAll()
    }

    private func fromWire() {
        for _ in 0..<64 {
            let n = buffer.withUnsafeMutableBytes { read(wire, $0.baseAddress, $0.count) }
            guard n > 0 else { return }
            let frame = buffer[0..<n]
            capture(frame, true)
            switch frameGuard.received(frame) {
            case .pass:
                _ = frame.withUnsafeBytes { send(inner, $0.baseAddress, n, Int32(MSG_DONTWAIT)) }
            case let .drop(why):
                dropped += 1
                noteDrop(why)
            }
        }
    }

    private func fromLibrary() {
        for _ in 0..<64 where toWire.count < Self.wireQueueLimit {
            let n = buffer.withUnsafeMutableBytes { recv(inner, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard n > 0 else { return }
            let frame = buffer[0..<n]
            frameGuard.sent(frame)
            capture(frame, false)
            if toWire.isEmpty, frame.withUnsafeBytes({ write(wire, $0.baseAddress, n) }) == n { continue }
            toWire.append(Array(frame))
        }
    }

    private func flushToWire() {
        while let first = toWire.first {
            guard first.withUnsafeBytes({ write(wire, $0.baseAddress, $0.count) }) == first.count else { return }
            toWire.removeFirst()
        }
    }

    private func noteDrop(_ why: String) {
        droppedSinceReport += 1
        let now = ContinuousClock.now
        if let last = lastReport, now - last < .seconds(5) { return }
        report(droppedSinceReport == 1 ? "dropped a frame from the far end: \(why)"
                                       : "dropped \(droppedSinceReport) frames from the far end, the last: \(why)")
        droppedSinceReport = 0
        lastReport = now
    }
}
