import Glibc

/// Writes a classic pcap file (the format tshark and Wireshark read) of signalling frames:
/// ISDN D-channel frames as LINUX_LAPD with its pseudo-header, SS7 frames as MTP2.
public final class PcapWriter {
    /// The link types the engine captures.
    public enum LinkType: UInt32, Sendable {
        /// Q.921 frames with the 16-byte Linux LAPD pseudo-header (DLT_LINUX_LAPD).
        case linuxLAPD = 177
        /// MTP2 frames without FCS (DLT_MTP2).
        case mtp2 = 140
    }

    /// Which way a frame went, seen from the side that captures.
    public enum Direction: Sendable {
        case received, sent
    }

    public let path: String
    public let linkType: LinkType
    /// For LAPD: whether the capturing side is the network side (Wireshark uses it to tell
    /// commands from responses).
    public let networkSide: Bool
    private var file: UnsafeMutablePointer<FILE>?

    public init(path: String, linkType: LinkType, networkSide: Bool = false) throws(CallControlError) {
        self.path = path
        self.linkType = linkType
        self.networkSide = networkSide
        guard let f = fopen(path, "wb") else {
            throw CallControlError("open capture file \(path)", String(cString: strerror(errno)))
        }
        file = f
        var header: [UInt8] = []
        header.appendLittleEndian(UInt32(0xA1B2_C3D4))
        header.appendLittleEndian(UInt16(2))
        header.appendLittleEndian(UInt16(4))
        header.appendLittleEndian(UInt32(0))
        header.appendLittleEndian(UInt32(0))
        header.appendLittleEndian(UInt32(65535))
        header.appendLittleEndian(linkType.rawValue)
        guard fwrite(header, 1, header.count, f) == header.count else {
            fclose(f)
            file = nil
            throw CallControlError("write capture header to \(path)", String(cString: strerror(errno)))
        }
        fflush(f)
    }

    deinit { close() }

    /// Append one frame (without FCS).
    public func write(_ frame: [UInt8], direction: Direction) {
        guard let file else { return }
        var body: [UInt8] = []
        if linkType == .linuxLAPD {
            body.appendBigEndian(UInt16(direction == .sent ? 4 : 0))   // packet type: outgoing / to us
            body.appendBigEndian(UInt16(0))                            // hardware type
            body.appendBigEndian(UInt16(1))                            // address length
            body += [networkSide ? 1 : 0, 0, 0, 0, 0, 0, 0, 0]          // address: network side or not
            body.appendBigEndian(UInt16(0x0030))                       // ETH_P_LAPD
        }
        body += frame
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var record: [UInt8] = []
        record.appendLittleEndian(UInt32(truncatingIfNeeded: ts.tv_sec))
        record.appendLittleEndian(UInt32(ts.tv_nsec / 1000))
        record.appendLittleEndian(UInt32(body.count))
        record.appendLittleEndian(UInt32(body.count))
        record += body
        _ = fwrite(record, 1, record.count, file)
        fflush(file)
    }

    public func close() {
        if let file { fclose(file) }
        file = nil
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }

    mutating func appendBigEndian<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.bigEndian) { append(contentsOf: $0) }
    }
}
