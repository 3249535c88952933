import CDAHDI
import CSpanDSP
import Glibc

/// A DAHDI channel of the emulator: the device semantics one client sees (block size, law, buffers,
/// events, hook state) and the line side that the clock moves samples and frames across.
final class EmulatedChannel {
    static let maxBlockSize = 8192
    static let maxFrame = 2048
    static let maxEvents = 64
    static let defaultRingCadence = [2000, 4000]
    /// DAHDI's block size on open (`DAHDI_DEFAULT_BLOCKSIZE`); clients set their own.
    static let defaultBlockSize = Int(DAHDI_DEFAULT_BLOCKSIZE)

    let number: Int
    let position: Int
    weak var span: EmulatedSpan?
    let port: PortKind
    var signalling: Int32
    let lawOfLine: CompandingLaw

    // Client-side settings, reset on close.
    var isOpen = false
    var blockSize = EmulatedChannel.defaultBlockSize
    var bufferCount = Int(DAHDI_DEFAULT_NUM_BUFS)
    var linear = false
    var lawOverride: CompandingLaw?
    var rxGainTable: [UInt8]?
    var txGainTable: [UInt8]?
    var loopback = false
    var toneZone: Int32 = 0

    // Line-side buffers.
    var rx = ByteRing(capacity: 320)
    var tx = ByteRing(capacity: 320)
    var rxFrames: [[UInt8]] = []
    var txFrames: [[UInt8]] = []
    var txFrameProgress = 0
    var events: [Int32] = []
    var outgoing = [UInt8](repeating: 0, count: 8)
    var overruns = 0

    // Waiting clients.
    var pendingReads: [(reply: PendingReply, size: Int)] = []
    var pendingWrites: [(reply: PendingReply, data: [UInt8])] = []
    var pollWaiter: PollWaiter?

    // Analog line state.
    var offHook = false
    var ringing = false
    var ringCadence = EmulatedChannel.defaultRingCadence
    /// Where the cadence starts again after its last step (DAHDI: the first negative value).
    var ringLoopStart = 0
    var ringStep = 0
    var ringRemainingMs = 0
    var ringOn = false
    var polarityReversed = false
    var txBits: Int32 = 0
    var rxBits: Int32 = 0

    // Cable.
    weak var peer: EmulatedChannel?
    var path: LinePath?

    init(number: Int, position: Int, span: EmulatedSpan?, port: PortKind, signalling: Int32, law: CompandingLaw) {
        self.number = number
        self.position = position
        self.span = span
        self.port = port
        self.signalling = signalling
        self.lawOfLine = law
    }

    /// A clear channel switched to HDLC with `DAHDI_HDLCFCSMODE`/`DAHDI_HDLCRAWMODE`.
    var hdlcMode = false

    var isHDLC: Bool {
        let hdlc = CDAHDI_SIG_HDLCRAW
        return hdlcMode || signalling & hdlc == hdlc || signalling == CDAHDI_SIG_HARDHDLC
    }

    var clientLaw: CompandingLaw { lawOverride ?? lawOfLine }
    var bytesPerSample: Int { linear ? 2 : 1 }
    var bufferBytes: Int { blockSize }

    var signallingCapabilities: Int32 {
        switch port {
        case .fxs: return CDAHDI_SIG_FXOKS | CDAHDI_SIG_FXOLS | CDAHDI_SIG_FXOGS
        case .fxo: return CDAHDI_SIG_FXSKS | CDAHDI_SIG_FXSLS | CDAHDI_SIG_FXSGS
        case .timeslot:
            return CDAHDI_SIG_CLEAR | CDAHDI_SIG_HDLCRAW | CDAHDI_SIG_HDLCFCS | CDAHDI_SIG_HDLCNET
                | CDAHDI_SIG_HARDHDLC | CDAHDI_SIG_MTP2 | CDAHDI_SIG_CAS | CDAHDI_SIG_EM | CDAHDI_SIG_EM_E1
                | CDAHDI_SIG_DACS | CDAHDI_SIG_FXSKS | CDAHDI_SIG_FXSLS | CDAHDI_SIG_FXOKS | CDAHDI_SIG_FXOLS
        case .pseudo: return CDAHDI_SIG_CLEAR
        }
    }

    /// The alarms this channel reports (its span's, or battery loss on an analog line).
    var alarms: Int32 {
        if let span, span.kind != .analog { return span.alarms }
        if port == .fxo || port == .fxs {
            guard let cable = path?.cable, let side = path?.side else { return Int32(DAHDI_ALARM_RED) }
            return cable.carriesSignal(towards: side) ? 0 : Int32(DAHDI_ALARM_RED)
        }
        return 0
    }

    // MARK: Open and close

    func open() {
        isOpen = true
        blockSize = EmulatedChannel.defaultBlockSize
        bufferCount = Int(DAHDI_DEFAULT_NUM_BUFS)
        linear = false
        lawOverride = nil
        loopback = false
        hdlcMode = false
        resizeBuffers()
        rxFrames.removeAll()
        txFrames.removeAll()
        txFrameProgress = 0
    }

