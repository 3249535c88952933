import CDAHDI
import Glibc

/// Where the DAHDI device files live (`/dev/dahdi` on a server with cards, any mount point of
/// `dahdi-emu` in the lab), and the one place that opens them.
public struct DAHDIDirectory: Sendable, Equatable {
    public var path: String

    public init(_ path: String = "/dev/dahdi") {
        self.path = path
    }

    public var controlPath: String { path + "/ctl" }
    public var channelPath: String { path + "/channel" }
    public var pseudoPath: String { path + "/pseudo" }
    public var timerPath: String { path + "/timer" }

    /// Open one of the device files read-write; a failure says which file and why.
    func openDevice(_ file: String, nonBlocking: Bool = false) throws(DAHDIError) -> Int32 {
        var flags = O_RDWR | O_CLOEXEC
        if nonBlocking { flags |= O_NONBLOCK }
        let fd = Glibc.open(file, flags)
        if fd < 0 {
            throw DAHDIError(operation: "open", device: file, errno: Glibc.errno)
        }
        return fd
    }
}

/// Issue an ioctl with a pointer argument, turning a failure into a `DAHDIError`.
func dahdiIoctl<T>(_ fd: Int32, _ request: UInt, _ name: String, _ device: String,
                   _ value: inout T) throws(DAHDIError) {
    let res = withUnsafeMutablePointer(to: &value) { cdahdi_ioctl_ptr(fd, request, $0) }
    if res < 0 {
        throw DAHDIError(operation: name, device: device, errno: Glibc.errno)
    }
}

/// Issue an ioctl whose argument is a pointer to one int.
func dahdiIoctl(_ fd: Int32, _ request: UInt, _ name: String, _ device: String,
                int value: Int32) throws(DAHDIError) {
    var v = value
    try dahdiIoctl(fd, request, name, device, &v)
}


/// A caller's number as the C int an ioctl takes; out of range is EINVAL, not a trap.
func int32(_ value: Int, _ operation: String, _ device: String) throws(DAHDIError) -> Int32 {
    guard let v = Int32(exactly: value) else {
        throw DAHDIError(operation: "\(operation) \(value) (out of range)", device: device, errno: EINVAL)
    }
    return v
}
