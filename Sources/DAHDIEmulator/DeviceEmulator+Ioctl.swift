import CDAHDI
import Glibc
import PSTNEngine

/// What an ioctl answers: a result with the bytes to copy back, or an errno.
public enum IoctlOutcome: Equatable, Sendable {
    case success(result: Int32, output: [UInt8])
    case failure(errno: Int32)
}

/// A struct read from an ioctl's input bytes; nil when the bytes are too short.
func decode<T>(_ type: T.Type, _ input: [UInt8]) -> T? {
    guard input.count >= MemoryLayout<T>.size else { return nil }
    return input.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
}

/// The bytes of a struct, to hand back to the client.
func encode<T>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value) { Array($0) }
}

extension DeviceEmulator {
    private static func code(_ c: UInt) -> UInt32 { UInt32(truncatingIfNeeded: c) }

    /// Carry out an ioctl on handle `id`. Never blocks; on a non-blocking handle, hook operations
    /// that take time (ring, start, wink, flash) answer EINPROGRESS as DAHDI does, and go on.
    public func ioctl(_ id: UInt64, command: UInt32, input: [UInt8], nonBlocking: Bool = false) -> IoctlOutcome {
        lock.withLock {
            guard let handle = handles[id] else { return .failure(errno: EBADF) }
            if let common = commonIoctl(handle, command, input) { return common }
            switch handle.target {
            case .control:
                return controlIoctl(command, input)
            case let .timer(t):
                return timerIoctl(t, command, input)
            case .channel(nil):
                if command == Self.code(CDAHDI_SPECIFY) { return specify(handle, input) }
                return .failure(errno: EINVAL)
            case let .channel(ch?):
                if command == Self.code(CDAHDI_SPECIFY) { return .failure(errno: EINVAL) }
                let outcome = channelIoctl(ch, command, input)
                if nonBlocking, command == Self.code(CDAHDI_HOOK), case .success = outcome,
                   let cmd = intArg(input),
                   [Int32(DAHDI_RING), Int32(DAHDI_START), Int32(DAHDI_WINK), Int32(DAHDI_FLASH)].contains(cmd) {
                    return .failure(errno: EINPROGRESS)
                }
                return outcome
            }
        }
    }

    private func intArg(_ input: [UInt8]) -> Int32? { decode(Int32.self, input) }
    private func ok(_ output: [UInt8] = []) -> IoctlOutcome { .success(result: 0, output: output) }

    /// Ioctls DAHDI answers on any of its files.
    private func commonIoctl(_ handle: EmulatorHandle, _ command: UInt32, _ input: [UInt8]) -> IoctlOutcome? {
        switch command {
        case Self.code(CDAHDI_GETVERSION):
            var v = dahdi_versioninfo()
            setCString(&v.version, "3.1.0-dahdi-emu")
            setCString(&v.echo_canceller, "")
            return ok(encode(v))
        case Self.code(CDAHDI_SPANSTAT), Self.code(CDAHDI_SPANSTAT_V1):
            let requested = decode(Int32.self, input) ?? 0
            var number = Int(requested)
            if number == 0, let ch = handle.channel, let span = ch.span { number = span.number }
            guard number >= 1, number <= spans.count else { return .failure(errno: EINVAL) }
            let span = spans[number - 1]
            var s = cdahdi_span_status()
            s.spanno = Int32(span.number)
            setCString(&s.name, span.name)
            setCString(&s.desc, span.description)
            s.alarms = span.alarms | (span.kind != .analog && !span.running ? 0 : 0)
            s.numchans = Int32(span.channels.count)
            s.totalchans = Int32(span.channels.count)
            s.totalspans = Int32(spans.count)
            s.lbo = span.lineBuildOut
            s.lineconfig = span.lineConfig
            s.syncsrc = span.kind == .analog ? 0 : Int32(span.number)
            setCString(&s.lboname, span.kind == .analog ? "" : "0 db (CSU)/0-133 feet (DSX-1)")
            setCString(&s.location, span.location)
            setCString(&s.manufacturer, span.manufacturer)
            setCString(&s.devicetype, span.deviceType)
            s.linecompat = span.kind == .analog ? 0 : (span.kind == .e1
                ? Int32(DAHDI_CONFIG_CCS | DAHDI_CONFIG_HDB3 | DAHDI_CONFIG_CRC4 | DAHDI_CONFIG_AMI)
                : Int32(DAHDI_CONFIG_ESF | DAHDI_CONFIG_D4 | DAHDI_CONFIG_B8ZS | DAHDI_CONFIG_AMI))
            setCString(&s.spantype, span.spanType)
            var raw = [UInt8](repeating: 0, count: cdahdi_spaninfo_size())
            raw.withUnsafeMutableBytes { cdahdi_spaninfo_encode(&s, $0.baseAddress) }
            return ok(raw)
        case Self.code(CDAHDI_GET_PARAMS), Self.code(CDAHDI_GET_PARAMS_V1):
            let requested = decode(dahdi_params.self, input)?.channo ?? 0
            let ch: EmulatedChannel?
            if requested == 0 { ch = handle.channel } else { ch = channels[Int(requested)] ?? pseudoChannels.first { $0.number == Int(requested) } }
            guard let ch else { return .failure(errno: requested == 0 ? EINVAL : ENXIO) }
            return ok(encode(params(of: ch)))
        default:
            return nil
        }
    }

