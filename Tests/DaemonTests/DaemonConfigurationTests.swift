import CallControl
import Testing
@testable import Daemon

@Suite("Daemon configuration")
struct DaemonConfigurationTests {
    let good = """
    dahdi: /tmp/lab/dahdi
    media: { chunk_ms: 10, law: alaw, zone: cn }
    trunks:
      - { name: span1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn }
      - { name: span2, type: pri, group: carrier, dchannel: 47, bchannels: "32-46,48-62", side: user, switch: euroisdn }
      - { name: stations, type: fxs, channels: "125-126", numbers: ["8001", "8002"] }
    trunk_groups:
      - { name: carrier, members: [span1, span2], hunt: round-robin }
    routes:
      - { called: "_8XXX", to: { station: stations } }
      - { called: "_9.", trunk_groups: [stations], to: { trunk_group: carrier, strip: 1 } }
      - { called: "*", to: { app: answer } }
    applications:
      answer: { after_ms: 100, hangup_after_s: 2, cause: 16 }
    """

    /// What `pstnd --check` reports of `text`, one problem a line; an issue when it is accepted.
    static func problems(of text: String, file: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        do {
            _ = try DaemonConfiguration.parse(text, file: file)
            Issue.record("a broken configuration was accepted", sourceLocation: sourceLocation)
            return ""
        } catch {
            return error.description
        }
    }

    @Test("a good configuration resolves: groups, routes, law, zone and chunk")
    func resolves() throws {
        let r = try DaemonConfiguration.parse(good, file: "pstnd.yaml")
        #expect(r.routing.routes.count == 3)
        let groups = Dictionary(uniqueKeysWithValues: r.trunkGroups.map { ($0.name, $0) })
        #expect(groups["carrier"]?.members == ["span1", "span2"])
        #expect(groups["carrier"]?.hunt == .roundRobin)
        #expect(groups["stations"]?.members == ["stations"], "a trunk with no group forms its own")
        #expect(r.settings.chunkSamples == 80)
        #expect(r.law == .aLaw)
        #expect(try DaemonConfiguration.parse(good.replacingOccurrences(of: "law: alaw, ", with: ""), file: "x").law == nil)
    }

    @Test("every problem is reported with the file, not just the first")
    func problems() {
        let bad = """
        media: { law: slinear, zone: atlantis, chunk_ms: 40, realtime_priority: 120 }
        trunks:
          - { name: span1, type: pri, dchannel: 16, bchannels: "1-15,17-31", switch: ess5 }
          - { name: span2, type: pri, dchannel: 16, bchannels: "15-20" }
          - { name: desks, type: fxs, channels: "40-41", inter_digit_s: 0, first_digit_s: 500 }
        trunk_groups:
          - { name: carrier, members: [span1, span9] }
        routes:
          - { called: "_9.", to: { trunk_group: nowhere } }
          - { called: "1", to: { app: karaoke } }
          - { called: "_[", to: { reject: 0 } }
        applications:
          answer: { cause: 999 }
        """
        let text = Self.problems(of: bad, file: "bad.yaml")
        for fragment in ["unknown switch type ess5", "channel 16 is in both span1 and span2", "channel 15 is in both",
                         "unknown trunk span9", "unknown trunk group nowhere", "unknown application karaoke",
                         "not a Q.850 cause (1-127)", "media.law must be alaw or ulaw", "no tone zone atlantis",
                         "media:", "answer.cause 999", "media.realtime_priority must be 0 (none) or 1-99, not 120", "trunk desks: inter_digit_s must be 0.5 to 120 seconds, not 0.0",
                         "trunk desks: first_digit_s must be 0.5 to 120 seconds, not 500.0"] {
            #expect(text.contains(fragment), "missing: \(fragment)")
        }
        #expect(text.split(separator: "\n").allSatisfy { $0.hasPrefix("bad.yaml") })
        // Each problem names the line and column where it is written.
        for (fragment, place) in [("unknown switch type ess5", "bad.yaml:3:5:"), ("unknown trunk span9", "bad.yaml:7:31:"),
                                  ("unknown trunk group nowhere", "bad.yaml:9:26:"), ("no tone zone atlantis", "bad.yaml:1:30:"),
                                  ("answer.cause 999", "bad.yaml:13:11:")] {
            let line = text.split(separator: "\n").first { $0.contains(fragment) }
            #expect(line?.hasPrefix(place) == true, "\(fragment) at \(place): \(line ?? "missing")")
        }
    }

