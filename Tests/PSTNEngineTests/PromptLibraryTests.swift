import Foundation
import PSTNEngine
import Testing

@Suite("Prompt library: a folder of prompts loaded once")
struct PromptLibraryTests {
    @Test("prompts are named by their path, bad files are reported and the rest load")
    func loadsFolder() throws {
        let root = NSTemporaryDirectory() + "prompts-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/zh/digits", withIntermediateDirectories: true)
        try writeWAV(root + "/zh/welcome.wav", format: 1, rate: 8000, channels: 1, bitsPerSample: 16, data: pcm16([1, 2, 3, 4]))
        try writeWAV(root + "/zh/digits/7.wav", format: 1, rate: 8000, channels: 1, bitsPerSample: 16, data: pcm16([7, 7]))
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: root + "/zh/broken.wav"))
        try Data("notes".utf8).write(to: URL(fileURLWithPath: root + "/zh/README.md"))
        let library = try PromptLibrary(root: root)
        #expect(library.names == ["zh/digits/7", "zh/welcome"])
        #expect(library["zh/welcome"]?.samples == [1, 2, 3, 4])
        #expect(library.failures.count == 1 && library.failures[0].path.hasSuffix("zh/broken.wav"))
        let sequence = try library.sequence(["zh/welcome", "zh/digits/7"])
        #expect(sequence.map(\.name) == ["zh/welcome", "zh/digits/7"])
        #expect(sequence[0] === library["zh/welcome"], "shared, not copied")
        #expect(throws: PromptError.self) { try library.sequence(["zh/welcome", "zh/nothing"]) }
        #expect(throws: PromptError.self) { try PromptLibrary(root: root + "/missing") }
    }
}
