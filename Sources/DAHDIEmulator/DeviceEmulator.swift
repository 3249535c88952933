import CDAHDI
import Foundation
import Glibc

/// The userspace DAHDI: the emulated cards of a lab, the device files' semantics, and the 1 ms
/// clock that moves audio and frames across the cables. The FUSE adapter and the fault socket
/// call into it; all state is guarded by one lock.
public final class DeviceEmulator: @unchecked Sendable {
    let lock = EmulatorLock()
    let lab: LabDescription
    var spans: [EmulatedSpan] = []
    var channels: [Int: EmulatedChannel] = [:]
    var cables: [String: EmulatedCable] = [:]
    var handles: [UInt64: EmulatorHandle] = [:]
    var timers: [EmulatedTimer] = []
    var pseudoChannels: [EmulatedChannel] = []
    private var nextHandle: UInt64 = 1
    var nextPseudo = 0
    var defaultZone: Int32 = 0
    var loadedZones: [Int32: String] = [:]
    public private(set) var ticks: UInt64 = 0
    /// Times the clock fell more than `maxLag` behind (the host was suspended) and skipped ahead.
    public private(set) var clockSlips = 0
    private static let maxLagNanoseconds = 500_000_000
    private var running = false
    private let clockStopped = DispatchSemaphore(value: 0)
    private var clockStarted = false

    /// The number of the last real channel; pseudo channels come after it.
    var lastRealChannel: Int { channels.keys.max() ?? 0 }

    public init(lab: LabDescription) {
        self.lab = lab
        build()
    }

    // MARK: Topology

    private func build() {
        var channelNumber = 1
        var spanNumber = 1
        var portChannels: [String: EmulatedChannel] = [:]
        var spanByEndpoint: [String: EmulatedSpan] = [:]
        for card in lab.cards {
            for (i, s) in (card.spans ?? []).enumerated() {
                let isE1 = s.type == .E1
                let span = EmulatedSpan(
                    number: spanNumber, kind: isE1 ? .e1 : .t1,
                    name: "EMU/\(card.name)/\(i + 1)",
                    description: "\(card.description ?? "Emulated \(s.type.rawValue) card") \(card.name) span \(i + 1)",
                    manufacturer: card.manufacturer ?? "PSTN Engine lab", deviceType: "dahdi-emu digital",
                    location: "lab:\(card.name)", lineConfig: Self.lineConfig(s))
                let slots = isE1 ? 31 : 24
                for pos in 1...slots {
                    var sig = CDAHDI_SIG_CLEAR
                    if pos == s.dchannel {
                        sig = s.signalling == "ss7" ? CDAHDI_SIG_MTP2
                            : CDAHDI_SIG_HARDHDLC
                    }
                    let ch = EmulatedChannel(number: channelNumber, position: pos, span: span, port: .timeslot,
                                             signalling: sig, law: span.law)
                    span.channels.append(ch)
                    channels[channelNumber] = ch
                    channelNumber += 1
                }
                spans.append(span)
                spanByEndpoint["\(card.name)/span\(i + 1)"] = span
                spanNumber += 1
            }
            if let ports = card.ports {
                let span = EmulatedSpan(
                    number: spanNumber, kind: .analog, name: "EMU/\(card.name)",
                    description: "\(card.description ?? "Emulated analog card") \(card.name)",
                    manufacturer: card.manufacturer ?? "PSTN Engine lab", deviceType: "dahdi-emu analog",
                    location: "lab:\(card.name)", lineConfig: 0)
                for (i, kind) in ports.enumerated() {
                    let sig = kind == .fxs ? CDAHDI_SIG_FXOKS : CDAHDI_SIG_FXSKS
                    let ch = EmulatedChannel(number: channelNumber, position: i + 1, span: span,
                                             port: kind == .fxs ? .fxs : .fxo, signalling: sig, law: .aLaw)
                    span.channels.append(ch)
                    channels[channelNumber] = ch
                    portChannels["\(card.name)/port\(i + 1)"] = ch
                    channelNumber += 1
                }
                spans.append(span)
                spanNumber += 1
            }
        }
        for c in lab.cables ?? [] {
            let cable = EmulatedCable(name: c.name)
            cables[c.name] = cable
            let imp = c.impairments
            cable.frameDelayTicks = UInt64(max(0, imp?.delay_ms ?? 0))
            func path(_ side: String, gain: Double?) -> LinePath {
                var p = LinePath(impairment: DirectionImpairment(gainDB: gain ?? 0, noiseDBm0: imp?.noise_dbm0,
                                                                 delayMs: imp?.delay_ms ?? 0),
                                 echo: nil, cable: cable, side: side)
                if let e = imp?.echo, (e.at ?? "a") == side {
                    p.echo = EchoPath(model: e.model, erlDB: e.erl, delayMs: e.delay_ms ?? 0)
                }
                return p
            }
            if let sa = spanByEndpoint[c.a], let sb = spanByEndpoint[c.b] {
                cable.spanA = sa
                cable.spanB = sb
                sa.cable = cable
                sb.cable = cable
                for (x, y) in zip(sa.channels, sb.channels) {
                    connect(x, y, path("a", gain: imp?.gain_a_to_b_db), path("b", gain: imp?.gain_b_to_a_db))
                    cable.endA.append(x)
                    cable.endB.append(y)
                }
            } else if let pa = portChannels[c.a], let pb = portChannels[c.b] {
                connect(pa, pb, path("a", gain: imp?.gain_a_to_b_db), path("b", gain: imp?.gain_b_to_a_db))
                cable.endA.append(pa)
                cable.endB.append(pb)
            }
        }
        for span in spans where span.kind != .analog {
            span.alarms = computeAlarms(span)
        }
    }

