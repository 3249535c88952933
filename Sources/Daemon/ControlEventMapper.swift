import CallControl
import Control
import Foundation
import Synchronization

/// Turns call control's events into the control socket's events: a kind (`call.offered`,
/// `call.released`, `channel.state`, `link.down`...), the trunk each concerns (for `spans`
/// filters, also for events that carry only a call id) and the same fields as the event log.
final class ControlEventMapper: Sendable {
    private let trunkOfCall = Mutex<[CallID: String]>([:])

    func map(_ event: CallEvent) -> ControlEvent? {
        guard let logged = LoggedEvent(event), let body = try? JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(logged)) else {
            return nil
        }
        var trunk: String?
        let kind: String
        switch event {
        case let .offered(leg), let .placed(leg, _):
            trunkOfCall.withLock { $0[leg.id] = leg.backend }
            trunk = leg.backend
            kind = "call.\(logged.event)"
        case let .released(leg):
            trunkOfCall.withLock { $0[leg.id] = nil }
            trunk = leg.backend
            kind = "call.released"
        case let .routed(id, _, _), let .alerting(id), let .progress(id, _), let .answered(id), let .bridged(id, _),
             let .dtmf(id, _, _), let .tone(id, _), let .flash(id), let .playFinished(id, _, _),
             let .silence(id, _):
            trunk = trunkOfCall.withLock { $0[id] }
            kind = "call.\(logged.event)"
        case let .channelState(backend, _):
            trunk = backend
            kind = "channel.state"
        case let .link(backend, up):
            trunk = backend
            kind = up ? "link.up" : "link.down"
        case let .protocolError(backend, _):
            trunk = backend
            kind = "protocol.error"
        case .recordingClosed:
            return nil
        }
        return ControlEvent(kind: kind, span: trunk, body: body)
    }
}
