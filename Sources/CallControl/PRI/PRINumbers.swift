import CLibPRI

/// The Q.931 encodings libpri uses for numbers: type and plan in one octet, presentation and
/// screening in another.
enum PRINumbers {
    static func party(digits: String, plan octet: Int32, presentation pres: Int32) -> PartyNumber {
        PartyNumber(digits,
                    type: PartyNumber.NumberType(rawValue: Int((octet >> 4) & 0x7)) ?? .unknown,
                    plan: PartyNumber.NumberingPlan(rawValue: Int(octet & 0xF)) ?? .unknown,
                    presentation: PartyNumber.Presentation(rawValue: Int((pres >> 5) & 0x3)) ?? .allowed,
                    screening: PartyNumber.Screening(rawValue: Int(pres & 0x3)) ?? .userProvidedNotScreened)
    }

    static func planOctet(_ n: PartyNumber) -> Int32 {
        Int32(n.type.rawValue << 4 | n.plan.rawValue)
    }

    static func presentationOctet(_ n: PartyNumber) -> Int32 {
        Int32(n.presentation.rawValue << 5 | n.screening.rawValue)
    }

    /// A C string field of a libpri event (a fixed-size char tuple).
    static func string<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }

    /// Only the characters a dialled number may hold; anything else from the wire is dropped.
    static func digits(_ s: String) -> String {
        String(s.filter { "0123456789*#ABCDabcd".contains($0) }.prefix(64))
    }
}
