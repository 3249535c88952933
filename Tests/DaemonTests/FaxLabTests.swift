import FaxService
import Foundation
import Glibc
import LabTestSupport
import Testing

/// Faxes between `pstn-sim` (a fax machine) and `pstnd` as separate processes on emulated
/// lines: what the engine stores is compared page by page, pixel by pixel, with what was sent.
@Suite("Fax between pstn-sim and pstnd", .serialized)
struct FaxLabTests {
    static func engine(_ lab: LabInstance, extra: String = "", trunks: String? = nil, routes: String = "") -> String {
        """
        dahdi: DAHDI
        events: EVENTS
        store: STORE
        control: { socket: SOCKET }
        fax: { dir: \(lab.directory)/fax, ident: "+86 10 5550 0000", header: "PSTN Engine lab", retry_after_s: [2], busy_retry_s: 1, answer_timeout_s: 10\(extra) }
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

    @Test("a 3-page fax sent into a fax number over PRI is stored pixel-identical (ECM), with a PDF and what T.30 reported")
    func receiveOverPRI() throws {
        let lab = try LabInstance(lab: LabFiles.e1Pair())
        let engine = try EngineProcess(lab: lab, config: Self.engine(lab))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let document = try Self.document(lab)
        let run = try SimulatorRun.run(lab: lab, scenario: ControlLabTests.carrier + """

        calls:
          - { name: fax, trunk: e1, calling: "13800138000", called: "95590",
              steps: [ { wait_answer: 10 }, { send_fax: \(document), fax_ident: "+86 21 5550 1234" }, { wait_release: 10 } ] }
        """, timeout: 180)
        let call = try #require((run.report?["calls"] as? [[String: Any]])?.first, "\(run.output)")
        let sent = try #require(call["fax"] as? [String: Any], "\(call)\n\(engine.log)")
        #expect(sent["resultCode"] as? Int == 0 && sent["pages"] as? Int == 3, "the sender's view: \(sent)")
        let fax = try #require(try Self.settled(engine, count: 1).first)
        #expect(fax["state"] as? String == "received" && fax["pages"] as? Int == 3, "\(fax)\n\(engine.log)")
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
        let show = try ControlTool.run(socket: engine.controlSocket, ["fax", "show", "999"])
        #expect(show.status == 1 && show.errors.contains("no fax 999"), "\(show.output) \(show.errors)")
    }
}
