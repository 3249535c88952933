import Foundation

/// The small lab the hardware tests run on: two E1 spans crossed over (channels 1-31 and 32-62,
/// D-channels 16 and 47) and one analog line from an FXS port (63) to an FXO port (64).
enum LabFixtures {
    static let twoSpansAndALine = """
    cards:
      - name: engine
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
      - name: carrier
        spans:
          - { type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: pri }
      - name: stations
        ports: [fxs]
      - name: phones
        ports: [fxo]
    cables:
      - { name: trunk, a: engine/span1, b: carrier/span1 }
      - { name: line, a: stations/port1, b: phones/port1 }
    """

    static let engineB1 = 1
    static let carrierB1 = 32
    static let engineD = 16
    static let carrierD = 47
    static let fxsPort = 63
    static let fxoPort = 64
}

/// A deterministic byte pattern, different for each seed.
func pattern(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state >> 24)
    }
}

/// Where `needle` first occurs in `haystack`.
func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard needle.count <= haystack.count, let first = needle.first else { return nil }
    var i = 0
    while i + needle.count <= haystack.count {
        if haystack[i] == first && Array(haystack[i..<(i + needle.count)]) == needle { return i }
        i += 1
    }
    return nil
}

