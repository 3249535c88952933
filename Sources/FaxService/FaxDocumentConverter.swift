import Foundation

/// The two fax resolutions a document is rendered at (1728 pixels across, 204 dpi).
public enum FaxResolution: String, Sendable, Codable, CaseIterable {
    /// 98 lines per inch.
    case standard
    /// 196 lines per inch.
    case fine

    var linesPerInch: Int { self == .fine ? 196 : 98 }
    /// Lines on an A4 page (297 mm).
    var pageLines: Int { self == .fine ? 2292 : 1146 }
}

/// Turns documents into fax pages (bilevel TIFF, 1728 pixels wide, T.6 compressed) with
/// Ghostscript: PDF and PostScript are rendered fitted to the page; UTF-8 text (Chinese
/// included) is laid out by Pango (`paps`) in a CJK font first, PNG and JPEG images are wrapped
/// in a PDF (`img2pdf`) first; a TIFF that is already a fax document is taken as it is.
/// Anything else, or a document the tools cannot read, is refused with the reason.
public struct FaxDocumentConverter: Sendable {
    public var ghostscript: String
    public var paps: String
    public var img2pdf: String
    public var tiffcp: String
    /// The Pango font text is set in.
    public var textFont: String
    /// Longest a conversion may take.
    public var timeoutSeconds: Double

    public init(ghostscript: String = "/usr/bin/gs", paps: String = "/usr/bin/paps", img2pdf: String = "/usr/bin/img2pdf",
                tiffcp: String = "/usr/bin/tiffcp", textFont: String = "WenQuanYi Micro Hei 12", timeoutSeconds: Double = 120) {
        self.ghostscript = ghostscript
        self.paps = paps
        self.img2pdf = img2pdf
        self.tiffcp = tiffcp
        self.textFont = textFont
        self.timeoutSeconds = timeoutSeconds
    }

    /// The kinds of document by file name extension.
    public enum Kind: String, Sendable {
        case pdf, postscript, tiff, text, image
    }

    /// The kind of `path` by its extension, or nil when it is not one this converter takes.
    public static func kind(of path: String) -> Kind? {
        switch (path as NSString).pathExtension.lowercased() {
        case "pdf": return .pdf
        case "ps", "eps": return .postscript
        case "tif", "tiff": return .tiff
        case "txt", "text": return .text
        case "png", "jpg", "jpeg": return .image
        default: return nil
        }
    }

    /// Render `input` into the fax TIFF `output` behind a cover page: `cover` is given the
    /// document's page count and returns the cover's text (UTF-8, laid out like a text
    /// document). Returns the page count, the cover included.
    public func convert(_ input: String, to output: String, resolution: FaxResolution = .fine,
                        cover: (Int) -> String) throws(FaxError) -> Int {
        let body = output + ".body.tif", coverText = output + ".cover.txt", coverPages = output + ".cover.tif"
        defer { for f in [body, coverText, coverPages] { try? FileManager.default.removeItem(atPath: f) } }
        let pages = try convert(input, to: body, resolution: resolution)
        guard FileManager.default.createFile(atPath: coverText, contents: Data(cover(pages).utf8)) else {
            throw FaxError("convert", input, "cannot write the cover page's text to \(coverText)")
        }
        let coverCount = try convert(coverText, to: coverPages, resolution: resolution)
        try? FileManager.default.removeItem(atPath: output)
        let (status, errors) = try run(tiffcp, [coverPages, body, output], for: input)
        guard status == 0, (try? FaxPages.count(path: output)) == pages + coverCount else {
            try? FileManager.default.removeItem(atPath: output)
            throw FaxError("convert", input, "the cover page cannot be joined to the document (tiffcp exit \(status): \(Self.firstLines(errors)))")
        }
        return pages + coverCount
    }

