import CSpanDSP

/// G.711 companding between the line's bytes and linear samples: decoding through 256-entry
/// tables built once, encoding through spandsp. Both directions allocate nothing.
public enum G711: Sendable {
    case aLaw
    case muLaw

    private static let aLawTable: [Int16] = (0...255).map { alaw_to_linear(UInt8($0)) }
    private static let muLawTable: [Int16] = (0...255).map { ulaw_to_linear(UInt8($0)) }

    /// The byte a silent line carries.
    public var silence: UInt8 { self == .aLaw ? 0xD5 : 0xFF }

    @inline(__always)
    public func decode(_ byte: UInt8) -> Int16 {
        self == .aLaw ? Self.aLawTable[Int(byte)] : Self.muLawTable[Int(byte)]
    }

    @inline(__always)
    public func encode(_ sample: Int16) -> UInt8 {
        self == .aLaw ? linear_to_alaw(Int32(sample)) : linear_to_ulaw(Int32(sample))
    }

    /// Decode a chunk; `output` must be at least as long as `input`.
    public func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>) {
        let table = self == .aLaw ? Self.aLawTable : Self.muLawTable
        table.withUnsafeBufferPointer { t in
            for i in 0..<min(input.count, output.count) { output[i] = t[Int(input[i])] }
        }
    }

    /// Encode a chunk; `output` must be at least as long as `input`.
    public func encode(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) {
        for i in 0..<min(input.count, output.count) { output[i] = encode(input[i]) }
    }
}
