import Control
import FaxService
import Foundation
import Glibc
import LabTestSupport
import Testing

/// Faxes between `pstn-sim` (a fax machine) and `pstnd` as separate processes on emulated
/// lines: what the engine stores is compared page by page, pixel by pixel, with what was sent.
@Suite("Fax between pstn-sim and pstnd", .labAlone)
struct FaxLabTests {
    static func engine(_ lab: LabInstance, extra: String = "", trunks: String? = nil, routes: String = "") -> String {
        """
        dahdi: DAHDI
        events: EVENTS
        store: STORE
        control: { socket: SOCKET }
        fax: { dir: \(lab.directory)/fax, ident: "+86 10 5550 0000", header: "PSTN Engine lab", retry_after_s: [2], busy_retry_s: 1, answer_timeout_s: 5\(extra) }
        trunks:
        \(trunks ?? "  - { name: e1, type: pri, group: carrier, dchannel: 16, bchannels: \"1-15,17-31\", side: user, switch: euroisdn, line: E1 }")
        routes:
        \(routes)  - { called: "95590", to: { app: fax } }
          - { called: "*", to: { reject: 1 } }
        """
    }

    /// A `pages`-page fax document (few lines a page, so the fax is short) rendered by the engine's converter.
    static func document(_ lab: LabInstance, pages: Int = 3, resolution: FaxResolution = .fine, name: String = "doc") throws -> String {
        let ps = "\(lab.directory)/\(name).ps", tiff = "\(lab.directory)/\(name).tif"
        try FaxTestDocument.postscript(pages: pages, to: ps, lines: 3)
        _ = try FaxDocumentConverter().convert(ps, to: tiff, resolution: resolution)
        return tiff
    }

    static func list(_ engine: EngineProcess, _ arguments: [String]) throws -> [[String: Any]] {
        let r = try ControlTool.run(socket: engine.controlSocket, arguments + ["--json"])
        return try #require(r.json as? [[String: Any]], "\(arguments): \(r.output) \(r.errors)")
    }

