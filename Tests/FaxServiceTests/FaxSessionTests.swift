import FaxService
import Foundation
import LabTestSupport
import PSTNEngine
import Testing

/// Two spandsp T.30 sessions back to back over A-law, run as fast as the CPU allows (no clock):
/// what one sends, the other stores, page for page.
@Suite("Fax sessions")
struct FaxSessionTests {
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "fax-session-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A 3-page fax document rendered by the converter.
    static func document(in folder: String, pages: Int = 3, resolution: FaxResolution = .fine) throws -> String {
        try FaxTestDocument.postscript(pages: pages, to: folder + "/doc.ps")
        let tiff = folder + "/doc.tif"
        #expect(try FaxDocumentConverter().convert(folder + "/doc.ps", to: tiff, resolution: resolution) == pages)
        return tiff
    }

    /// Run sender and receiver against each other over G.711 until both end.
    static func exchange(_ a: FaxSession, _ b: FaxSession, law: G711 = .aLaw, limitSeconds: Int = 400) {
        var fromA = [Int16](repeating: 0, count: 160), fromB = fromA
        var line = [UInt8](repeating: 0, count: 160)
        func codec(_ x: inout [Int16]) {
            x.withUnsafeBufferPointer { samples in line.withUnsafeMutableBufferPointer { law.encode(samples, into: $0) } }
            line.withUnsafeBufferPointer { l in x.withUnsafeMutableBufferPointer { law.decode(l, into: $0) } }
        }
        for _ in 0..<(limitSeconds * 50) {
            fromA.withUnsafeMutableBufferPointer { a.transmit(into: $0) }
            fromB.withUnsafeMutableBufferPointer { b.transmit(into: $0) }
            codec(&fromA)
            codec(&fromB)
            fromB.withUnsafeBufferPointer { a.receive($0) }
            fromA.withUnsafeBufferPointer { b.receive($0) }
            if a.isFinished && b.isFinished { return }
        }
    }

