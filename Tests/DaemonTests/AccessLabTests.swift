import Foundation
import Glibc
import LabTestSupport
import Testing

/// Who reaches which flow: an access number in working hours, after hours and on a holiday of
/// the calendar, and callers on the blocked list. The caller side tells which greeting it heard
/// by correlation with the prompt files.
@Suite("Access numbers: hours, holidays and blocked callers", .lab)
struct AccessLabTests {
    static let flows = """
    flows:
      - { name: day, language: en, start: hello, nodes: { hello: { play: [welcome], next: bye }, bye: { hangup: 16 } } }
      - { name: night, language: en, start: hello, nodes: { hello: { play: [welcome-after-hours], next: bye }, bye: { hangup: 16 } } }
      - { name: holiday, language: en, start: hello, nodes: { hello: { play: [welcome-holiday], next: bye }, bye: { hangup: 16 } } }
    """

    /// The engine's configuration with a working-hours window `window` (UTC) and `holidays`.
    static func engine(lab: LabInstance, window: String, holidays: [String]) throws -> String {
        let flowFile = lab.directory + "/flows.yaml"
        try flows.write(toFile: flowFile, atomically: true, encoding: .utf8)
        return """
        dahdi: DAHDI
        events: EVENTS
        store: STORE
        control: { socket: SOCKET }
        ivr: { sounds: \(IVRLabTests.sounds), flows: [\(flowFile)] }
        holidays: [\(holidays.map { "\"\($0)\"" }.joined(separator: ", "))]
        blocked: { prompt: blocked, language: en, cause: 21 }
        trunks:
          - { name: e1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn, line: E1 }
        routes:
          - { called: "95588", when: holiday, timezone: UTC, to: { app: ivr, arg: holiday } }
          - { called: "95588", when: "\(window)", timezone: UTC, to: { app: ivr, arg: day } }
          - { called: "95588", to: { app: ivr, arg: night } }
        """
    }

    /// `HH:MM-HH:MM` (UTC) from `from` to `to` minutes after now.
    static func window(from: Int, to: Int) -> String {
        let now = Int(Date().timeIntervalSince1970) / 60
        func hm(_ minute: Int) -> String {
            let m = ((minute % 1440) + 1440) % 1440
            return String(format: "%02d:%02d", m / 60, m % 60)
        }
        return "\(hm(now + from))-\(hm(now + to))"
    }

    static var todayUTC: String {
        var t = time_t(Date().timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday)
    }

    /// One call from `calling` to 95588 that listens to what it is played; its report.
    static func call(_ lab: LabInstance, calling: String, record: String) throws -> [String: Any] {
        let run = try SimulatorRun.run(lab: lab, scenario: IVRLabTests.carrier + """

        calls:
          - name: greeting
            trunk: e1
            calling: "\(calling)"
            called: "95588"
            steps:
              - { wait_answer: 10 }
              - { listen: 4, record: \(record) }
              - { wait_release: 30 }
        """, timeout: 90)
        return try #require((run.report?["calls"] as? [[String: Any]])?.first, "\(run.output)")
    }

    func heard(_ path: String) throws -> String {
        let candidates = Dictionary(uniqueKeysWithValues: ["welcome", "welcome-after-hours", "welcome-holiday"].map {
            ($0, PromptMatcher.samples("\(IVRLabTests.sounds)/en/\($0).wav"))
        })
        let recording = PromptMatcher.samples(path)
        let identified = PromptMatcher.identify(recording, among: candidates)
        let found = try #require(identified, "\(path) holds \(recording.count) samples: nothing identified")
        #expect(found.match.correlation > 0.8, "\(found.name) \(found.match)")
        return found.name
    }

