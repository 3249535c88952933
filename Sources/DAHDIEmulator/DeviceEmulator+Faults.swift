import CDAHDI
import Foundation

/// A fault or query for the running lab, as sent on the fault socket or by `dahdi-emu fault`.
public enum LabCommand: Equatable, Sendable {
    case status
    /// Pull the cable out: loss of signal (RED) at both ends; an analog line loses battery.
    case pull(cable: String)
    case replug(cable: String)
    /// Lose the signal travelling towards one end only: RED there, YELLOW (remote alarm) at the other.
    case breakPath(cable: String, towards: String)
    /// Send AIS (all ones) towards one end: BLUE there.
    case ais(cable: String, towards: String)
    /// Undo break and AIS.
    case repair(cable: String)
    case dropFrames(cable: String, rate: Double)
    case corruptFrames(cable: String, rate: Double)
    case stopClock(span: Int)
    case startClock(span: Int)

    /// Parse a command line such as `pull trunk1` or `drop-frames trunk1 0.1`.
    public static func parse(_ words: [String]) throws(LabCommandError) -> LabCommand {
        guard let verb = words.first else { throw LabCommandError("empty command") }
        let args = Array(words.dropFirst())
        func need(_ n: Int, _ usage: String) throws(LabCommandError) {
            guard args.count == n else { throw LabCommandError("usage: \(verb) \(usage)") }
        }
        func side(_ s: String) throws(LabCommandError) -> String {
            guard s == "a" || s == "b" else { throw LabCommandError("'\(s)' is not a cable end (a or b)") }
            return s
        }
        func rate(_ s: String) throws(LabCommandError) -> Double {
            guard let r = Double(s), r >= 0, r <= 1 else { throw LabCommandError("'\(s)' is not a rate between 0 and 1") }
            return r
        }
        func span(_ s: String) throws(LabCommandError) -> Int {
            guard let n = Int(s), n >= 1 else { throw LabCommandError("'\(s)' is not a span number") }
            return n
        }
        switch verb {
        case "status": try need(0, ""); return .status
        case "pull": try need(1, "CABLE"); return .pull(cable: args[0])
        case "replug": try need(1, "CABLE"); return .replug(cable: args[0])
        case "break": try need(2, "CABLE a|b"); return .breakPath(cable: args[0], towards: try side(args[1]))
        case "ais": try need(2, "CABLE a|b"); return .ais(cable: args[0], towards: try side(args[1]))
        case "repair": try need(1, "CABLE"); return .repair(cable: args[0])
        case "drop-frames": try need(2, "CABLE RATE"); return .dropFrames(cable: args[0], rate: try rate(args[1]))
        case "corrupt-frames": try need(2, "CABLE RATE"); return .corruptFrames(cable: args[0], rate: try rate(args[1]))
        case "stop-clock": try need(1, "SPAN"); return .stopClock(span: try span(args[0]))
        case "start-clock": try need(1, "SPAN"); return .startClock(span: try span(args[0]))
        default:
            throw LabCommandError("unknown command '\(verb)' (status, pull, replug, break, ais, repair, drop-frames, corrupt-frames, stop-clock, start-clock)")
        }
    }
}

