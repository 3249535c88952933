import CLibSS7

/// The ISUP encodings of numbers and circuit ranges, as libss7 takes and gives them.
enum SS7Numbers {
    static func nai(_ type: PartyNumber.NumberType) -> UInt8 {
        switch type {
        case .subscriber: UInt8(SS7_NAI_SUBSCRIBER)
        case .national: UInt8(SS7_NAI_NATIONAL)
        case .international: UInt8(SS7_NAI_INTERNATIONAL)
        case .networkSpecific: UInt8(SS7_NAI_NETWORKROUTED)
        default: UInt8(SS7_NAI_UNKNOWN)
        }
    }

    static func type(_ nai: UInt8) -> PartyNumber.NumberType {
        switch Int32(nai) {
        case SS7_NAI_SUBSCRIBER: .subscriber
        case SS7_NAI_NATIONAL: .national
        case SS7_NAI_INTERNATIONAL: .international
        case SS7_NAI_NETWORKROUTED: .networkSpecific
        default: .unknown
        }
    }

    static func presentation(_ p: PartyNumber.Presentation) -> UInt8 {
        switch p {
        case .allowed: UInt8(SS7_PRESENTATION_ALLOWED)
        case .restricted: UInt8(SS7_PRESENTATION_RESTRICTED)
        case .unavailable: UInt8(SS7_PRESENTATION_ADDR_NOT_AVAILABLE)
        }
    }

    static func presentation(_ p: UInt8) -> PartyNumber.Presentation {
        switch Int32(p) {
        case SS7_PRESENTATION_RESTRICTED: .restricted
        case SS7_PRESENTATION_ADDR_NOT_AVAILABLE: .unavailable
        default: .allowed
        }
    }

    static func screening(_ s: PartyNumber.Screening) -> UInt8 {
        switch s {
        case .userProvidedNotScreened: UInt8(SS7_SCREENING_USER_PROVIDED_NOT_VERIFIED)
        case .userProvidedPassed: UInt8(SS7_SCREENING_USER_PROVIDED)
        case .userProvidedFailed: UInt8(SS7_SCREENING_NETWORK_PROVIDED_FAILED)
        case .networkProvided: UInt8(SS7_SCREENING_NETWORK_PROVIDED)
        }
    }

    static func screening(_ s: UInt8) -> PartyNumber.Screening {
        switch Int32(s) {
        case SS7_SCREENING_USER_PROVIDED: .userProvidedPassed
        case SS7_SCREENING_NETWORK_PROVIDED_FAILED: .userProvidedFailed
        case SS7_SCREENING_NETWORK_PROVIDED: .networkProvided
        default: .userProvidedNotScreened
        }
    }

    /// Contiguous runs of CICs, each at most `maximum` long (group messages cover up to 32).
    static func ranges(_ cics: [Int], maximum: Int = 32) -> [ClosedRange<Int>] {
        var out: [ClosedRange<Int>] = []
        for cic in cics.sorted() {
            if let last = out.last, last.upperBound + 1 == cic, last.count < maximum {
                out[out.count - 1] = last.lowerBound...cic
            } else {
                out.append(cic...cic)
            }
        }
        return out
    }

    /// Entry `i` of a libss7 status tuple.
    static func status<T>(_ tuple: T, _ i: Int) -> UInt8 {
        withUnsafeBytes(of: tuple) { raw in i < raw.count ? raw[i] : 0 }
    }

    static func statusArray<T>(_ tuple: T) -> [UInt8] {
        withUnsafeBytes(of: tuple) { Array($0) }
    }
}