    private func connect(_ a: EmulatedChannel, _ b: EmulatedChannel, _ pa: LinePath, _ pb: LinePath) {
        a.peer = b
        b.peer = a
        a.path = pa
        b.path = pb
    }

    static func lineConfig(_ s: LabDescription.DigitalSpan) -> Int32 {
        var cfg: Int32 = 0
        switch s.framing ?? (s.type == .E1 ? "ccs" : "esf") {
        case "ccs": cfg |= Int32(DAHDI_CONFIG_CCS)
        case "esf": cfg |= Int32(DAHDI_CONFIG_ESF)
        case "d4", "sf": cfg |= Int32(DAHDI_CONFIG_D4)
        default: break
        }
        switch s.coding ?? (s.type == .E1 ? "hdb3" : "b8zs") {
        case "hdb3": cfg |= Int32(DAHDI_CONFIG_HDB3)
        case "b8zs": cfg |= Int32(DAHDI_CONFIG_B8ZS)
        case "ami": cfg |= Int32(DAHDI_CONFIG_AMI)
        default: break
        }
        if s.crc4 ?? (s.type == .E1) , s.type == .E1 { cfg |= Int32(DAHDI_CONFIG_CRC4) }
        return cfg
    }

    /// The alarms a digital span sees from its cable's state.
    func computeAlarms(_ span: EmulatedSpan) -> Int32 {
        guard let cable = span.cable else { return Int32(DAHDI_ALARM_RED | DAHDI_ALARM_LOS) }
        let side = cable.spanA === span ? "a" : "b"
        let other = side == "a" ? "b" : "a"
        if cable.pulled { return Int32(DAHDI_ALARM_RED | DAHDI_ALARM_LOS) }
        if cable.brokenTowards.contains(side) { return Int32(DAHDI_ALARM_RED | DAHDI_ALARM_LOS) }
        if cable.aisTowards.contains(side) { return Int32(DAHDI_ALARM_BLUE) }
        // The far end reports its loss of signal back to us (RAI): yellow.
        if cable.brokenTowards.contains(other) { return Int32(DAHDI_ALARM_YELLOW) }
        if let farSpan = side == "a" ? cable.spanB : cable.spanA, farSpan.clockStopped {
            return Int32(DAHDI_ALARM_RED | DAHDI_ALARM_LOS)
        }
        return 0
    }

