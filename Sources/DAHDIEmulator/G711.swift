import CSpanDSP

/// A companding law and its silence byte; conversions come from spandsp.
enum CompandingLaw: Sendable, Equatable {
    case aLaw
    case muLaw

    var idleByte: UInt8 { self == .aLaw ? 0xD5 : 0xFF }

    func decode(_ byte: UInt8) -> Int16 {
        self == .aLaw ? alaw_to_linear(byte) : ulaw_to_linear(byte)
    }

    func encode(_ sample: Int16) -> UInt8 {
        self == .aLaw ? linear_to_alaw(Int32(sample)) : linear_to_ulaw(Int32(sample))
    }

    /// DAHDI's `DAHDI_LAW_*` value.
    var dahdiValue: Int32 { self == .aLaw ? 2 : 1 }
}
