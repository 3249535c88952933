import CallControl
import CoreMetrics
import Prometheus
import PSTNEngine
import Synchronization

/// The daemon's figures, kept through swift-metrics with a Prometheus registry behind them and
/// exported in Prometheus text format on request (`pstnctl metrics`): calls active per trunk,
/// offered, answered and failed (by cause), media deadline misses, span alarms, campaigns' contacts.
public final class DaemonMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let state = Mutex<State>(State())

    private struct State {
        var trunkOfCall: [CallID: String] = [:]
        var active: [String: Int] = [:]
        /// The highest media counts exported so far, per thread (a group's counts never go back:
        /// its statistics live as long as the daemon).
        var mediaExported: [Int: (misses: Int, refused: Int)] = [:]
        /// The campaigns whose contacts were last exported.
        var campaignsExported: Set<String> = []
    }

    public init() {
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// Count one call event.
    public func record(_ event: CallEvent) {
        switch event {
        case let .offered(leg), let .placed(leg, _):
            let direction = leg.direction == .inbound ? "inbound" : "outbound"
            counter("pstn_calls_offered_total", [("trunk", leg.backend), ("direction", direction)]).increment()
            let active = state.withLock { s -> Int in
                s.trunkOfCall[leg.id] = leg.backend
                s.active[leg.backend, default: 0] += 1
                return s.active[leg.backend] ?? 0
            }
            gauge("pstn_calls_active", [("trunk", leg.backend)]).record(active)
        case let .answered(id):
            if let trunk = state.withLock({ $0.trunkOfCall[id] }) {
                counter("pstn_calls_answered_total", [("trunk", trunk)]).increment()
            }
        case let .released(leg):
            let active = state.withLock { s -> Int in
                s.trunkOfCall[leg.id] = nil
                s.active[leg.backend, default: 1] -= 1
                return max(0, s.active[leg.backend] ?? 0)
            }
            gauge("pstn_calls_active", [("trunk", leg.backend)]).record(active)
            if leg.answeredAt == nil {
                counter("pstn_calls_failed_total", [("trunk", leg.backend), ("cause", String(leg.cause?.rawValue ?? 0))])
                    .increment()
            }
        case let .link(backend, up):
            gauge("pstn_signalling_link_up", [("trunk", backend)]).record(up ? 1 : 0)
        case let .protocolError(backend, _):
            counter("pstn_protocol_errors_total", [("trunk", backend)]).increment()
        default:
            break
        }
    }

    /// Figures read at the moment of export: media statistics and span alarms. The media loop's
    /// counts only grow, so they are Prometheus counters (`_total`) that go up by what grew
    /// since the highest figure already exported: two exports at once, each with its own
    /// reading, add each miss once whichever takes the lock first.
    public func update(media: [MediaStatisticsSnapshot], spanAlarms: [(span: String, alarms: Int32)]) {
        for (thread, now) in media.enumerated() {
            let growth = state.withLock { s -> (misses: Int, refused: Int) in
                let before = s.mediaExported[thread] ?? (misses: 0, refused: 0)
                let after = (misses: max(before.misses, now.deadlineMisses), refused: max(before.refused, now.commandsRefused))
                s.mediaExported[thread] = after
                return (after.misses - before.misses, after.refused - before.refused)
            }
            let labels = [("thread", String(thread))]
            counter("pstn_media_deadline_misses_total", labels).increment(by: Int64(growth.misses))
            counter("pstn_media_commands_refused_total", labels).increment(by: Int64(growth.refused))
        }
        for s in spanAlarms {
            gauge("pstn_span_alarms", [("span", s.span)]).record(Int(s.alarms))
        }
    }

    /// Each campaign's contacts by state (`pending`, `dialling`, `done`, `failed`, `removed`),
    /// read from the store at the moment of export; a state with none is 0. A campaign a reload
    /// took out loses its series.
    public func update(campaigns: [(name: String, contacts: [String: Int])], states: [String]) {
        let names = Set(campaigns.map(\.name))
        let gone = state.withLock { s in
            defer { s.campaignsExported = names }
            return s.campaignsExported.subtracting(names)
        }
        for name in gone {
            for state in states { gauge("pstn_campaign_contacts", [("campaign", name), ("state", state)]).destroy() }
        }
        for c in campaigns {
            for state in states {
                gauge("pstn_campaign_contacts", [("campaign", c.name), ("state", state)]).record(c.contacts[state] ?? 0)
            }
        }
    }

    /// Every figure in Prometheus text format.
    public func exposition() -> String { registry.emitToString() }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory)
    }
}