    func params(of ch: EmulatedChannel) -> dahdi_params {
        var p = dahdi_params()
        p.channo = Int32(ch.number)
        p.spanno = Int32(ch.span?.number ?? 0)
        p.chanpos = Int32(ch.position)
        p.sigtype = ch.signalling
        p.sigcap = ch.signallingCapabilities
        p.rxisoffhook = ch.receiveOffHook ? 1 : 0
        p.rxbits = ch.rxBits
        p.txbits = ch.txBits
        p.curlaw = ch.clientLaw.dahdiValue
        let spanName = ch.span?.name ?? "Pseudo"
        setCString(&p.name, ch.port == .pseudo ? "Pseudo/\(ch.number)" : "\(spanName)/\(ch.position)")
        p.prewinktime = 50
        p.preflashtime = 50
        p.winktime = 150
        p.flashtime = 750
        p.starttime = 1500
        p.rxwinktime = 300
        p.rxflashtime = 1250
        p.debouncetime = 600
        p.chan_alarms = UInt32(bitPattern: ch.alarms)
        return p
    }

    private func specify(_ handle: EmulatorHandle, _ input: [UInt8]) -> IoctlOutcome {
        guard let n = intArg(input), n > 0 else { return .failure(errno: EINVAL) }
        guard let ch = channels[Int(n)] else { return .failure(errno: ENXIO) }
        guard !ch.isOpen else { return .failure(errno: EBUSY) }
        ch.open()
        handle.target = .channel(ch)
        return ok()
    }

    // MARK: ctl