    /// Recompute alarms after a fault and queue ALARM/NOALARM on every channel that changed.
    func refreshAlarms() {
        for span in spans {
            if span.kind == .analog { continue }
            let new = computeAlarms(span)
            if new != span.alarms {
                let wasClear = span.alarms == 0
                span.alarms = new
                if wasClear != (new == 0) {
                    for ch in span.channels {
                        ch.queueEvent(Int32(new == 0 ? DAHDI_EVENT_NOALARM : DAHDI_EVENT_ALARM))
                    }
                }
            }
        }
    }

    // MARK: Handles

    func makeHandle(_ target: HandleTarget, pseudo: Bool = false) -> EmulatorHandle {
        let h = EmulatorHandle(id: nextHandle, target: target, isPseudo: pseudo)
        nextHandle += 1
        handles[h.id] = h
        return h
    }

    /// Open a device file; returns the handle id or an errno.
    public func open(_ node: DeviceNode) -> Result<UInt64, EmulatorErrno> {
        lock.withLock {
            switch node {
            case .control:
                return .success(makeHandle(.control).id)
            case .channelDevice:
                return .success(makeHandle(.channel(nil)).id)
            case .timer:
                let t = EmulatedTimer()
                timers.append(t)
                return .success(makeHandle(.timer(t)).id)
            case .pseudo:
                guard pseudoChannels.count < 512 else { return .failure(EmulatorErrno(EBUSY)) }
                nextPseudo += 1
                let ch = EmulatedChannel(number: lastRealChannel + nextPseudo, position: 0, span: nil,
                                         port: .pseudo, signalling: CDAHDI_SIG_CLEAR, law: .muLaw)
                ch.open()
                pseudoChannels.append(ch)
                return .success(makeHandle(.channel(ch), pseudo: true).id)
            case let .channel(number):
                guard let ch = channels[number] else { return .failure(EmulatorErrno(ENXIO)) }
                guard !ch.isOpen else { return .failure(EmulatorErrno(EBUSY)) }
                ch.open()
                return .success(makeHandle(.channel(ch)).id)
            default:
                return .failure(EmulatorErrno(EISDIR))
            }
        }
    }

    /// Close a handle: its channel is released, its waiters answered.
    public func release(_ id: UInt64) {
        lock.withLock {
            guard let h = handles.removeValue(forKey: id) else { return }
            switch h.target {
            case let .channel(ch?):
                ch.close()
                if h.isPseudo { pseudoChannels.removeAll { $0 === ch } }
            case let .timer(t):
                timers.removeAll { $0 === t }
            default:
                break
            }
        }
    }

    // MARK: Read and write

    func read(_ id: UInt64, size: Int, nonBlocking: Bool, reply: PendingReply, interrupted: () -> Bool) {
        lock.withLock {
            guard let ch = handles[id]?.channel else {
                reply.replyError(handles[id] == nil ? EBADF : EINVAL)
                return
            }
            switch ch.read(size: size) {
            case let .data(bytes): reply.replyData(bytes)
            case let .error(e): reply.replyError(e)
            case .written: reply.replyError(EIO)
            case .wait:
                if nonBlocking { reply.replyError(EAGAIN) }
                else if interrupted() { reply.replyError(EINTR) }
                else { ch.pendingReads.append((reply, size)) }
            }
        }
    }

    func write(_ id: UInt64, data: [UInt8], nonBlocking: Bool, reply: PendingReply, interrupted: () -> Bool) {
        lock.withLock {
            guard let ch = handles[id]?.channel else {
                reply.replyError(handles[id] == nil ? EBADF : EINVAL)
                return
            }
            switch ch.write(data) {
            case let .written(n): reply.replyWritten(n)
            case let .error(e): reply.replyError(e)
            case .data: reply.replyError(EIO)
            case .wait:
                if nonBlocking { reply.replyError(EAGAIN) }
                else if interrupted() { reply.replyError(EINTR) }
                else { ch.pendingWrites.append((reply, data)) }
            }
        }
    }

