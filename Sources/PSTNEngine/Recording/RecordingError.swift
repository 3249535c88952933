/// A recording that could not be opened, written or repaired: what was being done, on which
/// file, and why.
public struct RecordingError: Error, Equatable, CustomStringConvertible {
    /// What was being done, e.g. "open recording", "repair WAV".
    public let operation: String
    public let path: String
    public let reason: String

    public init(operation: String, path: String, reason: String) {
        self.operation = operation
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(operation) \(path): \(reason)" }
}