    func close() {
        isOpen = false
        for i in 0..<outgoing.count { outgoing[i] = lawOfLine.idleByte }
        for p in pendingReads { p.reply.replyError(EBADF) }
        for p in pendingWrites { p.reply.replyError(EBADF) }
        pendingReads.removeAll()
        pendingWrites.removeAll()
        pollWaiter = nil
        rx.removeAll()
        tx.removeAll()
        rxFrames.removeAll()
        txFrames.removeAll()
        events.removeAll()
        rxGainTable = nil
        txGainTable = nil
        if port == .fxo, offHook {
            setHook(offHook: false)
        }
        if port == .fxs, ringing { stopRinging() }
    }

    func resizeBuffers() {
        let bytes = max(2, bufferCount) * blockSize
        rx.resize(capacity: bytes)
        tx.resize(capacity: bytes)
    }

    // MARK: Events

    func queueEvent(_ event: Int32) {
        guard isOpen else { return }
        if events.count >= EmulatedChannel.maxEvents { events.removeFirst() }
        events.append(event)
        // As in DAHDI, an event does not wake a blocked reader or writer: they get ELAST when
        // data or buffer space next arrives. Pollers asking for POLLPRI are told now.
        notifyPoll()
    }

    func takeEvent() -> Int32 {
        events.isEmpty ? Int32(DAHDI_EVENT_NONE) : events.removeFirst()
    }

    // MARK: Readiness

    var readable: Bool { isHDLC ? !rxFrames.isEmpty : rx.count >= blockSize }
    var writable: Bool { isHDLC ? txFrames.count < max(2, bufferCount) : tx.free >= blockSize }

    var pollMask: Int16 {
        var mask: Int16 = 0
        if readable { mask |= Int16(POLLIN | POLLRDNORM) }
        if writable { mask |= Int16(POLLOUT | POLLWRNORM) }
        if !events.isEmpty { mask |= Int16(POLLPRI) }
        return mask
    }

    func notifyPoll() {
        if let waiter = pollWaiter, pollMask & waiter.events != 0 {
            pollWaiter = nil
            waiter.notify()
        }
    }

    // MARK: Client read and write

    enum IOResult {
        case data([UInt8])
        case written(Int)
        case error(Int32)
        case wait
    }

    func read(size: Int) -> IOResult {
        if !events.isEmpty { return .error(DAHDIErrnoLast) }
        if isHDLC {
            guard !rxFrames.isEmpty else { return .wait }
            let frame = rxFrames.removeFirst()
            return .data(Array(frame.prefix(size)))
        }
        guard rx.count >= blockSize else { return .wait }
        let samples = min(blockSize, linear ? size / 2 : size)
        guard samples > 0 else { return .error(EINVAL) }
        var raw = rx.take(samples)
        if let table = rxGainTable { raw = raw.map { table[Int($0)] } }
        if !linear {
            if clientLaw != lawOfLine { raw = raw.map { clientLaw.encode(lawOfLine.decode($0)) } }
            return .data(raw)
        }
        var out = [UInt8](repeating: 0, count: samples * 2)
        for (i, b) in raw.enumerated() {
            let s = UInt16(bitPattern: lawOfLine.decode(b))
            out[2 * i] = UInt8(s & 0xFF)
            out[2 * i + 1] = UInt8(s >> 8)
        }
        return .data(out)
    }

    func write(_ data: [UInt8]) -> IOResult {
        if !events.isEmpty { return .error(DAHDIErrnoLast) }
        if isHDLC {
            guard data.count > 2, data.count <= EmulatedChannel.maxFrame + 2 else { return .error(EINVAL) }
            guard txFrames.count < max(2, bufferCount) else { return .wait }
            txFrames.append(Array(data.dropLast(2)))
            return .written(data.count)
        }
        guard tx.free >= blockSize else { return .wait }
        let samples = min(blockSize, data.count / bytesPerSample)
        guard samples > 0 else { return .error(EINVAL) }
        var line = [UInt8](repeating: 0, count: samples)
        if linear {
            for i in 0..<samples {
                let s = Int16(bitPattern: UInt16(data[2 * i]) | UInt16(data[2 * i + 1]) << 8)
                line[i] = lawOfLine.encode(s)
            }
        } else if clientLaw != lawOfLine {
            for i in 0..<samples { line[i] = lawOfLine.encode(clientLaw.decode(data[i])) }
        } else {
            for i in 0..<samples { line[i] = data[i] }
        }
        if let table = txGainTable { line = line.map { table[Int($0)] } }
        tx.append(line)
        return .written(samples * bytesPerSample)
    }

