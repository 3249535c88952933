import CDAHDI
import Glibc

/// How samples cross the read/write boundary of a channel.
public enum SampleFormat: Sendable, Equatable {
    /// The channel's own companding (the span's law unless overridden), one byte per sample.
    case spanDefault
    case aLaw
    case muLaw
    /// Signed 16-bit linear, two bytes per sample (DAHDI converts).
    case linear
}

/// What `poll` found ready on a channel.
public struct ChannelReadiness: OptionSet, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }
    public static let readable = ChannelReadiness(rawValue: Int16(POLLIN))
    public static let writable = ChannelReadiness(rawValue: Int16(POLLOUT))
    /// A signalling event waits for `nextEvent()`.
    public static let event = ChannelReadiness(rawValue: Int16(POLLPRI))
    public static let error = ChannelReadiness(rawValue: Int16(POLLERR))
    public static let hangUp = ChannelReadiness(rawValue: Int16(POLLHUP))
}

/// A channel's configuration and line state as `DAHDI_GET_PARAMS` reports it.
public struct ChannelParameters: Sendable, Equatable {
    public var channel: Int
    public var span: Int
    public var positionInSpan: Int
    public var signalling: Int32
    public var signallingCapabilities: Int32
    public var receiveOffHook: Bool
    public var currentLaw: Int32
    public var name: String
    public var alarms: UInt32

    init(_ p: dahdi_params) {
        channel = Int(p.channo)
        span = Int(p.spanno)
        positionInSpan = Int(p.chanpos)
        signalling = p.sigtype
        signallingCapabilities = p.sigcap
        receiveOffHook = p.rxisoffhook != 0
        currentLaw = p.curlaw
        name = cString(p.name)
        alarms = p.chan_alarms
    }
}

/// One open DAHDI channel: audio chunks or HDLC frames, hook and ring control, and events.
///
/// A channel is owned by one thread at a time (the media or signalling thread); it is not `Sendable`.
public final class DAHDIChannel {
    public let number: Int
    public let device: String
    public let fileDescriptor: Int32
    private var format: SampleFormat = .spanDefault

    /// Open channel `number` through `channel` and `DAHDI_SPECIFY`.
    public init(number: Int, in directory: DAHDIDirectory = DAHDIDirectory(),
                nonBlocking: Bool = false) throws(DAHDIError) {
        let device = "\(directory.channelPath) (channel \(number))"
        let channel = try int32(number, "DAHDI_SPECIFY", device)
        self.number = number
        self.device = device
        self.fileDescriptor = try directory.openDevice(directory.channelPath, nonBlocking: nonBlocking)
        // Every stored property is set: on failure deinit closes the descriptor.
        try dahdiIoctl(fileDescriptor, CDAHDI_SPECIFY, "DAHDI_SPECIFY \(number)", device, int: channel)
    }

    /// Open a pseudo channel (no line behind it; timed by the DAHDI clock).
    public init(pseudoIn directory: DAHDIDirectory, nonBlocking: Bool = false) throws(DAHDIError) {
        let fd = try directory.openDevice(directory.pseudoPath, nonBlocking: nonBlocking)
        self.fileDescriptor = fd
        self.device = directory.pseudoPath
        var channo: Int32 = 0
        do {
            try dahdiIoctl(fd, CDAHDI_CHANNO, "DAHDI_CHANNO", device, &channo)
        } catch {
            Glibc.close(fd)
            throw error
        }
        self.number = Int(channo)
    }

    deinit {
        Glibc.close(fileDescriptor)
    }

    // MARK: Audio

    /// Samples per read/write chunk (8 = 1 ms ... 160 = 20 ms).
    public func setBlockSize(_ samples: Int) throws(DAHDIError) {
        try dahdiIoctl(fileDescriptor, CDAHDI_SET_BLOCKSIZE, "DAHDI_SET_BLOCKSIZE \(samples)", device,
                       int: int32(samples, "DAHDI_SET_BLOCKSIZE", device))
    }

    public func blockSize() throws(DAHDIError) -> Int {
        var v: Int32 = 0
        try dahdiIoctl(fileDescriptor, CDAHDI_GET_BLOCKSIZE, "DAHDI_GET_BLOCKSIZE", device, &v)
        return Int(v)
    }

