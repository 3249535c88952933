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
/// Ghostscript: PDF and PostScript are rendered fitted to the page; a TIFF that is already a
/// fax document is taken as it is. Anything else, or a document Ghostscript cannot read, is
/// refused with the reason.
public struct FaxDocumentConverter: Sendable {
    public var ghostscript: String
    /// Longest a conversion may take.
    public var timeoutSeconds: Double

    public init(ghostscript: String = "/usr/bin/gs", timeoutSeconds: Double = 120) {
        self.ghostscript = ghostscript
        self.timeoutSeconds = timeoutSeconds
    }

    /// The kinds of document by file name extension.
    public enum Kind: String, Sendable {
        case pdf, postscript, tiff
    }

    /// The kind of `path` by its extension, or nil when it is not one this converter takes.
    public static func kind(of path: String) -> Kind? {
        switch (path as NSString).pathExtension.lowercased() {
        case "pdf": return .pdf
        case "ps", "eps": return .postscript
        case "tif", "tiff": return .tiff
        default: return nil
        }
    }

    /// Render `input` into the fax TIFF `output`; returns its page count.
    public func convert(_ input: String, to output: String, resolution: FaxResolution = .fine) throws(FaxError) -> Int {
        guard FileManager.default.isReadableFile(atPath: input) else { throw FaxError("convert", input, "no such readable file") }
        guard let kind = Self.kind(of: input) else {
            throw FaxError("convert", input, "not a document type fax takes (PDF, PostScript or TIFF)")
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
        let arguments = ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffg4",
                         "-r204x\(resolution.linesPerInch)", "-g1728x\(resolution.pageLines)", "-dFIXEDMEDIA",
                         kind == .pdf ? "-dPDFFitPage" : "-dFitPage", "-sOutputFile=\(output)", "--", input]
        let (status, errors) = try run(arguments, for: input)
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

    private func run(_ arguments: [String], for input: String) throws(FaxError) -> (Int32, String) {
        guard FileManager.default.isExecutableFile(atPath: ghostscript) else {
            throw FaxError("convert", input, "Ghostscript is not installed at \(ghostscript)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ghostscript)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        do { try process.run() } catch {
            throw FaxError("convert", input, "cannot start Ghostscript: \(error.localizedDescription)")
        }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        let collected = ErrorText()
        let reader = Thread { collected.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw FaxError("convert", input, "Ghostscript took longer than \(Int(timeoutSeconds)) s")
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