    @Test("in hours the day greeting, out of hours the night one, on a holiday the holiday one; each reload is live")
    func hoursAndHolidays() throws {
        let lab = try LabInstance(lab: ControlLabTests.lab)
        let engine = try EngineProcess(lab: lab, config: try Self.engine(lab: lab, window: Self.window(from: -60, to: 60), holidays: []))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let cases: [(window: String, holidays: [String], expected: String)] = [
            (Self.window(from: -60, to: 60), ["2020-01-01"], "welcome"),
            (Self.window(from: 120, to: 180), ["2020-01-01"], "welcome-after-hours"),
            (Self.window(from: -60, to: 60), ["2020-01-01", "\(Self.todayUTC)..\(Self.todayUTC)"], "welcome-holiday"),
        ]
        for (i, c) in cases.enumerated() {
            try engine.rewrite(config: try Self.engine(lab: lab, window: c.window, holidays: c.holidays), lab: lab)
            let reload = try ControlTool.run(socket: engine.controlSocket, ["reload"])
            #expect(reload.status == 0, "\(reload.output) \(reload.errors)")
            let path = lab.directory + "/greeting-\(i).wav"
            let call = try Self.call(lab, calling: "1380013800\(i)", record: path)
            // Each call comes from a new pstn-sim: its first call reference is the one the call
            // before used, so it is only served if that call was fully cleared (RELEASE COMPLETE).
            #expect(call["failure"] == nil, "\(call)\n\(engine.log)\n\(engine.events().suffix(12))")
            #expect(try heard(path) == c.expected, "window \(c.window), holidays \(c.holidays)")
        }
        let report = try ControlTool.run(socket: engine.controlSocket, ["ivr", "report", "--json"])
        let rows = try #require(report.json as? [[String: Any]], "\(report.output) \(report.errors)")
        let flowsSeen = Set(rows.compactMap { $0["flow"] as? String })
        #expect(flowsSeen == ["day", "night", "holiday"], "the IVR report counts every flow's steps: \(rows)")
    }

    @Test("a blocked caller is rejected with cause 21 without an answer, or told so; unblocked, the call goes through")
    func blockedCallers() throws {
        let lab = try LabInstance(lab: ControlLabTests.lab)
        let engine = try EngineProcess(lab: lab, config: try Self.engine(lab: lab, window: "00:00-24:00", holidays: []))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let caller = "13912345678"
        for bad in [["blocked", "add", "12ab"], ["blocked", "add", caller, "--action", "shout"], ["blocked", "remove", "555"]] {
            let r = try ControlTool.run(socket: engine.controlSocket, bad)
            #expect(r.status == 1, "\(bad) must be refused: \(r.output) \(r.errors)")
        }
        let add = try ControlTool.run(socket: engine.controlSocket, ["blocked", "add", caller, "--note", "abusive calls"])
        #expect(add.status == 0, "\(add.errors)")
        let rejected = try Self.call(lab, calling: caller, record: lab.directory + "/rejected.wav")
        #expect(rejected["answeredAt"] == nil, "a rejected caller is never answered: \(rejected)")
        #expect(rejected["cause"] as? Int == 21, "\(rejected)")

        let message = try ControlTool.run(socket: engine.controlSocket, ["blocked", "add", caller, "--action", "message"])
        #expect(message.status == 0, "\(message.errors)")
        let listed = try ControlTool.run(socket: engine.controlSocket, ["blocked", "list", "--json"])
        let entries = try #require(listed.json as? [[String: Any]], "\(listed.output)")
        #expect(entries.count == 1 && entries.first?["action"] as? String == "message", "\(entries)")
        let told = try Self.call(lab, calling: caller, record: lab.directory + "/told.wav")
        #expect(told["answeredAt"] != nil && told["cause"] as? Int == 21, "\(told)")
        let candidates = ["blocked": PromptMatcher.samples("\(IVRLabTests.sounds)/en/blocked.wav"),
                          "welcome": PromptMatcher.samples("\(IVRLabTests.sounds)/en/welcome.wav")]
        let toldAudio = PromptMatcher.samples(lab.directory + "/told.wav")
        let identified = PromptMatcher.identify(toldAudio, among: candidates)
        let found = try #require(identified, "told.wav holds \(toldAudio.count) samples: nothing identified")
        #expect(found.name == "blocked" && found.match.correlation > 0.8, "\(found.name) \(found.match)")

        #expect(try ControlTool.run(socket: engine.controlSocket, ["blocked", "remove", caller]).status == 0)
        let through = try Self.call(lab, calling: caller, record: lab.directory + "/through.wav")
        #expect(through["answeredAt"] != nil && through["cause"] as? Int == 16, "\(through)")
        #expect(try heard(lab.directory + "/through.wav") == "welcome")
        let cdrs = try ControlTool.run(socket: engine.controlSocket, ["cdr", "--number", caller, "--json"])
        let rows = try #require(cdrs.json as? [[String: Any]], "\(cdrs.output)")
        let destinations = rows.compactMap { $0["destination"] as? String }
        #expect(destinations.filter { $0.hasPrefix("reject") }.count == 1 && destinations.contains("app blocked"), "\(destinations)")
    }
}
