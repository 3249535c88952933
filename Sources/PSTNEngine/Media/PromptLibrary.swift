import Foundation

/// Every prompt under a folder, loaded once at start-up and shared by all channels: a file
/// `zh/digits/7.wav` under the root is the prompt "zh/digits/7". Files that are not audio are
/// reported, not fatal, so one bad file does not keep the others from playing.
public final class PromptLibrary: Sendable {
    public let root: String
    private let prompts: [String: Prompt]
    /// Files that could not be loaded, with why.
    public let failures: [PromptError]

    /// Load every file under `root` with an audio extension libsndfile reads.
    public init(root: String, extensions: Set<String> = ["wav", "flac", "ogg", "au", "aiff", "aif", "mp3"]) throws(PromptError) {
        self.root = root
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PromptError(path: root, reason: "no such folder of prompts")
        }
        var loaded: [String: Prompt] = [:]
        var failed: [PromptError] = []
        let files = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted()
        for relative in files {
            let url = URL(fileURLWithPath: relative)
            guard extensions.contains(url.pathExtension.lowercased()) else { continue }
            let name = url.deletingPathExtension().relativePath
            do {
                loaded[name] = try Prompt.load(path: root + "/" + relative, name: name)
            } catch {
                failed.append(error)
            }
        }
        prompts = loaded
        failures = failed
    }

    public var names: [String] { prompts.keys.sorted() }

    public subscript(name: String) -> Prompt? { prompts[name] }

    /// The prompts for `names`, in order; throws naming the first that is missing.
    public func sequence(_ names: [String]) throws(PromptError) -> [Prompt] {
        var result: [Prompt] = []
        for n in names {
            guard let p = prompts[n] else { throw PromptError(path: root + "/" + n, reason: "no such prompt") }
            result.append(p)
        }
        return result
    }
}