    private func controlIoctl(_ command: UInt32, _ input: [UInt8]) -> IoctlOutcome {
        switch command {
        case Self.code(CDAHDI_SPANCONFIG):
            guard let lc = decode(dahdi_lineconfig.self, input) else { return .failure(errno: EINVAL) }
            guard lc.span >= 1, Int(lc.span) <= spans.count else { return .failure(errno: EINVAL) }
            let span = spans[Int(lc.span) - 1]
            guard span.kind != .analog else { return .failure(errno: EINVAL) }
            span.lineConfig = lc.lineconfig
            span.lineBuildOut = lc.lbo
            span.syncLevel = lc.sync
            return ok()
        case Self.code(CDAHDI_CHANCONFIG):
            guard let cc = decode(dahdi_chanconfig.self, input) else { return .failure(errno: EINVAL) }
            guard let ch = channels[Int(cc.chan)] else { return .failure(errno: EINVAL) }
            return configure(ch, cc)
        case Self.code(CDAHDI_ATTACH_ECHOCAN):
            guard let ae = decode(dahdi_attach_echocan.self, input) else { return .failure(errno: EINVAL) }
            guard channels[Int(ae.chan)] != nil else { return .failure(errno: EINVAL) }
            // The emulated cards carry no echo canceller module: only "none" (or empty) can be attached.
            let name = cString(ae.echocan).lowercased()
            return name.isEmpty || name == "none" ? ok() : .failure(errno: ENOENT)
        case Self.code(CDAHDI_STARTUP), Self.code(CDAHDI_SHUTDOWN):
            guard let n = intArg(input), n >= 1, Int(n) <= spans.count else { return .failure(errno: EINVAL) }
            spans[Int(n) - 1].running = command == Self.code(CDAHDI_STARTUP)
            return ok()
        case Self.code(CDAHDI_LOADZONE):
            guard let header = decode(dahdi_tone_def_header.self, input) else { return .failure(errno: EINVAL) }
            guard header.zone >= 0, header.zone < Int32(DAHDI_TONE_ZONE_MAX), header.count >= 0 else {
                return .failure(errno: EINVAL)
            }
            loadedZones[header.zone] = cString(header.name)
            return ok()
        case Self.code(CDAHDI_FREEZONE):
            guard let z = intArg(input), z >= 0, z < Int32(DAHDI_TONE_ZONE_MAX) else { return .failure(errno: EINVAL) }
            loadedZones[z] = nil
            return ok()
        case Self.code(CDAHDI_DEFAULTZONE):
            guard let z = intArg(input), loadedZones[z] != nil else { return .failure(errno: EINVAL) }
            defaultZone = z
            return ok()
        case Self.code(CDAHDI_MAINT):
            guard let m = decode(dahdi_maintinfo.self, input), m.spanno >= 1, Int(m.spanno) <= spans.count else {
                return .failure(errno: EINVAL)
            }
            let known: [Int32] = [Int32(DAHDI_MAINT_NONE), Int32(DAHDI_MAINT_LOCALLOOP), Int32(DAHDI_MAINT_REMOTELOOP),
                                  Int32(DAHDI_MAINT_LOOPUP), Int32(DAHDI_MAINT_LOOPDOWN)]
            guard known.contains(m.command) else { return .failure(errno: EINVAL) }
            spans[Int(m.spanno) - 1].maintenance = m.command
            return ok()
        default:
            return .failure(errno: ENOTTY)
        }
    }

    private func configure(_ ch: EmulatedChannel, _ cc: dahdi_chanconfig) -> IoctlOutcome {
        let sig = cc.sigtype
        if sig != Int32(DAHDI_SIG_NONE) {
            // Only the signalling bits the port supports (DAHDI checks sigcap the same way).
            let caps = ch.signallingCapabilities
            let base = sig & ~Int32(1 << 16)
            guard base & caps == base else { return .failure(errno: EINVAL) }
        }
        if ch.port == .fxs || ch.port == .fxo, sig != Int32(DAHDI_SIG_NONE) {
            let isFXOSig = sig & Int32(1 << 12) != 0
            guard isFXOSig == (ch.port == .fxs) else { return .failure(errno: EINVAL) }
        }
        if cc.deflaw != 0, cc.deflaw != Int32(DAHDI_LAW_ALAW), cc.deflaw != Int32(DAHDI_LAW_MULAW) {
            return .failure(errno: EINVAL)
        }
        ch.signalling = sig
        return ok()
    }

    // MARK: timer

