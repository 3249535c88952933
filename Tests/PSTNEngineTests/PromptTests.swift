import Foundation
import PSTNEngine
import Testing

/// A minimal RIFF/WAVE writer, here so the tests do not depend on the loader under test.
func writeWAV(_ path: String, format: UInt16, rate: UInt32, channels: UInt16, bitsPerSample: UInt16, data: [UInt8]) throws {
    func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    let blockAlign = channels * bitsPerSample / 8
    var fmt = le16(format) + le16(channels) + le32(rate) + le32(rate * UInt32(blockAlign)) + le16(blockAlign) + le16(bitsPerSample)
    if format != 1 { fmt += le16(0) }
    var bytes = Array("RIFF".utf8) + le32(UInt32(4 + 8 + fmt.count + 8 + data.count)) + Array("WAVE".utf8)
    bytes += Array("fmt ".utf8) + le32(UInt32(fmt.count)) + fmt
    bytes += Array("data".utf8) + le32(UInt32(data.count)) + data
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func pcm16(_ samples: [Int16]) -> [UInt8] {
    samples.flatMap { s in [UInt8(UInt16(bitPattern: s) & 0xFF), UInt8(UInt16(bitPattern: s) >> 8)] }
}

@Suite("Prompts: loading and playing")
final class PromptTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "pstn-prompts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    @Test("an 8 kHz PCM16 prompt loads bit-exact")
    func exact() throws {
        let samples = (0..<4000).map { Int16(truncatingIfNeeded: $0 * 37 - 60_000) }
        let path = directory + "/exact.wav"
        try writeWAV(path, format: 1, rate: 8000, channels: 1, bitsPerSample: 16, data: pcm16(samples))
        let prompt = try Prompt.load(path: path)
        #expect(prompt.samples == samples)
        #expect(prompt.name == "exact")
        #expect(prompt.milliseconds == 500)
    }

    @Test("a 16 kHz stereo file becomes 8 kHz mono with its tone intact")
    func converted() throws {
        let frames = 16_000
        var data: [Int16] = []
        for n in 0..<frames {
            let s = Int16(10_000 * sin(2 * Double.pi * 1000 * Double(n) / 16_000))
            data += [s, s]
        }
        let path = directory + "/wide.wav"
        try writeWAV(path, format: 1, rate: 16_000, channels: 2, bitsPerSample: 16, data: pcm16(data))
        let prompt = try Prompt.load(path: path)
        #expect(abs(prompt.samples.count - 8000) <= 16)
        let middle = prompt.samples[2000..<6000]
        #expect(goertzel(middle, 1000) > 1000 * goertzel(middle, 1500))
    }

    @Test("an A-law WAV loads as the linear values of its codes")
    func aLaw() throws {
        let codes: [UInt8] = (0..<800).map { UInt8($0 % 256) }
        let path = directory + "/alaw.wav"
        try writeWAV(path, format: 6, rate: 8000, channels: 1, bitsPerSample: 8, data: codes)
        let prompt = try Prompt.load(path: path)
        #expect(prompt.samples == codes.map { alawToLinear($0) })
    }

    @Test("files that are not audio are refused with the reason", arguments: ["text", "empty", "truncated", "missing"])
    func refused(kind: String) throws {
        let path = directory + "/\(kind).wav"
        switch kind {
        case "text": try "hello, not audio".write(toFile: path, atomically: true, encoding: .utf8)
        case "empty": try writeWAV(path, format: 1, rate: 8000, channels: 1, bitsPerSample: 16, data: [])
        case "truncated": try Data(Array("RIFF\u{10}\0\0\0WAVEfmt ".utf8)).write(to: URL(fileURLWithPath: path))
        default: break
        }
        #expect(throws: PromptError.self) { _ = try Prompt.load(path: path) }
    }

    @Test("a sequence plays in order, loops when asked, and stops on a key when asked")
    func player() {
        let a = Prompt(name: "a", samples: [Int16](repeating: 1, count: 100))
        let b = Prompt(name: "b", samples: [Int16](repeating: 2, count: 50))
        let player = PromptPlayer()
        var out = [Int16](repeating: 0, count: 160)
        player.play([a, b])
        let n = out.withUnsafeMutableBufferPointer { player.render(into: $0) }
        #expect(n == 150)
        #expect(Array(out[0..<100]) == [Int16](repeating: 1, count: 100))
        #expect(Array(out[100..<150]) == [Int16](repeating: 2, count: 50))
        #expect(!player.isPlaying)
        #expect(player.position == 150)

        player.play([b], loop: true, stopOnDTMF: true)
        #expect(out.withUnsafeMutableBufferPointer { player.render(into: $0) } == 160)
        #expect(player.isPlaying)
        #expect(player.keyPressed())
        #expect(out.withUnsafeMutableBufferPointer { player.render(into: $0) } == 0)

        player.play([a], stopOnDTMF: false)
        #expect(!player.keyPressed())
        #expect(player.isPlaying)
    }
}