    /// Choose the sample format of reads and writes.
    public func setFormat(_ newFormat: SampleFormat) throws(DAHDIError) {
        let linear: Int32 = newFormat == .linear ? 1 : 0
        try dahdiIoctl(fileDescriptor, CDAHDI_SETLINEAR, "DAHDI_SETLINEAR \(linear)", device, int: linear)
        let law: Int32
        switch newFormat {
        case .aLaw: law = Int32(DAHDI_LAW_ALAW)
        case .muLaw: law = Int32(DAHDI_LAW_MULAW)
        case .spanDefault, .linear: law = Int32(DAHDI_LAW_DEFAULT)
        }
        if newFormat != .linear {
            try dahdiIoctl(fileDescriptor, CDAHDI_SETLAW, "DAHDI_SETLAW \(law)", device, int: law)
        }
        format = newFormat
    }

    /// Bytes per sample in the current format.
    public var bytesPerSample: Int { format == .linear ? 2 : 1 }

    /// Read one chunk into `buffer`; returns the byte count. Blocks until a chunk is due unless
    /// the channel is non-blocking. Throws with `isEventPending` when an event must be read first.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(DAHDIError) -> Int {
        while true {
            let n = Glibc.read(fileDescriptor, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            let e = Glibc.errno
            if e == EINTR { continue }
            throw DAHDIError(operation: "read", device: device, errno: e)
        }
    }

    /// Write audio (or a frame); returns the byte count accepted.
    public func write(_ buffer: UnsafeRawBufferPointer) throws(DAHDIError) -> Int {
        while true {
            let n = Glibc.write(fileDescriptor, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            let e = Glibc.errno
            if e == EINTR { continue }
            throw DAHDIError(operation: "write", device: device, errno: e)
        }
    }

    /// Convenience: read one chunk as bytes.
    public func readChunk(maxBytes: Int = 2048) throws(DAHDIError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: maxBytes)
        let result = bytes.withUnsafeMutableBytes { raw in Result { () throws(DAHDIError) in try read(into: raw) } }
        bytes.removeSubrange(try result.get()...)
        return bytes
    }

    /// Convenience: write all of `bytes`, looping over partial writes.
    public func writeAll(_ bytes: [UInt8]) throws(DAHDIError) {
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                Result { () throws(DAHDIError) in try write(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            }
            offset += try result.get()
        }
    }

    /// Drop buffered audio in the given directions (`DAHDI_FLUSH_READ`, `_WRITE`, `_EVENT`...).
    public func flush(_ which: Int32 = Int32(DAHDI_FLUSH_READ | DAHDI_FLUSH_WRITE)) throws(DAHDIError) {
        try dahdiIoctl(fileDescriptor, CDAHDI_FLUSH, "DAHDI_FLUSH", device, int: which)
    }

    // MARK: D-channel frames

    /// Read one HDLC frame; DAHDI appends the 2 FCS bytes, which are removed here.
    public func readFrame(maxBytes: Int = 1024) throws(DAHDIError) -> [UInt8] {
        var frame = try readChunk(maxBytes: maxBytes + 2)
        guard frame.count >= 2 else {
            throw DAHDIError(operation: "read frame (\(frame.count) bytes, shorter than the FCS)",
                             device: device, errno: EBADMSG)
        }
        frame.removeLast(2)
        return frame
    }

    /// Send one HDLC frame; DAHDI expects 2 bytes of room for the FCS it computes.
    public func writeFrame(_ payload: [UInt8]) throws(DAHDIError) {
        let framed = payload + [0, 0]
        let n = try framed.withUnsafeBytes { raw in Result { () throws(DAHDIError) in try write(raw) } }.get()
        if n != framed.count {
            throw DAHDIError(operation: "write frame (\(n) of \(framed.count) bytes)", device: device, errno: EIO)
        }
    }

    // MARK: Signalling

    /// Change the hook state or ring. On a non-blocking channel DAHDI answers EINPROGRESS for
    /// operations that take time (ring, start, wink, flash): they have started, which is success.
    public func hook(_ command: HookCommand) throws(DAHDIError) {
        do {
            try dahdiIoctl(fileDescriptor, CDAHDI_HOOK, "DAHDI_HOOK \(command)", device, int: command.rawValue)
        } catch where error.errno == EINPROGRESS {
            return
        }
    }