    private func timerIoctl(_ t: EmulatedTimer, _ command: UInt32, _ input: [UInt8]) -> IoctlOutcome {
        switch command {
        case Self.code(CDAHDI_TIMERCONFIG):
            guard let samples = intArg(input), samples >= 0, samples <= 8 * 60_000 else { return .failure(errno: EINVAL) }
            t.intervalMs = samples == 0 ? 0 : max(1, Int(samples) / 8)
            t.elapsedMs = 0
            return ok()
        case Self.code(CDAHDI_TIMERACK):
            guard let n = intArg(input) else { return .failure(errno: EINVAL) }
            let acked = (n < 0 || Int(n) > t.expirations) ? t.expirations : Int(n)
            t.expirations -= acked
            return .success(result: Int32(acked), output: [])
        case Self.code(CDAHDI_TIMERPING):
            t.pinged = true
            t.notifyPoll()
            return ok()
        case Self.code(CDAHDI_TIMERPONG):
            t.pinged = false
            return ok()
        case Self.code(CDAHDI_GETEVENT):
            var event: Int32 = Int32(DAHDI_EVENT_NONE)
            if t.pinged { event = Int32(DAHDI_EVENT_TIMER_PING) }
            else if t.expirations > 0 { event = Int32(DAHDI_EVENT_TIMER_EXPIRED) }
            return ok(encode(event))
        default:
            return .failure(errno: ENOTTY)
        }
    }

    // MARK: channels

