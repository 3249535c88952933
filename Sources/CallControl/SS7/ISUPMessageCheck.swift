/// Checks the structure of an ISUP message (ITU-T Q.763, ANSI T1.113) before libss7 parses it:
/// libss7 trusts parameter pointers and lengths and copies numbers into fixed-size fields, so a
/// malformed message from the far end can overrun its heap. A message passes only when every
/// part libss7 will read is inside the message and every parameter it copies fits.
enum ISUPMessageCheck {
    /// What libss7 reads of one message type: the mandatory fixed part's length, the codes of the
    /// mandatory variable parameters in order, and whether it walks an optional part.
    struct Layout {
        let fixed: Int
        let variable: [UInt8]
        let optional: Bool
    }

    static let rangeAndStatus: UInt8 = 0x16
    /// Messages whose range-and-status parameter carries status bits (one per circuit in range).
    static let withStatus: Set<UInt8> = [0x18, 0x19, 0x1a, 0x1b, 0x29]

    /// libss7's view of each message type it handles. CQR (always freed by libss7 for want of a
    /// Circuit State Indicator reader) and FRJ (whose cause pointer libss7 reads as the optional
    /// pointer) are left out: they are dropped, as are types libss7 does not know.
    static func layout(_ type: UInt8, ansi: Bool) -> Layout? {
        switch type {
        case 0x01: return ansi ? Layout(fixed: 4, variable: [0x1d, 0x04], optional: true)
                               : Layout(fixed: 5, variable: [0x04], optional: true)       // IAM
        case 0x02: return Layout(fixed: 0, variable: [0x05], optional: true)              // SAM
        case 0x03: return Layout(fixed: 2, variable: [], optional: false)                 // INR
        case 0x04, 0x06, 0x07: return Layout(fixed: 2, variable: [], optional: true)      // INF ACM CON
        case 0x05: return Layout(fixed: 1, variable: [], optional: false)                 // COT
        case 0x09: return Layout(fixed: 0, variable: [], optional: true)                  // ANM
        case 0x0c: return Layout(fixed: 0, variable: [0x12], optional: true)              // REL
        case 0x0d, 0x0e, 0x1f, 0x20, 0x2c: return Layout(fixed: 1, variable: [], optional: true) // SUS RES FAR FAA CPG
        case 0x10: return Layout(fixed: 0, variable: [], optional: !ansi)                 // RLC
        case 0x11...0x16, 0x24, 0x2e: return Layout(fixed: 0, variable: [], optional: false) // CCR RSC BLO UBL BLA UBA LPA UCIC
        case 0x17, 0x29: return Layout(fixed: 0, variable: [rangeAndStatus], optional: ansi) // GRS GRA
        case 0x18...0x1b: return Layout(fixed: 1, variable: [rangeAndStatus], optional: false) // CGB CGU CGBA CGUA
        case 0x2a: return Layout(fixed: 0, variable: [rangeAndStatus], optional: false)   // CQM
        case 0x2f: return Layout(fixed: 0, variable: [0x12], optional: true)              // CFN
        case 0xeb, 0xec: return ansi ? Layout(fixed: 0, variable: [], optional: false) : nil // CVR CVT
        default: return nil
        }
    }

    /// Nil when `isup` (from the CIC on) is safe to hand to libss7; otherwise why not.
    static func problem(_ isup: ArraySlice<UInt8>, ansi: Bool) -> String? {
        let m = Array(isup)
        guard m.count >= 3 else { return "ISUP message of \(m.count) bytes has no CIC and type" }
        guard m[1] & (ansi ? 0xc0 : 0xf0) == 0 else { return "CIC spare bits set" }
        let type = m[2]
        guard let layout = layout(type, ansi: ansi) else {
            return "ISUP message type 0x\(String(type, radix: 16)) is not one the engine accepts"
        }
        var o = 3 + layout.fixed
        let pointers = layout.variable.count + (layout.optional ? 1 : 0)
        guard o + pointers <= m.count else { return "ISUP type 0x\(String(type, radix: 16)) cut short" }
        for (i, code) in layout.variable.enumerated() {
            let at = o + i
            guard m[at] != 0 else { return "mandatory parameter 0x\(String(code, radix: 16)) has a zero pointer" }
            let start = at + Int(m[at])
            guard start < m.count, start + 1 + Int(m[start]) <= m.count else {
                return "mandatory parameter 0x\(String(code, radix: 16)) points outside the message"
            }
            let value = m[(start + 1)..<(start + 1 + Int(m[start]))]
            if let why = parameterProblem(code, value, type: type, ansi: ansi) { return why }
        }
        o += layout.variable.count
        guard layout.optional, m[o] != 0 else { return nil }
        var s = o + Int(m[o])
        while s < m.count {
            let code = m[s]
            if code == 0 { return nil }
            guard s + 1 < m.count, s + 2 + Int(m[s + 1]) <= m.count else {
                return "optional parameter 0x\(String(code, radix: 16)) runs past the message"
            }
            let value = m[(s + 2)..<(s + 2 + Int(m[s + 1]))]
            if let why = parameterProblem(code, value, type: type, ansi: ansi) { return why }
            s += 2 + value.count
        }
        return "the optional part has no end-of-parameters octet"
    }

    /// The lengths libss7's reader of each parameter copes with (numbers go into 64-byte
    /// fields, the generic name into 16, and fixed-size readers set how far the walk advances).
    static func parameterProblem(_ code: UInt8, _ value: ArraySlice<UInt8>, type: UInt8, ansi: Bool) -> String? {
        let n = value.count
        let allowed: ClosedRange<Int>
        switch code {
        case 0x04, 0x0a, 0x0b, 0x21, 0x28, 0xeb, 0xe4: allowed = 2...33
        case 0x05, 0xc1: allowed = 1...32
        case 0xc0: allowed = 3...34
        case 0xc4: allowed = 1...31
        case 0xc7: allowed = 1...16
        case 0x12: allowed = 2...32
        case 0x01: allowed = (ansi ? 6 : 5)...16
        case 0x02, 0x06, 0x08, 0x09, 0x10, 0x15, 0x18, 0x22, 0x24, 0x29, 0x3d, 0x77, 0xea: allowed = 1...1
        case 0x07, 0x0e, 0x0f, 0x11, 0x13: allowed = 2...2
        case 0x1a: allowed = 4...4
        case rangeAndStatus:
            guard let range = value.first, range <= 31 else { return "range of \(value.first ?? 0) circuits is over Q.763's 31" }
            let statusBytes = withStatus.contains(type) ? (Int(range) + 1 + 7) / 8 : 0
            allowed = (1 + statusBytes)...(1 + max(statusBytes, 4))
        default: return nil
        }
        return allowed.contains(n) ? nil : "parameter 0x\(String(code, radix: 16)) of \(n) bytes (\(allowed.lowerBound)-\(allowed.upperBound) allowed)"
    }
}