    @Test("recording, voicemail, holidays and the blocked message are checked, each problem where it is written")
    func messageSettings() {
        let bad = """
        trunks: []
        routes: []
        holidays: ["2026-02-30"]
        blocked: { cause: 0 }
        recording: { dir: "", format: ogg, layout: quad, retention_days: 0, policies: [ {}, { called: "_[" }, { queue: nowhere, agent: "7" } ] }
        voicemail: { dir: /v, max_s: 0, boxes: [ { name: a }, { name: a, max_s: 5000 } ] }
        """
        let lines = Self.problems(of: bad, file: "m.yaml").split(separator: "\n").map(String.init)
        for (fragment, place) in [("holiday \"2026-02-30\"", "m.yaml:3:"), ("blocked.cause 0", "m.yaml:4:"),
                                  ("recording.dir must name a folder", "m.yaml:5:"), ("recording.format must be", "m.yaml:5:"),
                                  ("recording.layout must be mono or stereo", "m.yaml:5:"),
                                  ("recording.retention_days", "m.yaml:5:"), ("recording.policies[0]: give all", "m.yaml:5:"),
                                  ("recording.policies[1]:", "m.yaml:5:"), ("voicemail.max_s", "m.yaml:6:"),
                                  ("recording.policies[2]: no ACD queue nowhere", "m.yaml:5:"),
                                  ("recording.policies[2]: no ACD agent 7", "m.yaml:5:"),
                                  ("two boxes are named a", "m.yaml:6:"), ("voicemail.boxes[1].max_s", "m.yaml:6:"),
                                  ("keep their index in the store", "m.yaml:")] {
            let line = lines.first { $0.contains(fragment) }
            #expect(line?.hasPrefix(place) == true, "\(fragment) at \(place): \(line ?? "missing in \(lines)")")
        }
    }

    @Test("fax settings, its library and the fax application are checked, each problem where it is written")
    func faxSettings() {
        let bad = """
        trunks: []
        routes: [ { called: "1", to: { app: fax } } ]
        fax: { dir: "", ident: "not an ident at all, far too long", header: "two\\nlines", resolution: ultra, attempts: 0,
               retry_after_s: [], busy_retry_s: -1, answer_timeout_s: 1, window: "25:00-08:00",
               time_zone: Mars/Olympus_Mons,
               library: { "12a": x.doc, "7": /nonexistent/rates.pdf }, callback_trunk_group: nowhere }
        """
        let lines = Self.problems(of: bad, file: "f.yaml").split(separator: "\n").map(String.init)
        for fragment in ["fax.dir must name a folder", "fax.ident must be up to 20", "fax.header must be one line",
                         "fax.resolution must be fine or standard", "fax.attempts must be 1-20", "fax.retry_after_s must list",
                         "fax.busy_retry_s must be", "fax.answer_timeout_s must be 5-600", "fax.window must be HH:MM-HH:MM",
                         "fax.time_zone must be an IANA time zone such as Asia/Shanghai or America/New_York, not Mars/Olympus_Mons",
                         "document numbers are 1-12 digits, not 12a", "x.doc is not a document type fax takes",
                         "fax.library 7: cannot read /nonexistent/rates.pdf", "unknown trunk group nowhere",
                         "keeps its faxes and jobs in the store"] {
            let line = lines.first { $0.contains(fragment) }
            #expect(line?.hasPrefix("f.yaml:") == true, "\(fragment): \(line ?? "missing in \(lines)")")
        }
        do {
            _ = try DaemonConfiguration.parse("trunks: []\nroutes: [ { called: \"1\", to: { app: fax } } ]", file: "g.yaml")
            Issue.record("the fax application without fax: was accepted")
        } catch {
            #expect(error.description.contains("the fax application needs fax:"), "\(error)")
        }
    }

