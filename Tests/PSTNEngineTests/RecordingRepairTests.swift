import Foundation
import PSTNEngine
import Testing

/// RIFF bytes from chunks, with sizes as given (so tests can make them wrong).
func riff(size: UInt32? = nil, form: String = "WAVE", _ chunks: [(String, UInt32?, [UInt8])]) -> [UInt8] {
    func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    var body = Array(form.utf8)
    for (id, declared, bytes) in chunks {
        body += Array(id.utf8) + le32(declared ?? UInt32(bytes.count)) + bytes
        if bytes.count % 2 == 1 && id != "data" { body.append(0) }
    }
    return Array("RIFF".utf8) + le32(size ?? UInt32(body.count)) + body
}

/// A fmt chunk body: `tag` 1 = PCM, 6 = A-law.
func fmtChunk(tag: UInt16, channels: UInt16, bits: UInt16, blockAlign: UInt16? = nil) -> [UInt8] {
    func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    let align = blockAlign ?? channels * bits / 8
    return le16(tag) + le16(channels) + le32(8000) + le32(8000 * UInt32(align)) + le16(align) + le16(bits) + (tag == 1 ? [] : le16(0))
}

func le32At(_ bytes: [UInt8], _ at: Int) -> UInt32 {
    UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
}

@Suite("Recording repair: WAV headers after a crash")
final class RecordingRepairTests {
    let directory: RecordingDirectory

    init() throws { directory = try RecordingDirectory() }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = directory.file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func contents(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test("stale sizes in an A-law file with fact and LIST chunks are fixed from the file's length")
    func staleALaw() throws {
        let codes = (0..<1001).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let path = try write("stale.wav", riff(size: 36, [
            ("fmt ", nil, fmtChunk(tag: 6, channels: 1, bits: 8)),
            ("fact", nil, [0, 0, 0, 0]),
            ("LIST", nil, Array("INFOISFT\u{5}\0\0\0pstn\0".utf8)),   // odd size: padded
            ("data", 0, codes),
        ]))
        #expect(try RecordingRepair.repairWAV(path: path) == 1001)
        let bytes = try contents(path)
        #expect(Int(le32At(bytes, 4)) == bytes.count - 8)
        let back = try RecordingReadBack(path)
        #expect(differences(back.samples, codes.map { alawToLinear($0) }) == 0)
        #expect(try RecordingRepair.repairWAV(path: path) == 1001, "repairing again changes nothing")
        #expect(try contents(path) == bytes)
        // The fact chunk's frame count follows the data.
        let fact = try #require(firstIndex(of: Array("fact".utf8), in: bytes))
        #expect(le32At(bytes, fact + 8) == 1001)
    }

    @Test("a partial last frame is left out; a size claiming past the end is cut back")
    func partialFrame() throws {
        let data = [UInt8](repeating: 0x11, count: 4 * 100 + 3)
        for declared: UInt32 in [0, 4 * 50, 0xFFFF_FFFF] {
            let path = try write("partial.wav", riff(size: 0xFFFF_FFFF, [("fmt ", nil, fmtChunk(tag: 1, channels: 2, bits: 16)), ("data", declared, data)]))
            #expect(try RecordingRepair.repairWAV(path: path) == 100)
            let bytes = try contents(path)
            #expect(le32At(bytes, 40) == 400)
            #expect(try RecordingReadBack(path).frames == 100)
        }
    }

    @Test("a file closed properly, with a chunk after its audio, is left as it is")
    func intact() throws {
        let samples = [UInt8](repeating: 3, count: 320)
        let path = try write("intact.wav", riff([("fmt ", nil, fmtChunk(tag: 1, channels: 1, bits: 16)),
                                                 ("data", nil, samples),
                                                 ("LIST", nil, Array("INFOICMT\u{4}\0\0\0ok!\0".utf8))]))
        let before = try contents(path)
        #expect(try RecordingRepair.repairWAV(path: path) == 160)
        #expect(try contents(path) == before)
    }

    static let malformed: [(String, [UInt8])] = [
        ("empty", []),
        ("text", Array("hello, this is not a recording at all".utf8)),
        ("short", Array("RIFF\u{4}\0".utf8)),
        ("RIFF header only", riff([])),
        ("not WAVE", riff(form: "AVI ", [("LIST", nil, [1, 2, 3, 4])])),
        ("RIFX", Array("RIFX".utf8) + riff([]).dropFirst(4)),
        ("chunk beyond the end", riff([("fmt ", nil, fmtChunk(tag: 1, channels: 1, bits: 16)), ("LIST", 1000, [1, 2, 3, 4])])),
        ("fmt beyond the end", Array(riff([("fmt ", 100, fmtChunk(tag: 1, channels: 1, bits: 16))]))),
        ("no data chunk", riff([("fmt ", nil, fmtChunk(tag: 1, channels: 1, bits: 16))])),
        ("data before fmt", riff([("data", nil, [1, 2, 3, 4]), ("fmt ", nil, fmtChunk(tag: 1, channels: 1, bits: 16))])),
        ("zero block align", riff([("fmt ", nil, fmtChunk(tag: 1, channels: 1, bits: 16, blockAlign: 0)), ("data", nil, [1, 2])])),
        ("short fmt", riff([("fmt ", nil, [1, 0, 1, 0]), ("data", nil, [1, 2])])),
        ("garbage chunk header", riff([("fmt ", nil, fmtChunk(tag: 1, channels: 1, bits: 16))]) + [0xFF, 0x00, 0x81, 0x7F, 1, 0, 0, 0, 9]),
        ("truncated chunk header", riff([("fmt ", nil, fmtChunk(tag: 1, channels: 1, bits: 16))]) + Array("dat".utf8)),
    ]

    @Test("malformed files are refused with a typed error and left untouched", arguments: malformed.map(\.0))
    func refused(kind: String) throws {
        let bytes = try #require(Self.malformed.first { $0.0 == kind }).1
        let path = try write("bad.wav", bytes)
        #expect { try RecordingRepair.repairWAV(path: path) } throws: { error in
            (error as? RecordingError)?.operation == "repair WAV" && (error as? RecordingError)?.path == path
        }
        #expect(try contents(path) == bytes)
    }

    @Test("a missing file, a directory and a FIFO are refused")
    func notFiles() throws {
        #expect(throws: RecordingError.self) { try RecordingRepair.repairWAV(path: self.directory.file("missing.wav")) }
        #expect(throws: RecordingError.self) { try RecordingRepair.repairWAV(path: self.directory.path) }
        let fifo = directory.file("fifo.wav")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: RecordingError.self) { try RecordingRepair.repairWAV(path: fifo) }
    }

    @Test("no truncation or corruption of a real recording makes repair crash")
    func fuzz() throws {
        let good = riff([("fmt ", nil, fmtChunk(tag: 6, channels: 2, bits: 8)), ("fact", nil, [0, 0, 0, 0]),
                         ("LIST", nil, Array("INFOISFT\u{4}\0\0\0pstn".utf8)), ("data", nil, [UInt8](repeating: 0xD5, count: 200))])
        var generator = SystemRandomNumberGenerator()
        var repaired = 0
        var refused = 0
        for trial in 0..<600 {
            var bytes = good
            if trial < good.count {
                bytes = Array(good.prefix(trial))
            } else {
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<100, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            let path = try write("fuzz.wav", bytes)
            do {
                let frames = try RecordingRepair.repairWAV(path: path)
                #expect(frames >= 0 && frames <= bytes.count)
                repaired += 1
            } catch {
                refused += 1
            }
        }
        #expect(repaired > 0 && refused > 0)
    }
}
