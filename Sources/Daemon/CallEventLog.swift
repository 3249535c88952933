import CallCenter
import CallControl
import Foundation

/// The call event log: one JSON object per line for every call event, appended as they happen,
/// so that operators (and lab tests) can follow calls before the control socket exists.
final class CallEventLog: @unchecked Sendable {
    private let handle: FileHandle?
    private let encoder: JSONEncoder

    init(path: String?) throws {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let path else {
            handle = nil
            return
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw DaemonError("create the event log \(path)", "the file cannot be created")
            }
        }
        guard let h = FileHandle(forWritingAtPath: path) else {
            throw DaemonError("open the event log \(path)", "the file cannot be opened for writing")
        }
        h.seekToEndOfFile()
        handle = h
    }

    func write(_ event: CallEvent) {
        if let entry = LoggedEvent(event) { append(entry) }
    }

    /// One line of JSON at the end of the log.
    private func append(_ entry: some Encodable) {
        guard let handle, var data = try? encoder.encode(entry) else { return }
        data.append(0x0A)
        handle.write(data)
    }

    /// Append an IVR step (`"event":"ivr-step"`).
    func write(step: IVRStep) {
        struct Entry: Encodable {
            let time: Double
            let event = "ivr-step"
            let call: UInt64
            let flow: String
            let node: String
            let input: String?
        }
        append(Entry(time: step.time, call: step.call, flow: step.flow, node: step.node, input: step.input))
    }
}

/// One line of the event log.
struct LoggedEvent: Codable, Sendable {
    var time: Double
    var event: String
    var call: UInt64?
    var other: UInt64?
    var backend: String?
    var channel: Int?
    var calling: String?
    var callingType: Int?
    var callingPresentation: Int?
    var called: String?
    var redirecting: String?
    var destination: String?
    var cause: Int?
    var releasedBy: String?
    var digit: String?
    var text: String?
    var up: Bool?

    init?(_ event: CallEvent) {
        time = Date().timeIntervalSince1970
        switch event {
        case let .offered(leg), let .placed(leg, _):
            self.event = { if case .offered = event { "offered" } else { "placed" } }()
            fill(leg)
        case let .routed(id, destination, rule):
            self.event = "routed"
            call = id.value
            self.destination = destination.description
            text = rule
        case let .alerting(id): self.event = "alerting"; call = id.value
        case let .progress(id, inband): self.event = "progress"; call = id.value; up = inband
        case let .answered(id): self.event = "answered"; call = id.value
        case let .bridged(a, b): self.event = "bridged"; call = a.value; other = b.value
        case let .released(leg):
            self.event = "released"
            fill(leg)
            cause = leg.cause?.rawValue
            releasedBy = leg.releasedBy?.rawValue
        case let .dtmf(id, d, _): self.event = "dtmf"; call = id.value; digit = String(d)
        case let .tone(id, t): self.event = "tone"; call = id.value; text = t
        case let .flash(id): self.event = "flash"; call = id.value
        case let .silence(id, ms): self.event = "silence"; call = id.value; text = "\(ms) ms"
        case let .playFinished(id, _, reason): self.event = "play-finished"; call = id.value; text = "\(reason)"
        case let .channelState(b, status):
            self.event = "channel"; backend = b; channel = status.channel; text = status.availability.rawValue
        case let .link(b, isUp): self.event = "link"; backend = b; up = isUp
        case let .protocolError(b, t): self.event = "protocol-error"; backend = b; text = t
        case .recordingClosed: return nil
        }
    }

    private mutating func fill(_ leg: CallLeg) {
        call = leg.id.value
        backend = leg.backend
        channel = leg.channel
        calling = leg.setup.calling?.digits
        callingType = leg.setup.calling?.type.rawValue
        callingPresentation = leg.setup.calling?.presentation.rawValue
        called = leg.setup.called.digits
        redirecting = leg.setup.redirecting?.number.digits
    }
}

/// Why the daemon could not do something: what, and why.
public struct DaemonError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let reason: String
    public init(_ operation: String, _ reason: String) {
        self.operation = operation
        self.reason = reason
    }
    public var description: String { "\(operation): \(reason)" }
}
