import CDAHDI
import Glibc

/// The DAHDI control device (`ctl`): span status, alarms and span maintenance.
public final class DAHDIControl {
    public let directory: DAHDIDirectory
    private let fd: Int32

    public init(directory: DAHDIDirectory = DAHDIDirectory()) throws(DAHDIError) {
        self.directory = directory
        self.fd = try directory.openDevice(directory.controlPath)
    }

    deinit { Glibc.close(fd) }

    /// Status of span `number` (1-based).
    public func spanStatus(_ number: Int) throws(DAHDIError) -> SpanStatus {
        var raw = cdahdi_span_status()
        if cdahdi_spanstat(fd, try int32(number, "DAHDI_SPANSTAT", directory.controlPath), &raw) < 0 {
            throw DAHDIError(operation: "DAHDI_SPANSTAT span \(number)", device: directory.controlPath,
                             errno: Glibc.errno)
        }
        return SpanStatus(raw)
    }

    /// Every span the driver has, in order; span numbers may have gaps, as on real systems.
    public func spans() throws(DAHDIError) -> [SpanStatus] {
        var result: [SpanStatus] = []
        for number in 1..<Int(DAHDI_MAX_SPANS) {
            do {
                result.append(try spanStatus(number))
            } catch {
                if error.errno == EINVAL || error.errno == ENXIO { continue }
                throw error
            }
        }
        return result
    }

    /// Parameters of any channel by number, without opening it.
    public func channelParameters(_ channel: Int) throws(DAHDIError) -> ChannelParameters {
        var p = dahdi_params()
        p.channo = try int32(channel, "DAHDI_GET_PARAMS", directory.controlPath)
        try dahdiIoctl(fd, CDAHDI_GET_PARAMS, "DAHDI_GET_PARAMS channel \(channel)", directory.controlPath, &p)
        return ChannelParameters(p)
    }

    /// The driver's version and echo canceller names.
    public func version() throws(DAHDIError) -> (version: String, echoCanceller: String) {
        var v = dahdi_versioninfo()
        try dahdiIoctl(fd, CDAHDI_GETVERSION, "DAHDI_GETVERSION", directory.controlPath, &v)
        return (cString(v.version), cString(v.echo_canceller))
    }

    /// Put a span in or out of a maintenance mode (`DAHDI_MAINT_*`).
    public func maintenance(span: Int, command: Int32) throws(DAHDIError) {
        var m = dahdi_maintinfo(spanno: try int32(span, "DAHDI_MAINT", directory.controlPath), command: command)
        try dahdiIoctl(fd, CDAHDI_MAINT, "DAHDI_MAINT span \(span) command \(command)", directory.controlPath, &m)
    }
}
