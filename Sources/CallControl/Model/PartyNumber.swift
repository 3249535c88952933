/// A telephone number as signalling carries it: the digits and how to read them.
///
/// PRI (Q.931 calling/called party number), ISUP (calling/called party number parameters) and
/// analog caller ID all map onto this one type; fields a network does not carry stay at their
/// defaults.
public struct PartyNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Digits 0-9, and `*`, `#`, `A`-`D` where the network allows them.
    public var digits: String
    public var type: NumberType
    public var plan: NumberingPlan
    public var presentation: Presentation
    public var screening: Screening

    public init(_ digits: String, type: NumberType = .unknown, plan: NumberingPlan = .isdn,
                presentation: Presentation = .allowed, screening: Screening = .userProvidedNotScreened) {
        self.digits = digits
        self.type = type
        self.plan = plan
        self.presentation = presentation
        self.screening = screening
    }

    public var description: String { digits.isEmpty ? "<none>" : digits }

    /// Q.931 / Q.763 type of number (the 3-bit field of ISDN; ISUP's nature of address maps to it).
    public enum NumberType: Int, Sendable, Hashable, Codable {
        case unknown = 0, international = 1, national = 2, networkSpecific = 3, subscriber = 4,
             abbreviated = 6
    }

    /// Q.931 numbering plan identification.
    public enum NumberingPlan: Int, Sendable, Hashable, Codable {
        case unknown = 0, isdn = 1, data = 3, telex = 4, national = 8, privatePlan = 9
    }

    /// Whether the number may be shown to the other party.
    public enum Presentation: Int, Sendable, Hashable, Codable {
        case allowed = 0, restricted = 1, unavailable = 2
    }

    /// Who vouches for the number.
    public enum Screening: Int, Sendable, Hashable, Codable {
        case userProvidedNotScreened = 0, userProvidedPassed = 1, userProvidedFailed = 2, networkProvided = 3
    }
}

/// The number a call was diverted from, and why (Q.931 redirecting number, ISUP redirecting number
/// and redirection information).
public struct RedirectingNumber: Sendable, Hashable, Codable {
    public var number: PartyNumber
    public var reason: Reason
    /// How many times the call has been diverted, when the network says.
    public var count: Int?

    public init(number: PartyNumber, reason: Reason = .unknown, count: Int? = nil) {
        self.number = number
        self.reason = reason
        self.count = count
    }

    /// Q.931 reason for redirection.
    public enum Reason: Int, Sendable, Hashable, Codable {
        case unknown = 0, busy = 1, noReply = 2, deflection = 4, outOfOrder = 9, unconditional = 15
    }
}