    /// Reverse (true) or restore (false) the line polarity on an FXS port.
    public func setPolarity(reversed: Bool) throws(DAHDIError) {
        try dahdiIoctl(fileDescriptor, CDAHDI_SETPOLARITY, "DAHDI_SETPOLARITY", device, int: reversed ? 1 : 0)
    }

    /// Set the ring cadence in ms (on, off, on, off...).
    public func setRingCadence(_ cadence: [Int]) throws(DAHDIError) {
        var c = dahdi_ring_cadence()
        let maxCount = Int(DAHDI_MAX_CADENCE)
        guard !cadence.isEmpty, cadence.count <= maxCount, cadence.allSatisfy({ $0 > 0 && $0 < 100_000 }) else {
            throw DAHDIError(operation: "DAHDI_SETCADENCE \(cadence) (1 to \(maxCount) positive ms values)",
                             device: device, errno: EINVAL)
        }
        withUnsafeMutableBytes(of: &c.ringcadence) { raw in
            let ints = raw.bindMemory(to: Int32.self)
            for (i, v) in cadence.enumerated() { ints[i] = Int32(v) }
        }
        try dahdiIoctl(fileDescriptor, CDAHDI_SETCADENCE, "DAHDI_SETCADENCE", device, &c)
    }

    /// Take the next queued event, or `nil` when none waits.
    public func nextEvent() throws(DAHDIError) -> ChannelEvent? {
        var code: Int32 = 0
        try dahdiIoctl(fileDescriptor, CDAHDI_GETEVENT, "DAHDI_GETEVENT", device, &code)
        return ChannelEvent(code: code)
    }

    /// Wait up to `timeoutMilliseconds` (-1: forever) for the channel to become ready.
    public func poll(for interest: ChannelReadiness = [.readable, .event],
                     timeoutMilliseconds: Int32) throws(DAHDIError) -> ChannelReadiness {
        var pfd = pollfd(fd: fileDescriptor, events: interest.rawValue, revents: 0)
        while true {
            let res = Glibc.poll(&pfd, 1, timeoutMilliseconds)
            if res >= 0 { return ChannelReadiness(rawValue: pfd.revents) }
            if Glibc.errno == EINTR { continue }
            throw DAHDIError(operation: "poll", device: device, errno: Glibc.errno)
        }
    }

    /// Wait for the next event up to `timeoutMilliseconds`; `nil` if none came in time.
    public func waitForEvent(timeoutMilliseconds: Int32) throws(DAHDIError) -> ChannelEvent? {
        let ready = try poll(for: .event, timeoutMilliseconds: timeoutMilliseconds)
        guard ready.contains(.event) else { return nil }
        return try nextEvent()
    }

    public func parameters() throws(DAHDIError) -> ChannelParameters {
        var p = dahdi_params()
        p.channo = 0
        try dahdiIoctl(fileDescriptor, CDAHDI_GET_PARAMS, "DAHDI_GET_PARAMS", device, &p)
        return ChannelParameters(p)
    }

    /// Set how many buffers of what size the driver keeps in each direction.
    public func setBuffers(count: Int, size: Int) throws(DAHDIError) {
        var b = dahdi_bufferinfo()
        try dahdiIoctl(fileDescriptor, CDAHDI_GET_BUFINFO, "DAHDI_GET_BUFINFO", device, &b)
        b.numbufs = try int32(count, "DAHDI_SET_BUFINFO", device)
        b.bufsize = try int32(size, "DAHDI_SET_BUFINFO", device)
        try dahdiIoctl(fileDescriptor, CDAHDI_SET_BUFINFO, "DAHDI_SET_BUFINFO \(count)x\(size)", device, &b)
    }

    /// Raw ioctl for callers that need one this type does not name (tests of error paths).
    public func rawIoctl(_ request: UInt, _ argument: UnsafeMutableRawPointer) throws(DAHDIError) {
        if cdahdi_ioctl_ptr(fileDescriptor, request, argument) < 0 {
            throw DAHDIError(operation: "ioctl 0x\(String(request, radix: 16))", device: device, errno: Glibc.errno)
        }
    }
}
