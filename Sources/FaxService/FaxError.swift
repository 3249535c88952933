/// A fax operation that could not be done: what was being done, with what, and why.
public struct FaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let operation: String
    public let subject: String
    public let reason: String

    public init(_ operation: String, _ subject: String, _ reason: String) {
        self.operation = operation
        self.subject = subject
        self.reason = reason
    }

    public var description: String { "\(operation) \(subject): \(reason)" }
}
