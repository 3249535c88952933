import Foundation
import Logging
import Synchronization

/// A swift-log handler writing one line per message to standard error in the form journald
/// keeps: under systemd (`JOURNAL_STREAM` set) each line starts with its syslog priority
/// (`<6>`), which the journal stores as the priority; elsewhere with the level's name.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let underJournal: Bool
    private static let lock = Mutex<Void>(())

    public init(label: String, underJournal: Bool = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil) {
        self.label = label
        self.underJournal = underJournal
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = "\(message)\(fields)".replacingOccurrences(of: "\n", with: " | ")
        let prefix = underJournal ? "<\(Self.priority(level))>" : "\(level.rawValue.uppercased()) "
        let bytes = Data("\(prefix)\(label): \(text)\n".utf8)
        Self.lock.withLock { _ in FileHandle.standardError.write(bytes) }
    }

    /// syslog(3) priorities.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}