    @Test("a 3-page fax with ECM arrives pixel-identical, with both idents, the pages and the rate")
    func threePagesECM() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let document = try Self.document(in: dir)
        let sender = try FaxSession(role: .send(document: document), callingParty: true,
                                    options: .init(ident: "+86 10 5550 0001"))
        let receiver = try FaxSession(role: .receive(into: dir + "/in.tif"), callingParty: false,
                                      options: .init(ident: "+86 10 5550 0002"))
        Self.exchange(sender, receiver)
        let sent = sender.outcome, got = receiver.outcome
        #expect(sent.succeeded && got.succeeded, "sender: \(sent), receiver: \(got)")
        #expect(sent.pages == 3 && got.pages == 3 && sent.pagesInDocument == 3)
        #expect(got.remoteIdent == "+86 10 5550 0001" && sent.remoteIdent == "+86 10 5550 0002")
        #expect(got.ecm && got.bitRate == 14400 && got.xDPI == 204 && got.yDPI == 196, "\(got)")
        let original = try FaxPages.read(path: document), stored = try FaxPages.read(path: dir + "/in.tif")
        #expect(stored.count == 3)
        for (i, (a, b)) in zip(original, stored).enumerated() {
            #expect(a.blackPixels > 10_000, "page \(i + 1) has content")
            #expect(a.differingRows(from: b) == 0, "page \(i + 1): \(a.width)x\(a.height) sent, \(b.width)x\(b.height) stored")
        }
    }

    @Test("a session whose line goes dead ends as dropped and keeps the pages that arrived")
    func droppedCall() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let document = try Self.document(in: dir, resolution: .standard)
        let sender = try FaxSession(role: .send(document: document), callingParty: true)
        let receiver = try FaxSession(role: .receive(into: dir + "/in.tif"), callingParty: false)
        // Long enough for the first page (about 20 s at standard resolution), not for all three.
        Self.exchange(sender, receiver, limitSeconds: 30)
        #expect(!receiver.isFinished)
        receiver.terminate()
        sender.terminate()
        let got = receiver.outcome
        #expect(!got.succeeded && got.completion.nextStep == .retry, "\(got)")
        #expect(got.pages >= 1 && got.pages < 3 && got.partial, "\(got)")
        #expect((try? FaxPages.count(path: dir + "/in.tif")) == got.pages)
    }

    @Test("documents that cannot be faxed are refused with the reason", arguments: [
        ("corrupt.pdf", "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF garbage", "rendered no pages"),
        ("notes.docx", "PK\u{3}\u{4}", "not a document type fax takes"),
        ("fake.tif", "II*\0garbage", "not a TIFF file"),
        ("broken.ps", "%!PS\n/Helvetica findfont 12 scalefont setfont 10 10 moveto (x) show nosuchoperator showpage\n", "Ghostscript cannot render it"),
        ("empty.ps", "%!PS\n", "rendered no pages"),
        ("fake.png", "\u{89}PNG garbage", "the image cannot be read"),
    ])
    func refusedDocuments(name: String, content: String, reason: String) throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try content.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8)
        #expect {
            try FaxDocumentConverter().convert("\(dir)/\(name)", to: dir + "/out.tif")
        } throws: { error in
            "\(error)".contains(reason) && "\(error)".contains(name)
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.tif"))
    }

    @Test("UTF-8 text with Chinese and a PNG image become fax pages; text that is not UTF-8 is refused")
    func textAndImages() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = (1...80).map { "第\($0)行：合同编号 2026-\($0) 尊敬的客户，您好！Line \($0) of the order." }
        try lines.joined(separator: "\n").write(toFile: dir + "/zh.txt", atomically: true, encoding: .utf8)
        let converter = FaxDocumentConverter()
        #expect(try converter.convert(dir + "/zh.txt", to: dir + "/zh.tif") == 2, "80 lines fill two pages")
        let pages = try FaxPages.read(path: dir + "/zh.tif")
        #expect(pages.allSatisfy { $0.width == 1728 && $0.yDPI == 196 && $0.blackPixels > 20_000 }, "\(pages.map(\.blackPixels))")
        #expect(FileManager.default.createFile(atPath: dir + "/gb.txt", contents: Data([0xB9, 0xFA, 0xBC, 0xD2, 0xFF])))
        #expect { try converter.convert(dir + "/gb.txt", to: dir + "/gb.tif") } throws: { "\($0)".contains("not UTF-8 text") }
        // A PNG from Ghostscript itself: the first text page, at 100 dpi.
        let png = Process()
        png.executableURL = URL(fileURLWithPath: "/usr/bin/gs")
        try FaxTestDocument.postscript(pages: 1, to: dir + "/one.ps")
        png.arguments = ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pnggray", "-r100", "-sOutputFile=\(dir)/one.png", dir + "/one.ps"]
        try png.run()
        png.waitUntilExit()
        #expect(try converter.convert(dir + "/one.png", to: dir + "/png.tif", resolution: .standard) == 1)
        let image = try #require(try FaxPages.read(path: dir + "/png.tif").first)
        #expect(image.width == 1728 && image.yDPI == 98 && image.blackPixels > 10_000, "\(image.blackPixels)")
    }

    @Test("a cover page goes first, told the document's page count")
    func coverPage() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FaxTestDocument.postscript(pages: 2, to: dir + "/doc.ps", lines: 3)
        var told: Int?
        let pages = try FaxDocumentConverter().convert(dir + "/doc.ps", to: dir + "/out.tif") { count in
            told = count
            return "FAX 传真\nTo: 55501\nPages: \(count + 1)\n请查收"
        }
        #expect(pages == 3 && told == 2)
        _ = try FaxDocumentConverter().convert(dir + "/doc.ps", to: dir + "/body.tif")
        let all = try FaxPages.read(path: dir + "/out.tif"), document = try FaxPages.read(path: dir + "/body.tif")
        #expect(all.count == 3 && all[0].blackPixels > 1000 && all[0].differingRows(from: document[0]) > 0, "the cover is its own page")
        #expect(all[1].differingRows(from: document[0]) == 0 && all[2].differingRows(from: document[1]) == 0, "then the document as it is")
        #expect(FileManager.default.fileExists(atPath: dir + "/out.tif.body.tif") == false, "intermediate files are removed")
    }

    @Test("a send session refuses a missing or unreadable document before any call")
    func sendNeedsDocument() throws {
        #expect(throws: FaxError.self) { try FaxSession(role: .send(document: "/nonexistent/doc.tif"), callingParty: true) }
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "not a tiff".write(toFile: dir + "/x.tif", atomically: true, encoding: .utf8)
        #expect(throws: FaxError.self) { try FaxSession(role: .send(document: dir + "/x.tif"), callingParty: true) }
    }
}
