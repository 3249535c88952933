import Synchronization

/// A call's identity across the whole engine: unique for the life of the process, shared by the
/// backend that carries the call, call control, applications and the CDR.
public struct CallID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let value: UInt64

    public init(_ value: UInt64) { self.value = value }

    private static let counter = Atomic<UInt64>(0)

    /// A fresh identity; backends take one for each incoming call, call control for each outgoing one.
    public static func next() -> CallID {
        CallID(counter.add(1, ordering: .relaxed).newValue)
    }

    public static func < (a: CallID, b: CallID) -> Bool { a.value < b.value }
    public var description: String { "call-\(value)" }
}
