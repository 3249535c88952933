import CallControl
import Foundation

/// The JSON object stored with an event in a call's log; fields an event lacks are left out.
struct EventDetail: Encodable {
    var backend: String?
    var trunkGroup: String?
    var channel: Int?
    var calling: String?
    var called: String?
    var destination: String?
    var rule: String?
    /// The call a placed leg was placed for (its `CallID` in this run).
    var placedFor: UInt64?
    var inbandAudio: Bool?
    /// The other leg of a bridge.
    var bridgedWith: UInt64?
    var digit: String?
    var milliseconds: Int?
    var tone: String?
    var cause: Int?
    var releasedBy: String?

    init() {}

    init(_ leg: CallLeg) {
        backend = leg.backend
        trunkGroup = leg.trunkGroup
        channel = leg.channel
        calling = leg.setup.calling?.digits
        called = leg.setup.called.digits
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// How a call event reads in the log: which leg, what kind, with what details. Events that belong
/// to no call (link, channel state, protocol errors) have no entry.
struct EventLogEntry {
    let leg: CallID
    let kind: String
    let detail: EventDetail

    init?(_ event: CallEvent) {
        var detail = EventDetail()
        switch event {
        case let .offered(leg):
            (self.leg, kind, detail) = (leg.id, "offered", EventDetail(leg))
        case let .routed(id, destination, rule):
            detail.destination = destination.description
            detail.rule = rule
            (leg, kind) = (id, "routed")
        case let .placed(leg, parent):
            detail = EventDetail(leg)
            detail.placedFor = parent?.value
            (self.leg, kind) = (leg.id, "placed")
        case let .alerting(id):
            (leg, kind) = (id, "alerting")
        case let .progress(id, inband):
            detail.inbandAudio = inband
            (leg, kind) = (id, "progress")
        case let .answered(id):
            (leg, kind) = (id, "answered")
        case let .bridged(a, b):
            detail.bridgedWith = b.value
            (leg, kind) = (a, "bridged")
        case let .released(leg):
            detail = EventDetail(leg)
            detail.cause = leg.cause?.rawValue
            detail.releasedBy = leg.releasedBy?.rawValue
            (self.leg, kind) = (leg.id, "released")
        case let .dtmf(id, digit, ms):
            detail.digit = String(digit)
            detail.milliseconds = ms
            (leg, kind) = (id, "dtmf")
        case let .tone(id, tone):
            detail.tone = tone
            (leg, kind) = (id, "tone")
        case let .flash(id):
            (leg, kind) = (id, "flash")
        case .channelState, .link, .protocolError, .playFinished, .recordingClosed, .silence:
            return nil
        }
        self.detail = detail
    }
}