    @Test("queues, agents and the agent application are checked, each problem where it is written")
    func acdSettings() {
        let bad = """
        trunks:
          - { name: desks, type: fxs, channels: "1-2", numbers: ["8001", "8002"] }
        routes:
          - { called: "1", to: { app: queue, arg: nowhere } }
          - { called: "2", to: { app: agent, arg: dance } }
        acd:
          queues:
            - { name: sales, strategy: fastest, ring_s: 0, max_callers: 0, on_full: { queue: sales }, on_max_wait: { flow: none } }
            - { name: sales, on_no_agents: { hangup: 300 }, survey_flow: missing, prefer: [nearest], reserve_idle: -1,
                on_leave_message: { flow: nowhere } }
          crm: { url: "ftp://crm.local/{caller}", timeout_s: 99 }
          desktop_grace_s: -5
          agents:
            - { id: "10a", name: A, group: "", queues: { sales: 12, support: 1 }, station: "9999" }
            - { id: "1002", name: B, group: g, type: boss, queues: { sales: { level: 3, penalty: -1 } }, station: "8001" }
            - { id: "1003", name: C, group: g, queues: {}, station: "8001", supervises: { groups: [g] } }
            - { id: "1004", name: D, group: g, type: supervisor, queues: {}, supervises: { queues: [billing] } }
        """
        let text = Self.problems(of: bad, file: "a.yaml")
        for fragment in ["no ACD queue nowhere", "the agent application needs acd:", "two queues have the same name",
                         "strategy fastest is not one of", "ring_s must be a positive number", "max_callers must be at least 1",
                         "on_full sends callers back to the same queue", "on_max_wait: no IVR flow none",
                         "on_no_agents: 300 is not a Q.850 cause", "survey_flow: no IVR flow missing",
                         "an agent's id is digits", "belongs to exactly one group", "level 12 in sales is not 0-9", "no queue support",
                         "station 9999 is not the number of an FXS port", "type is agent or supervisor",
                         "penalty in sales must not be negative", "station 8001 is also agent 1002's",
                         "only a supervisor has supervises:", "supervises: no queue billing",
                         "prefer: nearest is not one of", "reserve_idle must not be negative",
                         "on_leave_message: no IVR flow nowhere", "acd.crm: url must be http:// or https://",
                         "acd.crm: timeout_s must be between", "acd.desktop_grace_s must be between"] {
            #expect(text.contains(fragment), "missing: \(fragment) in \(text)")
        }
        #expect(text.split(separator: "\n").allSatisfy { $0.hasPrefix("a.yaml:") })
    }

    @Test("campaigns are checked: queue, trunk group, number, window, zone, limits; they need a store")
    func campaignSettings() throws {
        let bad = """
        trunks:
          - { name: span1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn }
        routes: []
        acd:
          queues: [ { name: sales } ]
          campaigns:
            - { name: "two words", queue: support, trunk_group: nowhere, calling: "95a", window: "someday 25:00-26:00",
                time_zone: Mars/Olympus, max_attempts: 0, retry_s: 0, no_answer_s: 1000, agent_ring_s: 1, wrapup_s: -1 }
            - { name: r, queue: sales, trunk_group: carrier }
            - { name: r, queue: sales, trunk_group: carrier }
        """
        let text = Self.problems(of: bad, file: "c.yaml")
        for fragment in ["a campaign's name is 1-64 letters", "no queue support", "no trunk group nowhere",
                         "calling must be a number", "window: time window", "time_zone must be an IANA time zone",
                         "max_attempts must be 1-20", "retry_s must be 1-604800 seconds", "no_answer_s must be 5-300 seconds",
                         "agent_ring_s must be 3-120 seconds", "wrapup_s must be 0-3600 seconds", "two campaigns are named r",
                         "campaigns keep their contacts in the store"] {
            #expect(text.contains(fragment), "missing: \(fragment) in \(text)")
        }
        #expect(text.split(separator: "\n").allSatisfy { $0.hasPrefix("c.yaml:") })
        let good = """
        store: /tmp/calls.db
        trunks:
          - { name: span1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn }
        routes: []
        acd:
          queues: [ { name: sales } ]
          campaigns:
            - { name: card-reminders, queue: sales, trunk_group: carrier, calling: "95501", window: "mon-sat 09:00-20:00",
                time_zone: Asia/Shanghai, max_attempts: 4, busy_retry_s: 120 }
        """
        let resolved = try DaemonConfiguration.parse(good, file: "c.yaml")
        let settings = try #require(resolved.configuration.acd?.campaigns?.first?.settings)
        #expect(settings.maxAttempts == 4 && settings.busyRetrySeconds == 120 && settings.retrySeconds == 1800 && settings.callingNumber == "95501")
        #expect(settings.window?.timeZone == "Asia/Shanghai" && settings.window?.days == Set(1...6) && settings.window?.startMinute == 540)
    }

    @Test("a value of the wrong type is reported where it is written")
    func typeErrorLocated() {
        let bad = """
        trunks:
          - { name: span1, type: pri, dchannel: sixteen, bchannels: "1-15" }
        routes: []
        """
        #expect {
            try DaemonConfiguration.parse(bad, file: "t.yaml")
        } throws: { error in
            "\(error)".hasPrefix("t.yaml:2:")
        }
    }

    @Test("text that is not a configuration is refused with a reason",
          arguments: ["", "trunks: 1", "{", "trunks: []\nroutes: [ { called: 1 } ]", "\u{0}\u{1}binary"])
    func malformed(_ text: String) {
        #expect(throws: DaemonConfiguration.Problems.self) { try DaemonConfiguration.parse(text, file: "x.yaml") }
    }
}
