import Glibc

/// A failure of a DAHDI operation: what was being done, on which device, and the errno the kernel
/// (or the emulator) answered with.
public struct DAHDIError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The operation that failed, e.g. "DAHDI_SPECIFY channel 5" or "read".
    public let operation: String
    /// The device path or channel the operation was done on.
    public let device: String
    /// The errno value; 0 when the failure was detected in Swift (e.g. a malformed frame).
    public let errno: Int32

    public init(operation: String, device: String, errno: Int32) {
        self.operation = operation
        self.device = device
        self.errno = errno
    }

    /// DAHDI's "an event is pending" answer to read and write.
    public var isEventPending: Bool { errno == DAHDIErrno.eventPending }
    /// The call would have blocked on a non-blocking descriptor.
    public var wouldBlock: Bool { errno == EAGAIN || errno == EWOULDBLOCK }

    public var description: String {
        let reason = errno == 0 ? "failed" : "failed: \(String(cString: strerror(errno))) (errno \(errno))"
        return "\(operation) on \(device) \(reason)"
    }
}

/// errno values specific to DAHDI.
public enum DAHDIErrno {
    /// `ELAST` (500): DAHDI's read/write answer while an event waits for `DAHDI_GETEVENT`.
    public static let eventPending: Int32 = 500
}
