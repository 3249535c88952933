/// The HDLC frame check sequence, computed independently of the code under test.
/// CRC-16/X.25 as HDLC computes the FCS, low byte first on the wire.
public func hdlcFCS(_ bytes: [UInt8]) -> [UInt8] {
    var crc: UInt16 = 0xFFFF
    for b in bytes {
        crc ^= UInt16(b)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x8408 : crc >> 1 }
    }
    crc ^= 0xFFFF
    return [UInt8(crc & 0xFF), UInt8(crc >> 8)]
}