    /// A client gave up on a request (killed, or a signal): answer it with EINTR.
    func interrupt(requestID: UInt) {
        lock.withLock {
            for ch in Array(channels.values) + pseudoChannels {
                if let i = ch.pendingReads.firstIndex(where: { $0.reply.requestID == requestID }) {
                    let p = ch.pendingReads.remove(at: i)
                    p.reply.replyError(EINTR)
                    return
                }
                if let i = ch.pendingWrites.firstIndex(where: { $0.reply.requestID == requestID }) {
                    let p = ch.pendingWrites.remove(at: i)
                    p.reply.replyError(EINTR)
                    return
                }
            }
        }
    }

    /// Current readiness of a handle; registers `waiter` to be told when it changes.
    func poll(_ id: UInt64, waiter: PollWaiter?) -> Int16 {
        lock.withLock {
            guard let h = handles[id] else { return Int16(POLLERR) }
            switch h.target {
            case .control:
                return Int16(POLLIN | POLLOUT)
            case .channel(nil):
                return Int16(POLLERR)
            case let .channel(ch?):
                let mask = ch.pollMask
                if let waiter { ch.pollWaiter = waiter }
                return mask
            case let .timer(t):
                if let waiter { t.pollWaiter = waiter }
                return t.pollMask
            }
        }
    }

    // MARK: Clock

    /// Start the 1 ms clock thread (absolute deadlines, so the rate never drifts).
    public func start() {
        lock.withLock {
            running = true
            clockStarted = true
        }
        let thread = Thread { [self] in
            clockLoop()
            clockStopped.signal()
        }
        thread.name = "dahdi-emu clock"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// Stop the clock, wait for it, and answer every waiting request: the FUSE session that
    /// owns them is about to go.
    public func shutdown() {
        let wasStarted = lock.withLock { () -> Bool in
            running = false
            return clockStarted
        }
        if wasStarted { clockStopped.wait() }
        lock.withLock {
            clockStarted = false
            for ch in Array(channels.values) + pseudoChannels {
                for p in ch.pendingReads { p.reply.replyError(ENODEV) }
                for p in ch.pendingWrites { p.reply.replyError(ENODEV) }
                ch.pendingReads.removeAll()
                ch.pendingWrites.removeAll()
                ch.pollWaiter = nil
            }
            for t in timers { t.pollWaiter = nil }
        }
    }

    private func clockLoop() {
        // A real-time clock thread when allowed (root); an ordinary one otherwise.
        var parameters = sched_param()
        parameters.sched_priority = 10
        _ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
        var next = timespec()
        clock_gettime(CLOCK_MONOTONIC, &next)
        while lock.withLock({ running }) {
            next.tv_nsec += 1_000_000
            if next.tv_nsec >= 1_000_000_000 {
                next.tv_nsec -= 1_000_000_000
                next.tv_sec += 1
            }
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let lag = (now.tv_sec - next.tv_sec) * 1_000_000_000 + (now.tv_nsec - next.tv_nsec)
            if lag > Self.maxLagNanoseconds {
                // A card's clock never loses time, so a short stall is made up with back-to-back
                // ticks (as late chunks); only after a long suspension does the clock skip ahead.
                next = now
                lock.withLock { clockSlips += 1 }
            }
            while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nil) == EINTR {}
            lock.withLock { tick() }
        }
    }

