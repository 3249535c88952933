import Foundation

/// The prompt names a folder of prompts holds (`zh/welcome` for `zh/welcome.wav`), for checking
/// flows without loading any audio.
public enum PromptCatalog {
    static let extensions: Set<String> = ["wav", "flac", "ogg", "au", "aiff", "aif", "mp3"]

    /// Nil when `root` is not a folder.
    public static func names(in root: String) -> Set<String>? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        var names: Set<String> = []
        for relative in FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [] {
            let url = URL(fileURLWithPath: relative)
            if extensions.contains(url.pathExtension.lowercased()) { names.insert(url.deletingPathExtension().relativePath) }
        }
        return names
    }
}
