import CallControl
import Testing
@testable import CarrierSimulator

@Suite("Simulator scenarios")
struct ScenarioTests {
    let good = """
    dahdi: /tmp/lab/dahdi
    trunks:
      - { name: carrier1, type: pri, dchannel: 47, bchannels: "32-46,48-62", side: network, switch: euroisdn }
    answer: { after_ms: 200, hangup_after_s: 3 }
    calls:
      - name: greeting
        trunk: carrier1
        calling: { number: "13800000000", type: national, presentation: restricted }
        called: "95588"
        steps:
          - { wait_answer: 10 }
          - { listen: 2, record: /tmp/heard.wav }
          - { send_dtmf: "1#" }
          - { hangup: 16 }
    load: { trunk: carrier1, called: "95588", rate: 50, concurrent: 200, seconds: 60, hold: { mean_s: 3 } }
    """

    @Test("a full scenario reads back with every field")
    func parses() throws {
        let s = try Scenario.parse(good)
        #expect(s.trunks.first?.bchannels?.channels.count == 30)
        let call = try #require(s.calls?.first)
        #expect(call.calling?.party == PartyNumber("13800000000", type: .national, presentation: .restricted))
        #expect(call.steps?.count == 4)
        #expect(s.load?.hold?.mean_s == 3)
    }

    @Test("every problem is reported at once, with the file")
    func problems() {
        let bad = """
        realtime_priority: -3
        trunks:
          - { name: t, type: pri, side: sideways }
        calls:
          - { trunk: nowhere, called: "12a", steps: [ { hangup: 200 }, { wait: 1, send_dtmf: "x" }, { record: a.wav },
                                                      { listen: 1, record: b.wav, record_s: 2 }, { flash: true, wait: 1 },
                                                      { send_fax: a.tif, receive_fax: b.tif }, { wait: 1, fax_ident: "1" },
                                                      { receive_fax: c.tif, fax_limit_s: 0 } ] }
        answer_by_trunk: { t: { after_ms: 1, steps: [ { hangup: 300 } ] } }
        answer_by_called: { "9x": { after_ms: 1 }, "55501": { steps: [ { hangup: 301 } ] } }
        load: { trunk: t, called: "1,,2", rate: 0, concurrent: 0, seconds: 1, hold: { min_s: 3 } }
        """
        do {
            _ = try Scenario.parse(bad, file: "bad.yaml")
            Issue.record("a broken scenario was accepted")
        } catch {
            let text = error.description
            for fragment in ["needs 'dchannel'", "side must be user or network", "unknown trunk nowhere",
                             "\"12a\" is not digits", "200 is not a Q.850 cause", "exactly one action",
                             "rate must be", "concurrent must be", "called has an empty number",
                             "step 3: record without listen needs record_s", "step 4: record_s is for a background recording",
                             "step 5: exactly one action per step (found 2)", "answer_by_trunk t step 1: 300 is not a Q.850 cause", "min_s and max_s go together",
                             "step 6: exactly one action per step (found 2)", "step 7: fax_ident, ecm and fax_limit_s go with send_fax or receive_fax",
                             "step 8: fax_limit_s must be 1-3600", "answer_by_called: \"9x\" is not a number",
                             "answer_by_called 55501 step 1: 301 is not a Q.850 cause",
                             "realtime_priority must be 0 (none) or 1-99, not -3"] {
                #expect(text.contains(fragment), "missing: \(fragment)")
            }
            #expect(text.hasPrefix("bad.yaml: "))
        }
    }

    @Test("YAML that is not a scenario is refused with a reason", arguments: ["", "trunks: 3", ": : :", "trunks: [ { name: x } ]"])
    func malformed(_ text: String) {
        #expect(throws: ScenarioError.self) { try Scenario.parse(text) }
    }

    @Test("a load's called numbers are used in turn")
    func calledInTurn() {
        let profile = LoadProfile(trunk: "t", called: "95500, 95501,95502", rate: 1, concurrent: 1, seconds: 1)
        #expect((0..<4).map { profile.calledNumber(attempt: $0) } == ["95500", "95501", "95502", "95500"])
        #expect(LoadProfile(trunk: "t", called: "2000", rate: 1, concurrent: 1, seconds: 1).calledNumber(attempt: 7) == "2000")
    }

    @Test("hold times: fixed, uniform, exponential")
    func holds() throws {
        #expect(HoldTime(fixed: 2).draw(0.9) == 2)
        var uniform = HoldTime(fixed: 0)
        uniform.fixed_s = nil
        uniform.min_s = 1
        uniform.max_s = 3
        #expect(uniform.draw(0.5) == 2)
        var exponential = HoldTime(fixed: 0)
        exponential.fixed_s = nil
        exponential.mean_s = 3
        #expect(abs(exponential.draw(1 - 1 / 2.718281828459045) - 3) < 1e-6)
    }

    @Test("percentiles of setup latency")
    func percentiles() throws {
        let p = try #require(LoadReport.Percentiles((1...100).map(Double.init)))
        #expect(p.p50 == 50)
        #expect(p.p90 == 90)
        #expect(p.p99 == 99)
        #expect(p.max == 100)
        #expect(LoadReport.Percentiles([]) == nil)
    }
}
