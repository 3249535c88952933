/// A check of each inbound call's numbers made before the routing table (blocked callers): it
/// may send the call somewhere else, with the reason that goes in the CDR. It runs on the
/// signalling thread, so `decide` must answer at once (from memory, never from a database).
public struct CallScreen: Sendable {
    /// Where a screened call goes and why.
    public struct Decision: Sendable, Equatable {
        public var destination: Destination
        public var reason: String

        public init(destination: Destination, reason: String) {
            self.destination = destination
            self.reason = reason
        }
    }

    private let decide: @Sendable (_ calling: String?, _ called: String) -> Decision?

    public init(_ decide: @escaping @Sendable (_ calling: String?, _ called: String) -> Decision?) {
        self.decide = decide
    }

    /// The screen's decision for a call, or nil to route it as usual.
    public func destination(calling: String?, called: String) -> Decision? { decide(calling, called) }
}