    private func channelIoctl(_ ch: EmulatedChannel, _ command: UInt32, _ input: [UInt8]) -> IoctlOutcome {
        switch command {
        case Self.code(CDAHDI_GET_BLOCKSIZE):
            return ok(encode(Int32(ch.blockSize)))
        case Self.code(CDAHDI_SET_BLOCKSIZE):
            guard let n = intArg(input), n >= 8, Int(n) <= EmulatedChannel.maxBlockSize else { return .failure(errno: EINVAL) }
            ch.blockSize = Int(n)
            ch.resizeBuffers()
            ch.service()
            return ok()
        case Self.code(CDAHDI_CHANNO):
            return ok(encode(Int32(ch.number)))
        case Self.code(CDAHDI_SET_PARAMS):
            guard decode(dahdi_params.self, input) != nil else { return .failure(errno: EINVAL) }
            return ok()
        case Self.code(CDAHDI_GETEVENT):
            let e = ch.takeEvent()
            ch.service()
            return ok(encode(e))
        case Self.code(CDAHDI_HOOK):
            guard let cmd = intArg(input) else { return .failure(errno: EINVAL) }
            return hook(ch, cmd)
        case Self.code(CDAHDI_SETPOLARITY):
            guard let v = intArg(input), v == 0 || v == 1 else { return .failure(errno: EINVAL) }
            guard ch.port == .fxs else { return .failure(errno: EINVAL) }
            let reversed = v == 1
            if reversed != ch.polarityReversed {
                ch.polarityReversed = reversed
                if let peer = ch.peer, ch.lineUp { peer.queueEvent(Int32(DAHDI_EVENT_POLARITY)) }
            }
            return ok()
        case Self.code(CDAHDI_SETCADENCE):
            guard let c = decode(dahdi_ring_cadence.self, input) else { return .failure(errno: EINVAL) }
            let values = withUnsafeBytes(of: c.ringcadence) { Array($0.bindMemory(to: Int32.self)) }
            let raw = values.prefix { $0 != 0 }.map(Int.init)
            // A negative value marks where the cadence loops back to (DAHDI's convention).
            guard !raw.isEmpty, raw.allSatisfy({ abs($0) <= 60_000 }) else { return .failure(errno: EINVAL) }
            var cadence = raw.map(abs)
            if cadence.count % 2 == 1 { cadence.append(cadence.last!) }
            ch.ringCadence = cadence
            ch.ringLoopStart = raw.firstIndex { $0 < 0 } ?? 0
            if ch.ringLoopStart % 2 == 1 { ch.ringLoopStart -= 1 }
            return ok()
        case Self.code(CDAHDI_SETLINEAR):
            guard let v = intArg(input) else { return .failure(errno: EINVAL) }
            guard !ch.isHDLC else { return .failure(errno: EINVAL) }
            ch.linear = v != 0
            return ok()
        case Self.code(CDAHDI_SETLAW):
            guard let v = intArg(input) else { return .failure(errno: EINVAL) }
            switch v {
            case Int32(DAHDI_LAW_DEFAULT): ch.lawOverride = nil
            case Int32(DAHDI_LAW_ALAW): ch.lawOverride = .aLaw
            case Int32(DAHDI_LAW_MULAW): ch.lawOverride = .muLaw
            default: return .failure(errno: EINVAL)
            }
            return ok()
        case Self.code(CDAHDI_FLUSH):
            guard let which = intArg(input) else { return .failure(errno: EINVAL) }
            if which & Int32(DAHDI_FLUSH_READ) != 0 { ch.rx.removeAll(); ch.rxFrames.removeAll() }
            if which & Int32(DAHDI_FLUSH_WRITE) != 0 { ch.tx.removeAll(); ch.txFrames.removeAll(); ch.txFrameProgress = 0 }
            if which & Int32(DAHDI_FLUSH_EVENT) != 0 { ch.events.removeAll() }
            ch.service()
            return ok()
        case Self.code(CDAHDI_SYNC):
            return ok()
        case Self.code(CDAHDI_GET_BUFINFO):
            var b = dahdi_bufferinfo()
            b.numbufs = Int32(ch.bufferCount)
            b.bufsize = Int32(ch.blockSize)
            b.readbufs = Int32(ch.isHDLC ? ch.rxFrames.count : ch.rx.count / max(1, ch.blockSize))
            b.writebufs = Int32(ch.isHDLC ? ch.txFrames.count : ch.tx.count / max(1, ch.blockSize))
            return ok(encode(b))
        case Self.code(CDAHDI_SET_BUFINFO):
            guard let b = decode(dahdi_bufferinfo.self, input), b.numbufs >= 1, b.numbufs <= 32,
                  b.bufsize >= 8, Int(b.bufsize) <= EmulatedChannel.maxBlockSize else { return .failure(errno: EINVAL) }
            ch.bufferCount = Int(b.numbufs)
            ch.blockSize = Int(b.bufsize)
            ch.resizeBuffers()
            return ok()
        case Self.code(CDAHDI_GETGAINS), Self.code(CDAHDI_GETGAINS_V1):
            var g = dahdi_gains()
            g.chan = Int32(ch.number)
            withUnsafeMutableBytes(of: &g.rxgain) { raw in for i in 0..<256 { raw[i] = ch.rxGainTable?[i] ?? UInt8(i) } }
            withUnsafeMutableBytes(of: &g.txgain) { raw in for i in 0..<256 { raw[i] = ch.txGainTable?[i] ?? UInt8(i) } }
            return ok(encode(g))
        case Self.code(CDAHDI_SETGAINS):
            guard let g = decode(dahdi_gains.self, input) else { return .failure(errno: EINVAL) }
            let rx = withUnsafeBytes(of: g.rxgain) { Array($0) }
            let tx = withUnsafeBytes(of: g.txgain) { Array($0) }
            let identity = (0..<256).map { UInt8($0) }
            ch.rxGainTable = rx == identity ? nil : rx
            ch.txGainTable = tx == identity ? nil : tx
            return ok()
        case Self.code(CDAHDI_HDLCFCSMODE), Self.code(CDAHDI_HDLCRAWMODE):
            guard let v = intArg(input) else { return .failure(errno: EINVAL) }
            // DAHDI switches only clear channels between audio and HDLC; the signalling stays.
            guard ch.signalling == CDAHDI_SIG_CLEAR else { return .failure(errno: EINVAL) }
            ch.hdlcMode = v != 0
            ch.rx.removeAll()
            ch.tx.removeAll()
            ch.rxFrames.removeAll()
            ch.txFrames.removeAll()
            ch.txFrameProgress = 0
            return ok()
        case Self.code(CDAHDI_AUDIOMODE), Self.code(CDAHDI_BUFFER_EVENTS), Self.code(CDAHDI_ONHOOKTRANSFER),
             Self.code(CDAHDI_ECHOCANCEL_FAX_MODE), Self.code(CDAHDI_HDLC_RATE):
            guard intArg(input) != nil else { return .failure(errno: EINVAL) }
            return ok()
        case Self.code(CDAHDI_ECHOCANCEL), Self.code(CDAHDI_ECHOTRAIN):
            // No echo canceller on the emulated card: turning one off succeeds, asking for taps does not.
            guard let taps = intArg(input) else { return .failure(errno: EINVAL) }
            return taps == 0 ? ok() : .failure(errno: ENOTTY)
        case Self.code(CDAHDI_ECHOCANCEL_PARAMS):
            guard let taps = intArg(input) else { return .failure(errno: EINVAL) }
            return taps == 0 ? ok() : .failure(errno: ENOTTY)
        case Self.code(CDAHDI_DIALING):
            return ok(encode(Int32(0)))
        case Self.code(CDAHDI_GETRXBITS):
            return ok(encode(ch.rxBits))
        case Self.code(CDAHDI_SETTXBITS):
            guard let bits = intArg(input), bits >= 0, bits <= 15 else { return .failure(errno: EINVAL) }
            ch.txBits = bits
            if let peer = ch.peer, peer.rxBits != bits {
                peer.rxBits = bits
                peer.queueEvent(Int32(DAHDI_EVENT_BITSCHANGED))
            }
            return ok()
        case Self.code(CDAHDI_LOOPBACK):
            guard let v = intArg(input) else { return .failure(errno: EINVAL) }
            ch.loopback = v != 0
            return ok()
        case Self.code(CDAHDI_SETTONEZONE):
            guard let z = intArg(input), z >= 0, z < Int32(DAHDI_TONE_ZONE_MAX) else { return .failure(errno: EINVAL) }
            ch.toneZone = z
            return ok()
        case Self.code(CDAHDI_GETTONEZONE):
            return ok(encode(ch.toneZone))
        case Self.code(CDAHDI_VMWI):
            guard intArg(input) != nil, ch.port == .fxs else { return .failure(errno: EINVAL) }
            return ok()
        default:
            return .failure(errno: ENOTTY)
        }
    }

