import Yams

/// Finds where a key of a YAML configuration is written, so that every problem can be reported as
/// `file:line:column: message`, as compilers do. A path that does not exist (a missing key) is
/// placed at the deepest part of it that does.
struct ConfigurationLocator {
    /// One step into the document: a mapping key or a sequence index.
    enum Key: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, Sendable {
        case key(String)
        case index(Int)
        init(stringLiteral value: String) { self = .key(value) }
        init(integerLiteral value: Int) { self = .index(value) }
    }

    private let root: Node?

    init(_ text: String) {
        root = try? Yams.compose(yaml: text)
    }

    /// 1-based line and column of `path`, or nil when the text is not YAML at all.
    func location(_ path: [Key]) -> (line: Int, column: Int)? {
        guard var node = root else { return nil }
        var best = node.mark
        for step in path {
            let next: Node?
            switch step {
            case let .key(k): next = node[k]
            case let .index(i): next = node.sequence.flatMap { i < $0.count ? $0[i] : nil }
            }
            guard let found = next else { break }
            node = found
            if let m = found.mark { best = m }
        }
        return best.map { ($0.line, $0.column) }
    }

    /// The path of a decoding error's key.
    static func path(of error: any Error) -> [Key] {
        guard let decoding = error as? DecodingError else { return [] }
        let keys: [any CodingKey]
        switch decoding {
        case let .typeMismatch(_, c), let .valueNotFound(_, c), let .dataCorrupted(c): keys = c.codingPath
        case let .keyNotFound(_, c): keys = c.codingPath
        @unknown default: keys = []
        }
        return keys.map { $0.intValue.map(Key.index) ?? .key($0.stringValue) }
    }
}

/// Problems found in a configuration, each tied to where it is written.
struct LocatedProblems {
    let file: String
    let locator: ConfigurationLocator
    private(set) var lines: [String] = []

    init(file: String, text: String) {
        self.file = file
        locator = ConfigurationLocator(text)
    }

    var isEmpty: Bool { lines.isEmpty }

    mutating func add(_ path: [ConfigurationLocator.Key], _ message: String) {
        if let (line, column) = locator.location(path) {
            lines.append("\(file):\(line):\(column): \(message)")
        } else {
            lines.append("\(file): \(message)")
        }
    }

    mutating func add(_ path: [ConfigurationLocator.Key], _ messages: [String]) {
        for m in messages { add(path, m) }
    }

    /// Problems of other files, already saying where they are.
    mutating func addLocated(_ messages: [String]) {
        lines += messages
    }
}