    /// The faxes once none is receiving or sending any more (up to `seconds`).
    static func settled(_ engine: EngineProcess, count: Int, within seconds: Double = 15) throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(seconds)
        var rows: [[String: Any]] = []
        repeat {
            rows = try list(engine, ["fax", "list"])
            if rows.count >= count, rows.allSatisfy({ !["receiving", "sending", "queued"].contains($0["state"] as? String ?? "") }) { return rows }
            usleep(200_000)
        } while Date() < deadline
        return rows
    }

    /// Page by page, the rows that differ (nil when the page counts differ).
    static func differences(_ sent: String, _ stored: String) throws -> [Int]? {
        let a = try FaxPages.read(path: sent), b = try FaxPages.read(path: stored)
        guard a.count == b.count else { return nil }
        return zip(a, b).map { $0.differingRows(from: $1) }
    }

    @Test("a 3-page fax sent into a fax number over PRI is stored pixel-identical (ECM), with a PDF and what T.30 reported; a fax cut off mid-way keeps its pages and is partial")
    func receiveOverPRI() throws {
        let lab = try LabInstance(lab: LabFiles.e1Pair())
        let engine = try EngineProcess(lab: lab, config: Self.engine(lab))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let console = try ControlClient(path: engine.controlSocket)
        _ = try console.request("events.subscribe", ["kinds": .array([.string("fax.")])])
        let document = try Self.document(lab)
        let run = try SimulatorRun.run(lab: lab, scenario: ControlLabTests.carrier + """

        calls:
          - { name: fax, trunk: e1, calling: "13800138000", called: "95590",
              steps: [ { wait_answer: 10 }, { send_fax: \(document), fax_ident: "+86 21 5550 1234" }, { wait_release: 10 } ] }
          # The whole document takes about 32 s: cut at 27 s, after its first or second page.
          - { name: cut, trunk: e1, calling: "13800138009", called: "95590", at_s: 1,
              steps: [ { wait_answer: 10 }, { send_fax: \(document), fax_limit_s: 27 }, { hangup: 16 } ] }
        """, timeout: 180)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first { $0["name"] as? String == "fax" }, "\(run.output)")
        let sent = try #require(call["fax"] as? [String: Any], "\(call)\n\(engine.log)")
        #expect(sent["resultCode"] as? Int == 0 && sent["pages"] as? Int == 3, "the sender's view: \(sent)")
        let faxes = try Self.settled(engine, count: 2)
        let fax = try #require(faxes.first { $0["calling"] as? String == "13800138000" }, "\(faxes)")
        #expect(fax["state"] as? String == "received" && fax["pages"] as? Int == 3, "\(fax)\n\(engine.log)")
        let cut = try #require(faxes.first { $0["calling"] as? String == "13800138009" }, "\(faxes)")
        let kept = cut["pages"] as? Int ?? 0
        #expect(cut["state"] as? String == "partial" && (1...2).contains(kept) && cut["pdf"] is String, "\(cut)")
        let sentPages = try FaxPages.read(path: document), keptPages = try FaxPages.read(path: cut["tiff"] as? String ?? "")
        #expect(keptPages.count == kept && zip(sentPages, keptPages).allSatisfy { $0.differingRows(from: $1) == 0 },
                "the pages that arrived before the line dropped are kept as sent")
        #expect(fax["remote_ident"] as? String == "+86 21 5550 1234" && fax["calling"] as? String == "13800138000")
        #expect(fax["ecm"] as? Bool == true && fax["bit_rate"] as? Int == 14400 && fax["y_dpi"] as? Int == 196, "\(fax)")
        #expect(fax["call_id"] is Int, "linked to the call's CDR: \(fax)")
        let tiff = try #require(fax["tiff"] as? String)
        #expect(try Self.differences(document, tiff) == [0, 0, 0], "every page arrives as sent")
        let pdf = try #require(fax["pdf"] as? String, "\(fax)")
        let head = FileManager.default.contents(atPath: pdf)?.prefix(5)
        #expect(head == Data("%PDF-".utf8), "a PDF beside the TIFF")
        let exported = lab.directory + "/exported.pdf"
        let export = try ControlTool.run(socket: engine.controlSocket, ["fax", "export", "\(fax["id"] as? Int ?? 0)", exported])
        #expect(export.status == 0 && FileManager.default.contents(atPath: exported) == FileManager.default.contents(atPath: pdf),
                "pstnctl fax export copies the PDF: \(export.output) \(export.errors)")
        var events: [JSONValue] = []
        while events.count < 4, let event = try console.nextEvent(timeout: 5) { events.append(event) }
        let mine = events.filter { $0["calling"]?.stringValue == "13800138000" }
        #expect(mine.first?["kind"]?.stringValue == "fax.receiving", "operators are told a fax is coming in: \(events)")
        #expect(mine.last?["kind"]?.stringValue == "fax.received" && mine.last?["pages"]?.numberValue == 3
                && mine.last?["state"]?.stringValue == "received" && mine.last?["id"]?.numberValue == Double(fax["id"] as? Int ?? 0),
                "and when it has arrived: \(events)")
        let show = try ControlTool.run(socket: engine.controlSocket, ["fax", "show", "999"])
        #expect(show.status == 1 && show.errors.contains("no fax 999"), "\(show.output) \(show.errors)")
    }

    /// Whether each received page carries the sent page below the header line the sender added:
    /// the rows that differ in the part below the header, page by page (nil when counts differ).
    static func differencesBelowHeader(_ sent: String, _ received: String) throws -> [Int]? {
        let a = try FaxPages.read(path: sent), b = try FaxPages.read(path: received)
        guard a.count == b.count else { return nil }
        return zip(a, b).map { original, got in
            guard original.width == got.width, got.height >= original.height else { return original.height }
            let shift = got.height - original.height, bytes = original.bytesPerRow
            // Below the header: the header either adds rows on top (shift) or overlays the first ones.
            let first = shift > 0 ? 0 : 64
            return (first..<original.height).filter { r in
                original.bits[(r * bytes)..<((r + 1) * bytes)] != got.bits[((r + shift) * bytes)..<((r + shift + 1) * bytes)]
            }.count
        }
    }

    /// Black pixels in the top `rows` rows of each page.
    static func headerInk(_ path: String, rows: Int = 40) throws -> [Int] {
        try FaxPages.read(path: path).map { page in
            page.bits[0..<(min(rows, page.height) * page.bytesPerRow)].reduce(0) { $0 + $1.nonzeroBitCount }
        }
    }

    static func pdf(from postscript: String, to pdf: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/gs")
        p.arguments = ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-sOutputFile=\(pdf)", postscript]
        try p.run()
        p.waitUntilExit()
    }

    @Test("fax jobs: a PDF and Chinese text reach pstn-sim matching the engine's rendering under a header line; busy and unanswered numbers are retried, then fail with the reason; a corrupt PDF fails at once; a job is cancelled")
    func sendJobs() throws {
        let lab = try LabInstance(lab: LabFiles.e1Pair())
        let engine = try EngineProcess(lab: lab, config: Self.engine(lab))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let carrier = ControlLabTests.CarrierRun(lab: lab, scenario: ControlLabTests.carrier.replacingOccurrences(of: "answer: { after_ms: 200 }\n", with: "") + """

        answer_by_called:
          "55501": { after_ms: 300, steps: [ { receive_fax: "\(lab.directory)/got-{call}.tif", fax_ident: "+86 21 5550 9999" } ] }
          "55502": { reject: 17 }
          "55503": { }
        """, arguments: ["--stay", "40"])
        try FaxTestDocument.postscript(pages: 3, to: lab.directory + "/letter.ps", lines: 3)
        try Self.pdf(from: lab.directory + "/letter.ps", to: lab.directory + "/letter.pdf")
        try "合同编号 2026-001\n尊敬的客户：您好！\n您的订单已确认，请查收。\nOrder confirmed.\n".write(toFile: lab.directory + "/notice.txt", atomically: true, encoding: .utf8)
        try "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF broken".write(toFile: lab.directory + "/corrupt.pdf", atomically: true, encoding: .utf8)
        #expect(engine.waitForEvent(within: 15) { $0["event"] as? String == "link" && $0["up"] as? Bool == true } != nil,
                "the D-channel comes up: \(engine.log)")
        func send(_ document: String, _ to: String, _ extra: [String] = []) throws -> ControlTool.Outcome {
            try ControlTool.run(socket: engine.controlSocket, ["fax", "send", "\(lab.directory)/\(document)", "--to", to, "--trunk-group", "carrier"] + extra)
        }
        for (arguments, message) in [
            (["fax", "send", "/x.pdf", "--to", "12ab", "--trunk-group", "carrier"], "to must be a number"),
            (["fax", "send", "/x.pdf", "--to", "5", "--trunk-group", "nowhere"], "no trunk group nowhere"),
            (["fax", "send", "/x.pdf", "--to", "5", "--trunk-group", "carrier", "--time-zone", "Mars/Olympus_Mons"],
             "time_zone must be an IANA time zone such as America/New_York, not Mars/Olympus_Mons"),
            (["fax", "list", "--direction", "sideways"], "direction is inbound or outbound"),
            (["fax", "list", "--state", "lost"], "state is one of"),
            (["fax", "cancel", "999"], "no fax job 999 that has not ended"),
        ] {
            let r = try ControlTool.run(socket: engine.controlSocket, arguments)
            #expect(r.status == 1 && r.errors.contains(message), "\(arguments): \(r.output) \(r.errors)")
        }
        let corrupt = try send("corrupt.pdf", "55501")
        #expect(corrupt.output.contains("failed") && corrupt.output.contains("rendered no pages"), "\(corrupt.output) \(corrupt.errors)")
        for (document, to, extra) in [("letter.pdf", "55501", []), ("notice.txt", "55501", ["--cover", "请查收订单确认。Please find the order confirmation."]), ("letter.pdf", "55502", ["--attempts", "2"]),
                                      ("letter.pdf", "55503", ["--attempts", "2"]), ("letter.pdf", "55501", ["--at", "2099-01-01T00:00:00Z", "--time-zone", "America/New_York"])] {
            let r = try send(document, to, extra)
            #expect(r.status == 0 && r.output.contains("queued"), "\(document) to \(to): \(r.output) \(r.errors)")
        }
        let later = try #require(try Self.list(engine, ["fax", "list", "--state", "queued"]).first { ($0["next_attempt_at"] as? Double ?? 0) > 4e9 })
        #expect(later["time_zone"] as? String == "America/New_York", "the job keeps its recipient's time zone: \(later)")
        let cancel = try ControlTool.run(socket: engine.controlSocket, ["fax", "cancel", "\(later["id"] as? Int ?? 0)"])
        #expect(cancel.status == 0, "\(cancel.output) \(cancel.errors)")
        // Room for one more attempt when the line is slow: a fax that fails on a bad line is tried again.
        let jobs = Dictionary(grouping: try Self.settled(engine, count: 6, within: 90), by: { $0["source"] as? String ?? "" })
        let simulated = carrier.wait()
        #expect(simulated?.status == 0, "pstn-sim: \(simulated?.output ?? "did not run")")
        let pdfJobs = (jobs[lab.directory + "/letter.pdf"] ?? []).sorted { ($0["id"] as? Int ?? 0) < ($1["id"] as? Int ?? 0) }
        #expect(pdfJobs.map { $0["state"] as? String ?? "" } == ["sent", "failed", "failed", "cancelled"], "\(pdfJobs)\n\(engine.log)")
        for job in pdfJobs.prefix(1) + (jobs[lab.directory + "/notice.txt"] ?? []) {
            #expect(job["state"] as? String == "sent" && job["pages"] as? Int == job["document_pages"] as? Int, "\(job)")
            #expect(job["remote_ident"] as? String == "+86 21 5550 9999", "\(job)")
            let call = job["call"] as? Int ?? 0
            let received = "\(lab.directory)/got-\(call).tif"
            let rendering = try #require(job["tiff"] as? String)
            let differences = try Self.differencesBelowHeader(rendering, received)
            #expect(differences?.allSatisfy { $0 == 0 } == true, "pstn-sim's pages match the engine's rendering: \(String(describing: differences))")
            let ink = try Self.headerInk(received)
            #expect(ink.allSatisfy { $0 > 200 }, "each page has the header line: \(ink)")
            let outcome = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: received + ".json"))) as? [String: Any]
            #expect(outcome?["remoteIdent"] as? String == "+86 10 5550 0000" && outcome?["resultCode"] as? Int == 0, "\(String(describing: outcome))")
        }
        #expect(pdfJobs.first?["document_pages"] as? Int == 3)
        #expect((jobs[lab.directory + "/notice.txt"]?.first?["document_pages"] as? Int) == 2, "a cover page, then the notice")
        let busy = pdfJobs[1], unanswered = pdfJobs[2]
        #expect(busy["attempts"] as? Int == 2 && (busy["result"] as? String ?? "").contains("busy")
                && (busy["result"] as? String ?? "").contains("gave up after 2 attempts"), "\(busy)")
        #expect(unanswered["attempts"] as? Int == 2 && (unanswered["result"] as? String ?? "").contains("no answer"), "\(unanswered)")
        let failed = try #require(jobs[lab.directory + "/corrupt.pdf"]?.first)
        #expect(failed["state"] as? String == "failed" && failed["attempts"] as? Int == 0 && (failed["result"] as? String ?? "").contains("corrupt.pdf"))
    }

    @Test("a fax machine calling an IVR menu is heard (CNG): the call switches to fax reception and the fax is stored")
    func faxToneInIVR() throws {
        let lab = try LabInstance(lab: LabFiles.e1Pair())
        let flowFile = lab.directory + "/flows.yaml"
        try """
        flows:
          - name: menu
            language: zh
            start: welcome
            nodes:
              welcome: { play: [welcome], next: main }
              main: { menu: [menu-main], choices: { "1": bye }, timeout_s: 6, retries: 2, on_fail: bye }
              bye: { play: [goodbye], next: end }
              end: { hangup: 16 }
        """.write(toFile: flowFile, atomically: true, encoding: .utf8)
        let engine = try EngineProcess(lab: lab, config: Self.engine(lab, extra: "", routes: "  - { called: \"95588\", to: { app: ivr, arg: menu } }\n")
            .replacingOccurrences(of: "control: { socket: SOCKET }", with: "control: { socket: SOCKET }\nivr: { sounds: \(IVRLabTests.sounds), flows: [\(flowFile)] }"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let document = try Self.document(lab, pages: 1)
        let run = try SimulatorRun.run(lab: lab, scenario: ControlLabTests.carrier + """

        calls:
          - { name: fax, trunk: e1, calling: "13800138000", called: "95588",
              steps: [ { wait_answer: 10 }, { send_fax: \(document), fax_ident: "+86 21 5550 1234" }, { wait_release: 10 } ] }
        """, timeout: 120)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "\(run.output)")
        #expect((call["fax"] as? [String: Any])?["resultCode"] as? Int == 0, "\(call)\n\(engine.log)")
        let fax = try #require(try Self.settled(engine, count: 1).first, "\(engine.log)")
        #expect(fax["state"] as? String == "received" && fax["called"] as? String == "95588" && fax["pages"] as? Int == 1, "\(fax)")
        #expect(try Self.differences(document, fax["tiff"] as? String ?? "") == [0])
        let steps = engine.events().filter { $0["event"] as? String == "ivr-step" }.compactMap { $0["node"] as? String }
        #expect(steps.first == "welcome" && !steps.contains("bye"), "the menu was left for the fax, not run out: \(steps)")
    }

    @Test("a 3-page fax over an analog line with a G.168 echo path and noise on the cable arrives pixel-identical (ECM)")
    func receiveOverAnalog() throws {
        let lab = try LabInstance(lab: """
        cards:
          - name: engine
            ports: [fxo]
          - name: far
            ports: [fxs]
        cables:
          - { name: line, a: engine/port1, b: far/port1, impairments: { echo: { model: 4, erl: 12, delay_ms: 3, at: a }, noise_dbm0: -55 } }
        """)
        let engine = try EngineProcess(lab: lab, config: Self.engine(lab, trunks: "  - { name: co, type: fxo, group: pstn, channels: \"1\", callerid: v23, numbers: [\"95590\"] }"))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let document = try Self.document(lab)
        let run = try SimulatorRun.run(lab: lab, scenario: """
        dahdi: DAHDI
        zone: cn
        link_wait_s: 1
        trunks:
          - { name: co, type: fxs, channels: "2", callerid: v23, disconnect: battery }
        calls:
          - { name: fax, trunk: co, calling: "13800138000", called: "95590",
              steps: [ { wait_answer: 20 }, { send_fax: \(document), fax_ident: "+86 21 5550 1234" }, { hangup: 16 } ] }
        """, timeout: 180)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "\(run.output)")
        #expect((call["fax"] as? [String: Any])?["resultCode"] as? Int == 0, "\(call)\n\(engine.log)")
        let fax = try #require(try Self.settled(engine, count: 1).first, "\(engine.log)")
        #expect(fax["state"] as? String == "received" && fax["pages"] as? Int == 3 && fax["ecm"] as? Bool == true, "\(fax)")
        #expect(try Self.differences(document, fax["tiff"] as? String ?? "") == [0, 0, 0], "every page arrives as sent")
    }

    @Test("fax-on-demand from the IVR: a document picked by number arrives on the same call, and by a callback to the number keyed in; an unknown number is refused")
    func faxOnDemand() throws {
        let lab = try LabInstance(lab: LabFiles.e1Pair())
        try FaxTestDocument.postscript(pages: 2, to: lab.directory + "/rates.ps", lines: 3, title: "Rates and charges")
        try Self.pdf(from: lab.directory + "/rates.ps", to: lab.directory + "/rates.pdf")
        let flowFile = lab.directory + "/flows.yaml"
        try """
        flows:
          - name: fod
            language: zh
            start: pick
            nodes:
              pick: { collect: [enter-document], min: 3, max: 3, into: doc, next: how, on_fail: bye }
              how: { menu: [menu-fax], choices: { "1": here, "2": number }, timeout_s: 5, retries: 1, on_fail: bye }
              here: { fax: { document: "{doc}" }, prompts: [fax-start], on_error: missing }
              number: { collect: [enter-fax-number], min: 5, max: 12, terminator: "#", into: faxno, next: later, on_fail: bye }
              later: { fax: { document: "{doc}", to: "{faxno}", into: job }, prompts: [fax-will-be-sent], next: bye, on_error: missing }
              missing: { play: [document-not-found], next: bye }
              bye: { play: [goodbye], next: end }
              end: { hangup: 16 }
        """.write(toFile: flowFile, atomically: true, encoding: .utf8)
        let config = Self.engine(lab, extra: ", library: { \"101\": \(lab.directory)/rates.pdf }, callback_trunk_group: carrier",
                                 routes: "  - { called: \"95580\", to: { app: ivr, arg: fod } }\n")
            .replacingOccurrences(of: "control: { socket: SOCKET }", with: "control: { socket: SOCKET }\nivr: { sounds: \(IVRLabTests.sounds), flows: [\(flowFile)] }")
        let engine = try EngineProcess(lab: lab, config: config)
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let run = try SimulatorRun.run(lab: lab, scenario: ControlLabTests.carrier.replacingOccurrences(of: "answer: { after_ms: 200 }\n", with: "") + """

        answer_by_called:
          "55501": { after_ms: 300, steps: [ { receive_fax: "\(lab.directory)/callback-{call}.tif" } ] }
        calls:
          - { name: same-call, trunk: e1, calling: "13800138000", called: "95580",
              steps: [ { wait_answer: 10 }, { wait: 1 }, { send_dtmf: "101" }, { wait: 2 }, { send_dtmf: "1" },
                       { receive_fax: "\(lab.directory)/same-call.tif" }, { wait_release: 10 } ] }
          - { name: callback, trunk: e1, calling: "13800138001", called: "95580",
              steps: [ { wait_answer: 10 }, { wait: 1 }, { send_dtmf: "101" }, { wait: 2 }, { send_dtmf: "2" }, { wait: 2 },
                       { send_dtmf: "55501#" }, { wait_release: 30 }, { wait: 25 } ] }
          - { name: unknown, trunk: e1, calling: "13800138002", called: "95580",
              steps: [ { wait_answer: 10 }, { wait: 1 }, { send_dtmf: "999" }, { wait: 2 }, { send_dtmf: "1" }, { wait_release: 30 } ] }
        """, timeout: 180)
        let calls = Dictionary(uniqueKeysWithValues: try #require(run.report?["calls"] as? [[String: Any]], "\(run.output)")
            .map { ($0["name"] as? String ?? "", $0) })
        let library = lab.directory + "/fax/library/101.tif"
        #expect((calls["same-call"]?["fax"] as? [String: Any])?["resultCode"] as? Int == 0, "\(calls["same-call"] ?? [:])\n\(engine.log)")
        let sameCall = try Self.differencesBelowHeader(library, lab.directory + "/same-call.tif")
        #expect(sameCall == [0, 0], "the document arrives on the caller's own call: \(String(describing: sameCall))")
        let faxes = try Self.settled(engine, count: 2, within: 20)
        let sent = faxes.filter { $0["source"] as? String == "library 101" }
        #expect(sent.count == 2 && sent.allSatisfy { $0["state"] as? String == "sent" && $0["pages"] as? Int == 2 }, "\(faxes)\n\(engine.log)")
        #expect(Set(sent.compactMap { $0["called"] as? String }) == ["13800138000", "55501"], "\(sent)")
        let callback = try #require(sent.first { $0["called"] as? String == "55501" })
        let delivered = try Self.differencesBelowHeader(library, "\(lab.directory)/callback-\(callback["call"] as? Int ?? 0).tif")
        #expect(delivered == [0, 0], "the callback delivers the document: \(String(describing: delivered))")
        let steps = engine.events().filter { $0["event"] as? String == "ivr-step" && ["here", "later"].contains($0["node"] as? String ?? "") }
            .compactMap { $0["input"] as? String }
        #expect(steps.contains("document 101 on this call") && steps.contains { $0.hasPrefix("document 101 to 55501, job ") }
                && steps.contains("no document 999"), "\(steps)")
    }
}
