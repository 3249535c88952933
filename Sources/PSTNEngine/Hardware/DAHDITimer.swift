import CDAHDI
import Glibc

/// `/dev/dahdi/timer`: a periodic timer paced by the DAHDI clock, for programs with no channel to read.
public final class DAHDITimer {
    public let fileDescriptor: Int32
    private let device: String

    /// Fire every `samples` samples (8 = 1 ms).
    public init(directory: DAHDIDirectory = DAHDIDirectory(), samples: Int) throws(DAHDIError) {
        device = directory.timerPath
        let interval = try int32(samples, "DAHDI_TIMERCONFIG", device)
        fileDescriptor = try directory.openDevice(directory.timerPath)
        // Every stored property is set: on failure deinit closes the descriptor.
        try dahdiIoctl(fileDescriptor, CDAHDI_TIMERCONFIG, "DAHDI_TIMERCONFIG \(samples)", device, int: interval)
    }

    deinit { Glibc.close(fileDescriptor) }

    /// Wait for the timer to fire; returns false on timeout. Acknowledges the expiry.
    public func wait(timeoutMilliseconds: Int32) throws(DAHDIError) -> Bool {
        var pfd = pollfd(fd: fileDescriptor, events: Int16(POLLPRI), revents: 0)
        while true {
            let res = Glibc.poll(&pfd, 1, timeoutMilliseconds)
            if res < 0 {
                if Glibc.errno == EINTR { continue }
                throw DAHDIError(operation: "poll", device: device, errno: Glibc.errno)
            }
            if res == 0 { return false }
            try dahdiIoctl(fileDescriptor, CDAHDI_TIMERACK, "DAHDI_TIMERACK", device, int: 1)
            return true
        }
    }
}