    /// One millisecond of every span, pseudo channel and timer.
    func tick() {
        ticks &+= 1
        var scratch = [UInt8](repeating: 0, count: 8)
        for span in spans where !span.clockStopped {
            for ch in span.channels where ch.isOpen { ch.produce() }
        }
        for span in spans where !span.clockStopped {
            for ch in span.channels where ch.isOpen || ch.ringing {
                deliver(into: ch, scratch: &scratch)
                if ch.port == .fxs { ch.advanceRing() }
            }
        }
        for span in spans where !span.clockStopped {
            for ch in span.channels where ch.isOpen {
                if let frame = ch.advanceFrame() { send(frame: frame, from: ch) }
                ch.service()
            }
        }
        for cable in cables.values where !cable.framesInFlight.isEmpty {
            deliverFrames(on: cable)
        }
        for ch in pseudoChannels {
            ch.produce()
            scratch.withUnsafeMutableBufferPointer { buf in
                for i in 0..<8 { buf[i] = ch.lawOfLine.idleByte }
            }
            scratch.withUnsafeBufferPointer { ch.receive($0) }
            ch.service()
        }
        for t in timers { t.tick() }
    }

    /// Fill `ch`'s receive side with what its peer sent this millisecond, through the cable.
    private func deliver(into ch: EmulatedChannel, scratch: inout [UInt8]) {
        guard ch.isOpen, !ch.isHDLC else { return }
        let law = ch.lawOfLine
        guard let peer = ch.peer, var fromPeer = peer.path, let myPath = ch.path,
              myPath.cable.carriesSignal(towards: myPath.side),
              !(peer.span?.clockStopped ?? false) else {
            for i in 0..<8 { scratch[i] = ch.loopback ? ch.outgoing[i] : law.idleByte }
            scratch.withUnsafeBufferPointer { ch.receive($0) }
            return
        }
        let source = ch.loopback ? ch.outgoing : peer.outgoing
        if fromPeer.impairment.isIdentity && ch.path?.echo == nil {
            for i in 0..<8 { scratch[i] = source[i] }
        } else {
            var mine = myPath
            for i in 0..<8 {
                var s = Float(fromPeer.impairment.process(peer.lawOfLine.decode(source[i])))
                if mine.echo != nil {
                    s += mine.echo!.echo(of: law.decode(ch.outgoing[i]))
                }
                scratch[i] = law.encode(Int16(clamping: Int(s.rounded())))
            }
            ch.path = mine
            peer.path = fromPeer
        }
        scratch.withUnsafeBufferPointer { ch.receive($0) }
    }

    private func send(frame: [UInt8], from ch: EmulatedChannel) {
        guard let peer = ch.peer, let path = ch.path, let peerPath = peer.path,
              path.cable.carriesSignal(towards: peerPath.side) else { return }
        let cable = path.cable
        if cable.frameDropRate > 0, cable.random.unit() < cable.frameDropRate { return }
        let corrupt = cable.frameCorruptRate > 0 && cable.random.unit() < cable.frameCorruptRate
        if cable.frameDelayTicks > 0 {
            cable.framesInFlight.append((ticks &+ cable.frameDelayTicks, peer, frame, corrupt))
            return
        }
        peer.receiveFrame(frame, corrupted: corrupt)
        peer.service()
    }

    /// Hand over the delayed frames that have arrived; a cable pulled meanwhile loses them.
    private func deliverFrames(on cable: EmulatedCable) {
        while let first = cable.framesInFlight.first, first.due <= ticks {
            cable.framesInFlight.removeFirst()
            guard let path = first.to.path, cable.carriesSignal(towards: path.side), first.to.isOpen else { continue }
            first.to.receiveFrame(first.frame, corrupted: first.corrupted)
            first.to.service()
        }
    }
}

/// An errno answered to a client.
public struct EmulatorErrno: Error, Equatable, Sendable {
    public let code: Int32
    public init(_ code: Int32) { self.code = code }
}

/// The files the emulator serves.
public enum DeviceNode: Equatable, Sendable {
    case root
    case control
    case channelDevice
    case pseudo
    case timer
    case channelDirectory
    case spanDirectory(Int)
    case channel(Int)
}