/// A command the lab cannot carry out, with the reason.
public struct LabCommandError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension DeviceEmulator {
    /// Carry out a lab command; returns a human-readable answer.
    public func perform(_ command: LabCommand) throws(LabCommandError) -> String {
        try lock.withLock { () throws(LabCommandError) -> String in
            func cable(_ name: String) throws(LabCommandError) -> EmulatedCable {
                guard let c = cables[name] else {
                    throw LabCommandError("no cable named '\(name)' (cables: \(cables.keys.sorted().joined(separator: ", ")))")
                }
                return c
            }
            func span(_ n: Int) throws(LabCommandError) -> EmulatedSpan {
                guard n >= 1, n <= spans.count else { throw LabCommandError("no span \(n) (the lab has \(spans.count))") }
                return spans[n - 1]
            }
            switch command {
            case .status:
                return statusText()
            case let .pull(name):
                let c = try cable(name)
                guard !c.pulled else { return "cable \(name) is already pulled" }
                let before = analogState(c)
                c.pulled = true
                lineChanged(c, wasUp: before)
            case let .replug(name):
                let c = try cable(name)
                let before = analogState(c)
                c.pulled = false
                lineChanged(c, wasUp: before)
            case let .breakPath(name, towards):
                let c = try cable(name)
                let before = analogState(c)
                c.brokenTowards.insert(towards)
                lineChanged(c, wasUp: before)
            case let .ais(name, towards):
                let c = try cable(name)
                guard c.spanA != nil else { throw LabCommandError("AIS is a digital-span alarm; \(name) is an analog line") }
                c.aisTowards.insert(towards)
            case let .repair(name):
                let c = try cable(name)
                let before = analogState(c)
                c.brokenTowards.removeAll()
                c.aisTowards.removeAll()
                lineChanged(c, wasUp: before)
            case let .dropFrames(name, rate):
                try cable(name).frameDropRate = rate
            case let .corruptFrames(name, rate):
                try cable(name).frameCorruptRate = rate
            case let .stopClock(n):
                try span(n).clockStopped = true
            case let .startClock(n):
                try span(n).clockStopped = false
            }
            refreshAlarms()
            return "done: \(command)"
        }
    }

    private func analogState(_ c: EmulatedCable) -> Bool {
        c.spanA == nil && c.carriesSignal(towards: "a") && c.carriesSignal(towards: "b")
    }

    /// An analog line lost or regained battery: alarms on both ports, and the hook state crosses again.
    private func lineChanged(_ c: EmulatedCable, wasUp: Bool) {
        guard c.spanA == nil, let a = c.endA.first, let b = c.endB.first else { return }
        let up = c.carriesSignal(towards: "a") && c.carriesSignal(towards: "b")
        guard up != wasUp else { return }
        for ch in [a, b] {
            ch.queueEvent(Int32(up ? DAHDI_EVENT_NOALARM : DAHDI_EVENT_ALARM))
            guard let peer = ch.peer else { continue }
            if peer.offHook { ch.queueEvent(Int32(up ? DAHDI_EVENT_RINGOFFHOOK : DAHDI_EVENT_ONHOOK)) }
        }
        for ch in [a, b] where ch.ringing && !up { ch.stopRinging() }
    }

    func statusText() -> String {
        var lines: [String] = []
        for span in spans {
            let alarms = span.kind == .analog ? "" : " alarms=\(alarmNames(span.alarms))"
            let clock = span.clockStopped ? " clock=stopped" : ""
            lines.append("span \(span.number) \(span.name) \(span.spanType) channels=\(span.channels.first?.number ?? 0)-\(span.channels.last?.number ?? 0)\(alarms)\(clock)")
        }
        for (name, c) in cables.sorted(by: { $0.key < $1.key }) {
            var state = c.pulled ? "pulled" : "plugged"
            if !c.brokenTowards.isEmpty { state += " broken-towards=\(c.brokenTowards.sorted().joined(separator: ","))" }
            if !c.aisTowards.isEmpty { state += " ais-towards=\(c.aisTowards.sorted().joined(separator: ","))" }
            if c.frameDropRate > 0 { state += " drop=\(c.frameDropRate)" }
            if c.frameCorruptRate > 0 { state += " corrupt=\(c.frameCorruptRate)" }
            lines.append("cable \(name) \(state)")
        }
        return lines.joined(separator: "\n")
    }

    func alarmNames(_ alarms: Int32) -> String {
        if alarms == 0 { return "OK" }
        var names: [String] = []
        if alarms & Int32(DAHDI_ALARM_RED) != 0 { names.append("RED") }
        if alarms & Int32(DAHDI_ALARM_YELLOW) != 0 { names.append("YELLOW") }
        if alarms & Int32(DAHDI_ALARM_BLUE) != 0 { names.append("BLUE") }
        if alarms & Int32(DAHDI_ALARM_LOS) != 0 { names.append("LOS") }
        return names.joined(separator: ",")
    }
}