    /// Answer waiting readers and writers that can now proceed, and wake a poller.
    func service() {
        // A waiting reader is woken only by data, a waiting writer only by buffer space (then an
        // event pending answers them ELAST, as DAHDI does).
        while let first = pendingReads.first, readable {
            pendingReads.removeFirst()
            switch read(size: first.size) {
            case let .data(bytes): first.reply.replyData(bytes)
            case let .error(e): first.reply.replyError(e)
            case .wait, .written: first.reply.replyError(EIO)
            }
        }
        while let first = pendingWrites.first, writable {
            pendingWrites.removeFirst()
            switch write(first.data) {
            case let .written(n): first.reply.replyWritten(n)
            case let .error(e): first.reply.replyError(e)
            case .wait, .data: first.reply.replyError(EIO)
            }
        }
        notifyPoll()
    }

    // MARK: Clock

    /// Produce this millisecond's 8 outgoing samples (idle when nothing was written).
    func produce() {
        guard isOpen, !isHDLC else {
            for i in 0..<8 { outgoing[i] = lawOfLine.idleByte }
            return
        }
        outgoing.withUnsafeMutableBufferPointer { _ = tx.take(into: $0, fill: lawOfLine.idleByte) }
    }

    /// Move this millisecond's HDLC transmission on; returns a frame when its last bit has left.
    func advanceFrame() -> [UInt8]? {
        guard isOpen, isHDLC, let frame = txFrames.first else { return nil }
        txFrameProgress += 8
        // Frame, 2 FCS bytes and one flag; bit stuffing is ignored.
        guard txFrameProgress >= frame.count + 3 else { return nil }
        txFrames.removeFirst()
        txFrameProgress = 0
        return frame
    }

    /// Accept 8 samples from the line (already through the cable's impairments).
    func receive(_ samples: UnsafeBufferPointer<UInt8>) {
        guard isOpen, !isHDLC else { return }
        let dropped = rx.append(samples)
        if dropped > 0 { overruns += 1 }
    }

    /// Accept a frame from the line: check its FCS as an HDLC controller does.
    func receiveFrame(_ payload: [UInt8], corrupted: Bool) {
        guard isOpen, isHDLC else { return }
        if corrupted {
            queueEvent(Int32(DAHDI_EVENT_BADFCS))
            return
        }
        var framed = payload + [0, 0]
        let length = framed.withUnsafeMutableBufferPointer { crc_itu16_append($0.baseAddress, Int32(payload.count)) }
        framed.removeSubrange(Int(length)...)
        if rxFrames.count >= max(2, bufferCount) * 8 {
            rxFrames.removeFirst()
            queueEvent(Int32(DAHDI_EVENT_OVERRUN))
        }
        rxFrames.append(framed)
    }

    // MARK: Analog

    func setHook(offHook newState: Bool) {
        guard newState != offHook else { return }
        offHook = newState
        guard let peer, lineUp else { return }
        if newState {
            if peer.ringing { peer.stopRinging() }
            peer.queueEvent(Int32(DAHDI_EVENT_RINGOFFHOOK))
        } else {
            peer.queueEvent(Int32(DAHDI_EVENT_ONHOOK))
        }
    }

    var lineUp: Bool {
        guard let path else { return false }
        return path.cable.carriesSignal(towards: path.side) && path.cable.carriesSignal(towards: path.otherSide)
    }

    func startRinging() {
        ringing = true
        ringStep = 0
        ringRemainingMs = ringCadence[0]
        setRingSignal(true, first: true)
    }

    func stopRinging() {
        guard ringing else { return }
        ringing = false
        // Cut off mid-ring (answered or stopped): no trailing ring-end reaches the FXO port.
        ringOn = false
        queueEvent(Int32(DAHDI_EVENT_HOOKCOMPLETE))
    }

    /// One millisecond of ring cadence on an FXS port.
    func advanceRing() {
        guard ringing else { return }
        ringRemainingMs -= 1
        guard ringRemainingMs <= 0 else { return }
        ringStep += 1
        if ringStep == ringCadence.count { ringStep = ringLoopStart }
        ringRemainingMs = ringCadence[ringStep]
        setRingSignal(ringStep % 2 == 0, first: false)
    }

    /// Ring voltage on or off. As in DAHDI: the FXS port reports RINGERON/RINGEROFF (not for the
    /// first ring); the FXO port sees RINGBEGIN when a ring starts and RINGOFFHOOK when it ends.
    private func setRingSignal(_ on: Bool, first: Bool) {
        guard on != ringOn else { return }
        ringOn = on
        if !first { queueEvent(Int32(on ? DAHDI_EVENT_RINGERON : DAHDI_EVENT_RINGEROFF)) }
        guard let peer, lineUp else { return }
        peer.queueEvent(Int32(on ? DAHDI_EVENT_RINGBEGIN : DAHDI_EVENT_RINGOFFHOOK))
    }

    /// Whether the far end of an analog line presents off-hook (FXS port) or ring voltage (FXO port).
    var receiveOffHook: Bool {
        guard let peer, lineUp else { return false }
        return port == .fxs ? peer.offHook : peer.ringOn
    }
}

/// DAHDI's ELAST (an event is pending).
let DAHDIErrnoLast: Int32 = 500
