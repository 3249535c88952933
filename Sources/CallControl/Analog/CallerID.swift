/// What analog caller ID carried for one call: the number (or why it is absent) and the name.
public struct CallerID: Sendable, Hashable {
    /// Why a number or name is not given (ETSI "reason for absence", Bell "O"/"P").
    public enum Absence: Sendable, Hashable {
        case unavailable
        case restricted
    }

    public var number: String?
    public var name: String?
    /// Set when the sender said the number is withheld or unknown.
    public var numberAbsence: Absence?

    public init(number: String? = nil, name: String? = nil, numberAbsence: Absence? = nil) {
        self.number = number
        self.name = name
        self.numberAbsence = numberAbsence
    }

    /// The calling party as the call model carries it.
    public var callingParty: PartyNumber? {
        if let number, !number.isEmpty { return PartyNumber(number) }
        switch numberAbsence {
        case .restricted: return PartyNumber("", presentation: .restricted)
        case .unavailable: return PartyNumber("", presentation: .unavailable)
        case nil: return nil
        }
    }

    /// Caller ID for an outgoing ring, from the call's setup.
    public init(setup: CallSetup) {
        let calling = setup.calling
        switch calling?.presentation {
        case .restricted?: self.init(numberAbsence: .restricted)
        case .unavailable?: self.init(numberAbsence: .unavailable)
        default:
            let digits = calling?.digits ?? ""
            self.init(number: digits.isEmpty ? nil : digits, name: setup.callingName,
                      numberAbsence: digits.isEmpty ? .unavailable : nil)
        }
    }
}

/// How caller ID travels on a line.
public enum CallerIDSignalling: String, Sendable, Hashable, Codable {
    /// None is sent or expected.
    case none
    /// Bell 202 FSK between the first and second ring (North America).
    case bell202
    /// ITU-T V.23 FSK between the first and second ring (ETSI EN 300 659, most of Europe, China).
    case v23
    /// DTMF before the first ring (ETSI EN 300 659-1 Annex B; China, Denmark, Brazil...).
    case dtmf

    /// The spandsp ADSI standard for the FSK kinds.
    var adsiStandard: Int32? {
        switch self {
        case .bell202: return 1 // ADSI_STANDARD_CLASS
        case .v23: return 2 // ADSI_STANDARD_CLIP
        case .none, .dtmf: return nil
        }
    }
}
