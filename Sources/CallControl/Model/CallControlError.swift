/// Why a call-control operation failed: what was being done, with what, and the Q.850 cause a
/// caller of the operation should report.
public struct CallControlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being done, e.g. "place call to 5551234 on span1".
    public var operation: String
    /// Why it failed.
    public var reason: String
    /// The cause to report for the call this failure ends.
    public var cause: Q850Cause

    public init(_ operation: String, _ reason: String, cause: Q850Cause = .temporaryFailure) {
        self.operation = operation
        self.reason = reason
        self.cause = cause
    }

    public var description: String { "\(operation): \(reason) (cause \(cause))" }
}
