import CallControl
import Foundation

/// One step a caller took through a flow, for the IVR reports: which flow and node, what the
/// caller entered there (a key, digits), and when.
public struct IVRStep: Sendable, Equatable, Codable {
    public var call: UInt64
    public var flow: String
    public var node: String
    public var input: String?
    public var time: Double

    public init(call: CallID, flow: String, node: String, input: String? = nil) {
        self.call = call.value
        self.flow = flow
        self.node = node
        self.input = input
        time = Date().timeIntervalSince1970
    }
}

/// A satisfaction score a caller gave after a queue call, for the agent's and queue's reports.
public struct SurveyScore: Sendable, Equatable {
    public var call: CallID
    public var flow: String
    public var score: Int
    public var agent: String?
    public var queue: String?
}
