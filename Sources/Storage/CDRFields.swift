import CallControl
import GRDB

/// What a call's CDR row and each leg's row both record: where the call came or went, its
/// numbers, its times and how it ended.
public struct CDRFields: Sendable, Equatable {
    public var direction: CallDirection
    public var trunkGroup: String
    /// The backend (span or linkset) that carried it.
    public var backend: String
    public var channel: Int?
    public var calling: String?
    public var callingType: PartyNumber.NumberType?
    public var callingPresentation: PartyNumber.Presentation?
    public var callingName: String?
    public var called: String
    public var calledType: PartyNumber.NumberType
    public var redirecting: String?
    public var redirectingReason: RedirectingNumber.Reason?
    public var offeredAt: WallTime
    public var answeredAt: WallTime?
    public var releasedAt: WallTime?
    public var cause: Q850Cause?
    public var releasedBy: SignallingIndication.Releaser?
    /// Where the router sent it, as the routing table names it ("app ivr(main)", "trunk group out").
    public var destination: String?
    /// The application that handled it, when it was routed to one.
    public var application: String?
    /// The recording made of it, when one was.
    public var recordingID: String?
    public var state: CDRState

    /// The fields of a leg as call control reports it.
    init(_ leg: CallLeg, state: CDRState) {
        direction = leg.direction
        trunkGroup = leg.trunkGroup
        backend = leg.backend
        channel = leg.channel
        calling = leg.setup.calling?.digits
        callingType = leg.setup.calling?.type
        callingPresentation = leg.setup.calling?.presentation
        callingName = leg.setup.callingName
        called = leg.setup.called.digits
        calledType = leg.setup.called.type
        redirecting = leg.setup.redirecting?.number.digits
        redirectingReason = leg.setup.redirecting?.reason
        offeredAt = leg.offeredAt
        answeredAt = leg.answeredAt
        releasedAt = leg.releasedAt
        cause = leg.cause
        releasedBy = leg.releasedBy
        self.state = state
    }

    /// Reads a `calls` or `legs` row; a value the columns allow but the model does not (a cause
    /// of 500 written by hand) is a decoding error, never a crash.
    init(row: Row) throws {
        direction = try Self.required(CallDirection.self, row, "direction")
        trunkGroup = try row.decode(String.self, forColumn: "trunk_group")
        backend = try row.decode(String.self, forColumn: "backend")
        channel = try row.decode(Int?.self, forColumn: "channel")
        calling = try row.decode(String?.self, forColumn: "calling")
        callingType = try Self.optional(PartyNumber.NumberType.self, row, "calling_type")
        callingPresentation = try Self.optional(PartyNumber.Presentation.self, row, "calling_presentation")
        callingName = try row.decode(String?.self, forColumn: "calling_name")
        called = try row.decode(String.self, forColumn: "called")
        calledType = try Self.required(PartyNumber.NumberType.self, row, "called_type")
        redirecting = try row.decode(String?.self, forColumn: "redirecting")
        redirectingReason = try Self.optional(RedirectingNumber.Reason.self, row, "redirecting_reason")
        offeredAt = WallTime(secondsSince1970: try row.decode(Double.self, forColumn: "offered_at"))
        answeredAt = try row.decode(Double?.self, forColumn: "answered_at").map(WallTime.init(secondsSince1970:))
        releasedAt = try row.decode(Double?.self, forColumn: "released_at").map(WallTime.init(secondsSince1970:))
        cause = try Self.optional(Q850Cause.self, row, "cause")
        releasedBy = try Self.optional(SignallingIndication.Releaser.self, row, "released_by")
        destination = try row.decode(String?.self, forColumn: "destination")
        application = try row.decode(String?.self, forColumn: "application")
        recordingID = try row.decode(String?.self, forColumn: "recording_id")
        state = try Self.required(CDRState.self, row, "state")
    }

    /// Each column and its value, in table order.
    var columns: [(name: String, value: (any DatabaseValueConvertible)?)] {
        [("direction", direction.rawValue), ("trunk_group", trunkGroup), ("backend", backend),
         ("channel", channel), ("calling", calling), ("calling_type", callingType?.rawValue),
         ("calling_presentation", callingPresentation?.rawValue), ("calling_name", callingName),
         ("called", called), ("called_type", calledType.rawValue), ("redirecting", redirecting),
         ("redirecting_reason", redirectingReason?.rawValue), ("offered_at", offeredAt.secondsSince1970),
         ("answered_at", answeredAt?.secondsSince1970), ("released_at", releasedAt?.secondsSince1970),
         ("cause", cause?.rawValue), ("released_by", releasedBy?.rawValue), ("destination", destination),
         ("application", application), ("recording_id", recordingID), ("state", state.rawValue)]
    }

    /// The columns a `CallLeg` knows; the others (routing, recording) are written by their own events.
    var legColumns: [(name: String, value: (any DatabaseValueConvertible)?)] {
        columns.filter { !["destination", "application", "recording_id"].contains($0.name) }
    }

    /// What a release writes: the leg's columns, except an answer time the leg lacks, so that the
    /// one its answered event wrote stays.
    var releaseColumns: [(name: String, value: (any DatabaseValueConvertible)?)] {
        legColumns.filter { $0.name != "answered_at" || $0.value != nil }
    }

    private static func optional<T: RawRepresentable>(_ type: T.Type, _ row: Row, _ column: String) throws -> T?
    where T.RawValue: DatabaseValueConvertible {
        guard let raw = try row.decode(T.RawValue?.self, forColumn: column) else { return nil }
        guard let value = T(rawValue: raw) else { throw UnreadableValue(column: column, value: "\(raw)") }
        return value
    }

    private static func required<T: RawRepresentable>(_ type: T.Type, _ row: Row, _ column: String) throws -> T
    where T.RawValue: DatabaseValueConvertible {
        guard let value = try optional(type, row, column) else { throw UnreadableValue(column: column, value: "NULL") }
        return value
    }
}

/// A stored value the model has no meaning for.
struct UnreadableValue: Error, CustomStringConvertible {
    let column: String
    let value: String
    var description: String { "column \(column) holds \(value), which is not a valid value" }
}