    /// Render `input` into the fax TIFF `output`; returns its page count.
    public func convert(_ input: String, to output: String, resolution: FaxResolution = .fine) throws(FaxError) -> Int {
        guard FileManager.default.isReadableFile(atPath: input) else { throw FaxError("convert", input, "no such readable file") }
        guard let kind = Self.kind(of: input) else {
            throw FaxError("convert", input, "not a document type fax takes (PDF, PostScript, TIFF, text, PNG or JPEG)")
        }
        if kind == .tiff {
            let pages = try FaxPages.read(path: input)
            guard pages.allSatisfy({ $0.width == 1728 }) else {
                throw FaxError("convert", input, "a TIFF must already be a fax document (bilevel, 1728 pixels wide)")
            }
            do {
                if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
                try FileManager.default.copyItem(atPath: input, toPath: output)
            } catch {
                throw FaxError("convert", input, "cannot copy to \(output): \(error.localizedDescription)")
            }
            return pages.count
        }
        try? FileManager.default.removeItem(atPath: output)
        var source = input
        var intermediate: String?
        defer { if let intermediate { try? FileManager.default.removeItem(atPath: intermediate) } }
        switch kind {
        case .text:
            guard let data = FileManager.default.contents(atPath: input), String(data: data, encoding: .utf8) != nil else {
                throw FaxError("convert", input, "not UTF-8 text")
            }
            let ps = output + ".text.ps"
            intermediate = ps
            let (status, errors) = try run(paps, ["--font=\(textFont)", "--paper=a4", input], for: input, standardOutput: ps)
            guard status == 0 else { throw FaxError("convert", input, "the text cannot be laid out (paps exit \(status): \(Self.firstLines(errors)))") }
            source = ps
        case .image:
            let pdf = output + ".image.pdf"
            intermediate = pdf
            let (status, errors) = try run(img2pdf, ["--pagesize", "A4", "-o", pdf, input], for: input)
            guard status == 0 else { throw FaxError("convert", input, "the image cannot be read (img2pdf exit \(status): \(Self.firstLines(errors)))") }
            source = pdf
        default:
            break
        }
        let arguments = ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffg4",
                         "-r204x\(resolution.linesPerInch)", "-g1728x\(resolution.pageLines)", "-dFIXEDMEDIA",
                         source.hasSuffix(".pdf") ? "-dPDFFitPage" : "-dFitPage", "-sOutputFile=\(output)", "--", source]
        let (status, errors) = try run(ghostscript, arguments, for: input)
        guard status == 0 else {
            try? FileManager.default.removeItem(atPath: output)
            let why = errors.split(separator: "\n").prefix(3).joined(separator: "; ")
            throw FaxError("convert", input, "Ghostscript cannot render it (exit \(status)\(why.isEmpty ? "" : ": \(why)"))")
        }
        let pages = (try? FaxPages.count(path: output)) ?? 0
        guard pages > 0 else {
            try? FileManager.default.removeItem(atPath: output)
            let said = errors.split(separator: "\n").prefix(2).joined(separator: "; ")
            throw FaxError("convert", input, "the document rendered no pages (damaged or empty\(said.isEmpty ? "" : ": \(said)"))")
        }
        return pages
    }

    private static func firstLines(_ text: String) -> String {
        text.split(separator: "\n").prefix(3).joined(separator: "; ")
    }

    /// Run `tool` with `arguments`, its standard output into `standardOutput` (or with its
    /// messages); the exit status and what it printed.
    private func run(_ tool: String, _ arguments: [String], for input: String,
                     standardOutput: String? = nil) throws(FaxError) -> (Int32, String) {
        let name = (tool as NSString).lastPathComponent
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            throw FaxError("convert", input, "\(name) is not installed at \(tool)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        if let standardOutput {
            guard FileManager.default.createFile(atPath: standardOutput, contents: nil),
                  let handle = FileHandle(forWritingAtPath: standardOutput) else {
                throw FaxError("convert", input, "cannot write \(standardOutput)")
            }
            process.standardOutput = handle
        } else {
            process.standardOutput = errors
        }
        do { try process.run() } catch {
            throw FaxError("convert", input, "cannot start \(name): \(error.localizedDescription)")
        }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        let collected = ErrorText()
        let reader = Thread { collected.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw FaxError("convert", input, "\(name) took longer than \(Int(timeoutSeconds)) s")
            }
            usleep(20_000)
        }
        let limit = Date().addingTimeInterval(2)
        while !collected.isSet && Date() < limit { usleep(5_000) }
        return (process.terminationStatus, collected.text)
    }
}

/// What Ghostscript printed, handed from the reading thread.
private final class ErrorText: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ d: Data) { lock.withLock { data = d } }
    var isSet: Bool { lock.withLock { data != nil } }
    var text: String { lock.withLock { data.map { String(decoding: $0, as: UTF8.self) } ?? "" } }
}
