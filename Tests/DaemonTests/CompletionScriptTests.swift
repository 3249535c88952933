import Foundation
import LabTestSupport
import Testing

/// The shell completions committed under `completions/` are what the tools generate now, so a
/// new command or option cannot land without its completion.
@Suite("Committed shell completions")
struct CompletionScriptTests {
    static let completions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("completions").path

    @Test("each committed completion script matches the tool's own", arguments: [
        ("pstnctl", "bash"), ("pstnctl", "zsh"), ("pstnctl", "fish"), ("pstnd", "bash"),
    ])
    func current(_ tool: String, _ shell: String) throws {
        let generated = LabInstance.run(try LabInstance.executable(tool), ["--generate-completion-script", shell])
        #expect(generated.status == 0, "\(generated.output)")
        let path = "\(Self.completions)/\(tool).\(shell)"
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        #expect(generated.output == committed,
                "\(path) is stale: regenerate it with `\(tool) --generate-completion-script \(shell) > completions/\(tool).\(shell)`")
    }
}