    private func hook(_ ch: EmulatedChannel, _ cmd: Int32) -> IoctlOutcome {
        guard let command = Int32?(cmd), (0...6).contains(command) else { return .failure(errno: EINVAL) }
        switch ch.port {
        case .fxo:
            switch command {
            case Int32(DAHDI_OFFHOOK), Int32(DAHDI_START): ch.setHook(offHook: true)
            case Int32(DAHDI_ONHOOK): ch.setHook(offHook: false)
            case Int32(DAHDI_FLASH):
                guard ch.offHook else { return .failure(errno: EINVAL) }
                if let peer = ch.peer, ch.lineUp { peer.queueEvent(Int32(DAHDI_EVENT_WINKFLASH)) }
                ch.queueEvent(Int32(DAHDI_EVENT_HOOKCOMPLETE))
            default: return .failure(errno: EINVAL)
            }
        case .fxs:
            switch command {
            case Int32(DAHDI_RING):
                if ch.receiveOffHook || ch.ringing { return .failure(errno: EBUSY) }
                ch.startRinging()
            case Int32(DAHDI_RINGOFF): ch.stopRinging()
            case Int32(DAHDI_OFFHOOK): ch.stopRinging()
            case Int32(DAHDI_ONHOOK):
                // Kewlstart: battery is denied briefly; a far end that is off-hook sees the disconnect.
                ch.stopRinging()
                if let peer = ch.peer, ch.lineUp, peer.offHook { peer.queueEvent(Int32(DAHDI_EVENT_ONHOOK)) }
            case Int32(DAHDI_WINK):
                if let peer = ch.peer, ch.lineUp { peer.queueEvent(Int32(DAHDI_EVENT_WINKFLASH)) }
            default: return .failure(errno: EINVAL)
            }
        case .timeslot, .pseudo:
            // Clear and HDLC channels have no hook state; CAS would, and is not emulated.
            return .failure(errno: EINVAL)
        }
        return ok()
    }
}
