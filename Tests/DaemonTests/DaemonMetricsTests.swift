import Daemon
import PSTNEngine
import Testing

/// The Prometheus export: counters that only go up, gauges for what is true now.
@Suite struct DaemonMetricsTests {
    /// The value of the sample `name{labels}` in an exposition, if it is there.
    private func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func mediaCountsAreCounters() {
        let metrics = DaemonMetrics()
        metrics.update(media: [MediaStatisticsSnapshot(cycles: 100, deadlineMisses: 3), MediaStatisticsSnapshot()], spanAlarms: [])
        var text = metrics.exposition()
        #expect(text.contains("# TYPE pstn_media_deadline_misses_total counter"))
        #expect(text.contains("# TYPE pstn_media_commands_refused_total counter"))
        #expect(sample(text, #"pstn_media_deadline_misses_total{thread="0"}"#) == 3)
        #expect(sample(text, #"pstn_media_deadline_misses_total{thread="1"}"#) == 0)
        #expect(sample(text, #"pstn_media_commands_refused_total{thread="0"}"#) == 0)

        // Exported again with more: the counter shows the loop's count, not the sum of exports.
        metrics.update(media: [MediaStatisticsSnapshot(cycles: 200, deadlineMisses: 5, commandsRefused: 2), MediaStatisticsSnapshot()], spanAlarms: [])
        metrics.update(media: [MediaStatisticsSnapshot(cycles: 300, deadlineMisses: 5, commandsRefused: 2), MediaStatisticsSnapshot()], spanAlarms: [])
        text = metrics.exposition()
        #expect(sample(text, #"pstn_media_deadline_misses_total{thread="0"}"#) == 5)
        #expect(sample(text, #"pstn_media_commands_refused_total{thread="0"}"#) == 2)

        // Two exports at once: the one holding the older reading takes the lock last and adds
        // nothing; the counters never go down and count each miss once.
        metrics.update(media: [MediaStatisticsSnapshot(cycles: 310, deadlineMisses: 7, commandsRefused: 3), MediaStatisticsSnapshot()], spanAlarms: [])
        metrics.update(media: [MediaStatisticsSnapshot(cycles: 305, deadlineMisses: 6, commandsRefused: 2), MediaStatisticsSnapshot()], spanAlarms: [])
        text = metrics.exposition()
        #expect(sample(text, #"pstn_media_deadline_misses_total{thread="0"}"#) == 7)
        #expect(sample(text, #"pstn_media_commands_refused_total{thread="0"}"#) == 3)
        metrics.update(media: [MediaStatisticsSnapshot(cycles: 400, deadlineMisses: 8, commandsRefused: 3), MediaStatisticsSnapshot()], spanAlarms: [])
        #expect(sample(metrics.exposition(), #"pstn_media_deadline_misses_total{thread="0"}"#) == 8)
    }

    @Test func spanAlarmsAndLinksAreGauges() {
        let metrics = DaemonMetrics()
        metrics.update(media: [], spanAlarms: [(span: "1", alarms: 2)])
        metrics.record(.link(backend: "pri1", up: true))
        metrics.record(.protocolError(backend: "pri1", "bad frame"))
        metrics.record(.protocolError(backend: "pri1", "bad frame"))
        metrics.update(media: [], spanAlarms: [(span: "1", alarms: 0)])
        metrics.record(.link(backend: "pri1", up: false))
        let text = metrics.exposition()
        #expect(text.contains("# TYPE pstn_span_alarms gauge"))
        #expect(sample(text, #"pstn_span_alarms{span="1"}"#) == 0)
        #expect(sample(text, #"pstn_signalling_link_up{trunk="pri1"}"#) == 0)
        #expect(sample(text, #"pstn_protocol_errors_total{trunk="pri1"}"#) == 2)
    }

    @Test func campaignContactsAreGauges() {
        let metrics = DaemonMetrics()
        let states = ["pending", "dialling", "done", "failed", "removed"]
        metrics.update(campaigns: [(name: "reminders", contacts: ["pending": 40, "dialling": 2])], states: states)
        metrics.update(campaigns: [(name: "reminders", contacts: ["pending": 37, "done": 5])], states: states)
        let text = metrics.exposition()
        #expect(text.contains("# TYPE pstn_campaign_contacts gauge"))
        #expect(sample(text, #"pstn_campaign_contacts{campaign="reminders",state="pending"}"#) == 37)
        #expect(sample(text, #"pstn_campaign_contacts{campaign="reminders",state="dialling"}"#) == 0, "a state with none goes back to 0")
        #expect(sample(text, #"pstn_campaign_contacts{campaign="reminders",state="done"}"#) == 5)
        metrics.update(campaigns: [(name: "winter", contacts: ["pending": 3])], states: states)
        let after = metrics.exposition()
        #expect(!after.contains(#"campaign="reminders""#), "a campaign a reload took out loses its series:\n\(after)")
        #expect(sample(after, #"pstn_campaign_contacts{campaign="winter",state="pending"}"#) == 3)
    }
}
