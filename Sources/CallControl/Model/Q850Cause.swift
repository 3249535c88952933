/// An ITU-T Q.850 cause: why a call ended or failed, on every network (PRI and SS7 carry it
/// directly; analog lines map their tones and battery states onto it).
public struct Q850Cause: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int

    /// Cause values are 7 bits (1-127); anything else is not a cause.
    public init?(rawValue: Int) {
        guard (1...127).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(_ value: Int) { rawValue = value }

    public static let unallocatedNumber = Q850Cause(1)
    public static let noRouteToTransitNetwork = Q850Cause(2)
    public static let noRouteToDestination = Q850Cause(3)
    public static let sendSpecialInformationTone = Q850Cause(4)
    public static let misdialledTrunkPrefix = Q850Cause(5)
    public static let channelUnacceptable = Q850Cause(6)
    public static let callAwardedInEstablishedChannel = Q850Cause(7)
    public static let preemption = Q850Cause(8)
    public static let preemptionCircuitReserved = Q850Cause(9)
    public static let normalClearing = Q850Cause(16)
    public static let userBusy = Q850Cause(17)
    public static let noUserResponding = Q850Cause(18)
    public static let noAnswer = Q850Cause(19)
    public static let subscriberAbsent = Q850Cause(20)
    public static let callRejected = Q850Cause(21)
    public static let numberChanged = Q850Cause(22)
    public static let redirectionToNewDestination = Q850Cause(23)
    public static let exchangeRoutingError = Q850Cause(25)
    public static let nonSelectedUserClearing = Q850Cause(26)
    public static let destinationOutOfOrder = Q850Cause(27)
    public static let invalidNumberFormat = Q850Cause(28)
    public static let facilityRejected = Q850Cause(29)
    public static let responseToStatusEnquiry = Q850Cause(30)
    public static let normalUnspecified = Q850Cause(31)
    public static let noCircuitAvailable = Q850Cause(34)
    public static let networkOutOfOrder = Q850Cause(38)
    public static let frameModeOutOfService = Q850Cause(39)
    public static let frameModeOperational = Q850Cause(40)
    public static let temporaryFailure = Q850Cause(41)
    public static let switchingEquipmentCongestion = Q850Cause(42)
    public static let accessInformationDiscarded = Q850Cause(43)
    public static let requestedCircuitNotAvailable = Q850Cause(44)
    public static let precedenceCallBlocked = Q850Cause(46)
    public static let resourceUnavailable = Q850Cause(47)
    public static let qualityOfServiceNotAvailable = Q850Cause(49)
    public static let facilityNotSubscribed = Q850Cause(50)
    public static let outgoingCallsBarredInCUG = Q850Cause(53)
    public static let incomingCallsBarredInCUG = Q850Cause(55)
    public static let bearerCapabilityNotAuthorized = Q850Cause(57)
    public static let bearerCapabilityNotAvailable = Q850Cause(58)
    public static let inconsistentAccessInformation = Q850Cause(62)
    public static let serviceNotAvailable = Q850Cause(63)
    public static let bearerCapabilityNotImplemented = Q850Cause(65)
    public static let channelTypeNotImplemented = Q850Cause(66)
    public static let facilityNotImplemented = Q850Cause(69)
    public static let onlyRestrictedDigitalAvailable = Q850Cause(70)
    public static let serviceNotImplemented = Q850Cause(79)
    public static let invalidCallReference = Q850Cause(81)
    public static let channelDoesNotExist = Q850Cause(82)
    public static let suspendedCallIdentityMismatch = Q850Cause(83)
    public static let callIdentityInUse = Q850Cause(84)
    public static let noCallSuspended = Q850Cause(85)
    public static let callIdentityCleared = Q850Cause(86)
    public static let userNotMemberOfCUG = Q850Cause(87)
    public static let incompatibleDestination = Q850Cause(88)
    public static let nonExistentCUG = Q850Cause(90)
    public static let invalidTransitNetwork = Q850Cause(91)
    public static let invalidMessage = Q850Cause(95)
    public static let mandatoryInformationElementMissing = Q850Cause(96)
    public static let messageTypeNonExistent = Q850Cause(97)
    public static let messageNotCompatibleWithCallState = Q850Cause(98)
    public static let informationElementNonExistent = Q850Cause(99)
    public static let invalidInformationElementContents = Q850Cause(100)
    public static let messageNotCompatibleWithState = Q850Cause(101)
    public static let recoveryOnTimerExpiry = Q850Cause(102)
    public static let parameterNonExistent = Q850Cause(103)
    public static let messageWithUnrecognizedParameter = Q850Cause(110)
    public static let protocolError = Q850Cause(111)
    public static let interworking = Q850Cause(127)

    /// The Q.850 class: bits 5-7 of the value.
    public enum CauseClass: Sendable, Equatable {
        case normal, resourceUnavailable, serviceUnavailable, serviceNotImplemented, invalidMessage,
             protocolError, interworking
    }

    public var causeClass: CauseClass {
        switch rawValue >> 4 {
        case 0, 1: return .normal
        case 2: return .resourceUnavailable
        case 3: return .serviceUnavailable
        case 4: return .serviceNotImplemented
        case 5: return .invalidMessage
        case 6: return .protocolError
        default: return .interworking
        }
    }

    /// Whether trying the same destination again later may succeed (busy, congestion, no answer,
    /// temporary failure), as a dialer or fax retry policy needs to know.
    public var isWorthRetrying: Bool {
        switch self {
        case .userBusy, .noUserResponding, .noAnswer, .subscriberAbsent, .noCircuitAvailable,
             .networkOutOfOrder, .temporaryFailure, .switchingEquipmentCongestion,
             .requestedCircuitNotAvailable, .resourceUnavailable, .destinationOutOfOrder,
             .recoveryOnTimerExpiry:
            return true
        default:
            return causeClass == .resourceUnavailable
        }
    }

    public var name: String { Self.names[rawValue] ?? "unspecified cause \(rawValue)" }
    public var description: String { "\(rawValue) (\(name))" }

    private static let names: [Int: String] = [
        1: "unallocated number", 2: "no route to transit network", 3: "no route to destination",
        4: "send special information tone", 5: "misdialled trunk prefix", 6: "channel unacceptable",
        7: "call awarded in established channel", 8: "preemption", 9: "preemption, circuit reserved",
        16: "normal clearing", 17: "user busy", 18: "no user responding", 19: "no answer",
        20: "subscriber absent", 21: "call rejected", 22: "number changed",
        23: "redirection to new destination", 25: "exchange routing error",
        26: "non-selected user clearing", 27: "destination out of order", 28: "invalid number format",
        29: "facility rejected", 30: "response to status enquiry", 31: "normal, unspecified",
        34: "no circuit/channel available", 38: "network out of order",
        39: "permanent frame mode connection out of service", 40: "permanent frame mode connection operational",
        41: "temporary failure", 42: "switching equipment congestion", 43: "access information discarded",
        44: "requested circuit/channel not available", 46: "precedence call blocked",
        47: "resource unavailable, unspecified", 49: "quality of service not available",
        50: "requested facility not subscribed", 53: "outgoing calls barred within CUG",
        55: "incoming calls barred within CUG", 57: "bearer capability not authorized",
        58: "bearer capability not presently available", 62: "inconsistency in access information",
        63: "service or option not available", 65: "bearer capability not implemented",
        66: "channel type not implemented", 69: "requested facility not implemented",
        70: "only restricted digital information bearer capability available",
        79: "service or option not implemented", 81: "invalid call reference value",
        82: "identified channel does not exist", 83: "suspended call exists, call identity does not",
        84: "call identity in use", 85: "no call suspended", 86: "call with requested identity has been cleared",
        87: "user not member of CUG", 88: "incompatible destination", 90: "non-existent CUG",
        91: "invalid transit network selection", 95: "invalid message, unspecified",
        96: "mandatory information element missing", 97: "message type non-existent or not implemented",
        98: "message not compatible with call state", 99: "information element non-existent or not implemented",
        100: "invalid information element contents", 101: "message not compatible with call state",
        102: "recovery on timer expiry", 103: "parameter non-existent or not implemented, passed on",
        110: "message with unrecognized parameter, discarded", 111: "protocol error, unspecified",
        127: "interworking, unspecified",
    ]
}
