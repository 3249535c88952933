import CallControl
import Control
import Foundation
import PSTNEngine
import Storage

/// The daemon's side of the control socket: every command operators, supervisors and
/// administrators have, answered from call control, the store, DAHDI and the metrics.
/// `docs/control-protocol.md` has an example of each.
struct DaemonControl: ControlHandler {
    let daemon: Daemon

    func disconnected(_ client: ControlPeer) async {
        daemon.desktopClosed(connection: client.connection)
    }

    var commands: [String: ControlCommand] {
        Self.coreCommands.merging(Self.messageCommands) { a, _ in a }.merging(Self.acdCommands) { a, _ in a }
            .merging(Self.faxCommands) { a, _ in a }.merging(Self.campaignCommands) { a, _ in a }
    }

    static let coreCommands: [String: ControlCommand] = [
        "status": ControlCommand(.operator, "the daemon: version, uptime, trunks, calls, media, store"),
        "spans": ControlCommand(.operator, "DAHDI spans with their alarms and the trunks on them"),
        "channels": ControlCommand(.operator, "every channel's state and call (args: trunk)"),
        "calls.list": ControlCommand(.operator, "the calls in progress"),
        "calls.show": ControlCommand(.operator, "one call in progress, or its CDR once ended (args: call)"),
        "calls.hangup": ControlCommand(.admin, "release a call (args: call, cause = 16)"),
        "calls.originate": ControlCommand(.admin,
            "place a call on a trunk group (args: trunk_group, called, calling, channel, hangup_after_s)"),
        "channels.block": ControlCommand(.admin, "block channels or CICs (args: trunk, channels | cics)"),
        "channels.unblock": ControlCommand(.admin, "unblock channels or CICs (args: trunk, channels | cics)"),
        "channels.reset": ControlCommand(.admin, "reset channels, clearing their calls (args: trunk, channels | cics)"),
        "span.maintenance": ControlCommand(.admin,
            "put a span in a maintenance mode (args: span, mode = none|localloop|remoteloop|loopup|loopdown)"),
        "capture.start": ControlCommand(.admin, "write a trunk's signalling to a pcap file (args: trunk, path)"),
        "capture.stop": ControlCommand(.admin, "stop a trunk's capture (args: trunk)"),
        "reload": ControlCommand(.admin, "re-read the configuration (routes, trunk groups, IVR flows, ACD queues, agents, campaigns), as SIGHUP"),
        "cdr.query": ControlCommand(.operator, "CDRs (args: from, to, number, cause, state, limit = 100)"),
        "metrics": ControlCommand(.operator, "every figure in Prometheus text format"),
    ]

    func handle(_ request: ControlRequest, from client: ControlPeer) async -> Result<JSONValue, ControlFailure> {
        do {
            return .success(try await answer(request, from: client))
        } catch {
            return .failure(error)
        }
    }

    func failed(_ error: CallControlError) -> ControlFailure {
        let code: ControlErrorCode = error.cause == .invalidCallReference ? .notFound : .failed
        return ControlFailure(id: .null, code: code, message: error.description)
    }

    private func answer(_ request: ControlRequest, from client: ControlPeer) async throws(ControlFailure) -> JSONValue {
        switch request.command {
        case "status":
            _ = try CommandArguments(request, allowed: [])
            return await status()
        case "spans":
            _ = try CommandArguments(request, allowed: [])
            return try spans()
        case "channels":
            let a = try CommandArguments(request, allowed: ["trunk"])
            return try await channels(trunk: try a.string("trunk"))
        case "calls.list":
            _ = try CommandArguments(request, allowed: [])
            return .array(try await legs().map { JSONValue(encoding: $0) })
        case "calls.show":
            let a = try CommandArguments(request, allowed: ["call"])
            return try await show(call: a.requiredInt("call", in: 1...Int.max))
        case "calls.hangup":
            let a = try CommandArguments(request, allowed: ["call", "cause"])
            let id = CallID(UInt64(try a.requiredInt("call", in: 1...Int.max)))
            let cause = try a.int("cause", in: 1...127).map { Q850Cause(rawValue: $0) }
            guard let q850 = cause ?? .normalClearing else { throw a.failure("calls.hangup: cause is not a Q.850 cause") }
            do { try await daemon.calls.release(id, cause: q850) } catch { throw failed(error) }
            daemon.log.notice("control: \(client) hung up \(id) with cause \(q850.rawValue)")
            return .object(["call": .number(Double(id.value)), "cause": .number(Double(q850.rawValue))])
        case "calls.originate":
            return try await originate(CommandArguments(request, allowed: ["trunk_group", "called", "calling", "hangup_after_s", "channel"]),
                                       client: client)
        case "channels.block", "channels.unblock", "channels.reset":
            let a = try CommandArguments(request, allowed: ["trunk", "channels", "cics"])
            return try await maintain(a, client: client)
        case "span.maintenance":
            let a = try CommandArguments(request, allowed: ["span", "mode"])
            return try spanMaintenance(a, client: client)
        case "capture.start", "capture.stop":
            let a = try CommandArguments(request, allowed: request.command == "capture.start" ? ["trunk", "path"] : ["trunk"])
            let trunk = try a.requiredString("trunk")
            let path = request.command == "capture.start" ? try a.requiredString("path") : nil
            do { try await daemon.calls.capture(trunk, to: path) } catch { throw failed(error) }
            daemon.log.notice("control: \(client) \(path.map { "started capture of \(trunk) to \($0)" } ?? "stopped capture of \(trunk)")")
            return .object(["trunk": .string(trunk), "capturing": path.map(JSONValue.string) ?? .bool(false)])
        case "reload":
            _ = try CommandArguments(request, allowed: [])
            guard let path = daemon.configPath else {
                throw ControlFailure(id: .null, code: .unavailable, message: "this daemon was not started from a file")
            }
            let outcome = await daemon.reload(path: path)
            daemon.log.notice("control: \(client) asked for a reload: \(outcome.note)")
            guard outcome.applied else { throw ControlFailure(id: .null, code: .failed, message: outcome.note) }
            return .object(["reloaded": .bool(true), "note": .string(outcome.note)])
        case "cdr.query":
            return try cdr(CommandArguments(request, allowed: ["from", "to", "number", "cause", "state", "limit"]))
        case "metrics":
            _ = try CommandArguments(request, allowed: [])
            return .object(["text": .string(daemon.metricsText())])
        default:
            if Self.messageCommands[request.command] != nil { return try await answerMessages(request, from: client) }
            if Self.acdCommands[request.command] != nil { return try await answerACD(request, from: client) }
            if Self.faxCommands[request.command] != nil { return try await answerFax(request, from: client) }
            if Self.campaignCommands[request.command] != nil { return try await answerCampaigns(request) }
            throw ControlFailure(id: .null, code: .unknownCommand, message: "no command \(request.command)")
        }
    }

    // MARK: Reading

    private func legs() async throws(ControlFailure) -> [CallLeg] {
        do { return try await daemon.calls.calls() } catch { throw failed(error) }
    }

    private func status() async -> JSONValue {
        let active = (try? await daemon.calls.calls()) ?? []
        let stats = daemon.mediaStatistics()
        return .object([
            "version": .string(Daemon.version),
            "pid": .number(Double(getpid())),
            "uptime_s": .number((Date().timeIntervalSince(daemon.startedAt) * 10).rounded() / 10),
            "config": daemon.configPath.map(JSONValue.string) ?? .null,
            "accepting_calls": .bool(daemon.acceptingCalls),
            "trunks": .number(Double(daemon.resolved.configuration.trunks.count)),
            "calls_active": .number(Double(active.count)),
            "media": .object([
                "threads": .number(Double(stats.count)),
                "deadline_misses": .number(Double(stats.reduce(0) { $0 + $1.deadlineMisses })),
                "cycles": .number(Double(stats.reduce(0) { $0 + $1.cycles })),
                "commands_refused": .number(Double(stats.reduce(0) { $0 + $1.commandsRefused })),
            ]),
            "store": daemon.resolved.configuration.store.map(JSONValue.string) ?? .null,
        ])
    }

    private func spans() throws(ControlFailure) -> JSONValue {
        let control: DAHDIControl
        let spans: [SpanStatus]
        do {
            control = try DAHDIControl(directory: daemon.dahdi)
            spans = try control.spans()
        } catch {
            throw ControlFailure(id: .null, code: .unavailable, message: "read the spans from DAHDI: \(error)")
        }
        var first = 1
        var out: [JSONValue] = []
        for span in spans.sorted(by: { $0.number < $1.number }) {
            let range = first..<(first + span.totalChannels)
            first += span.totalChannels
            let trunks = daemon.resolved.configuration.trunks.filter { t in
                (t.bearerChannels + [t.dchannel].compactMap { $0 } + (t.links?.channels ?? [])).contains { range.contains($0) }
            }.map(\.name)
            out.append(.object([
                "span": .number(Double(span.number)), "name": .string(span.name), "description": .string(span.description),
                "type": .string(span.spanType), "alarms": .string(span.alarms.description),
                "alarm_bits": .number(Double(span.alarms.rawValue)),
                "channels": .string(range.isEmpty ? "" : "\(range.lowerBound)-\(range.upperBound - 1)"),
                "trunks": .array(trunks.map(JSONValue.string)),
                "bipolar_violations": .number(Double(span.bipolarViolations)), "crc4_errors": .number(Double(span.crc4Errors)),
            ]))
        }
        return .array(out)
    }

    private func channels(trunk: String?) async throws(ControlFailure) -> JSONValue {
        let all: [String: [ChannelStatus]]
        do { all = try await daemon.calls.channels() } catch { throw failed(error) }
        if let trunk, all[trunk] == nil {
            throw ControlFailure(id: .null, code: .notFound, message: "no trunk \(trunk)")
        }
        var out: [JSONValue] = []
        let kinds = Dictionary(daemon.resolved.configuration.trunks.map { ($0.name, $0.type.rawValue) }, uniquingKeysWith: { a, _ in a })
        for (name, list) in all.sorted(by: { $0.key < $1.key }) where trunk == nil || trunk == name {
            for c in list {
                out.append(.object([
                    "trunk": .string(name), "signalling": kinds[name].map(JSONValue.string) ?? .null,
                    "channel": .number(Double(c.channel)), "state": .string(c.availability.rawValue),
                    "call": c.call.map { .number(Double($0.value)) } ?? .null, "label": .string(c.label),
                ]))
            }
        }
        return .array(out)
    }

    private func show(call number: Int) async throws(ControlFailure) -> JSONValue {
        let id = CallID(UInt64(number))
        if let leg = try await legs().first(where: { $0.id == id }) {
            return .object(["active": .bool(true), "leg": JSONValue(encoding: leg)])
        }
        if let store = daemon.store, let record = try? store.call(ref: id) {
            return .object(["active": .bool(false), "cdr": CDRJSON.record(record)])
        }
        throw ControlFailure(id: .null, code: .notFound, message: "no call \(number) in progress or in this run's CDRs")
    }

    private func cdr(_ a: CommandArguments) throws(ControlFailure) -> JSONValue {
        let store = try store
        var query = CDRQuery(limit: try a.int("limit", in: 1...100_000) ?? 100)
        query.offeredFrom = try a.time("from").map(WallTime.init(secondsSince1970:))
        query.offeredBefore = try a.time("to").map(WallTime.init(secondsSince1970:))
        query.numberPrefix = try a.string("number")
        if let c = try a.int("cause", in: 1...127) {
            guard let cause = Q850Cause(rawValue: c) else { throw a.failure("cdr.query: \(c) is not a Q.850 cause") }
            query.cause = cause
        }
        if let s = try a.string("state") {
            guard let state = CDRState(rawValue: s) else { throw a.failure("cdr.query: state must be open, closed or interrupted") }
            query.state = state
        }
        do {
            return .array(try store.calls(matching: query).map(CDRJSON.record))
        } catch {
            throw ControlFailure(id: .null, code: .failed, message: error.description)
        }
    }

    // MARK: Acting

    private func originate(_ a: CommandArguments, client: ControlPeer) async throws(ControlFailure) -> JSONValue {
        let group = try a.requiredString("trunk_group")
        let called = try a.requiredString("called")
        guard called.allSatisfy({ "0123456789*#".contains($0) }) else { throw a.failure("calls.originate: called must be digits") }
        var setup = CallSetup(called: PartyNumber(called))
        if let calling = try a.string("calling") {
            guard calling.allSatisfy({ "0123456789".contains($0) }) else { throw a.failure("calls.originate: calling must be digits") }
            setup.calling = PartyNumber(calling)
        }
        if let channel = try a.int("channel", in: 1...100_000) {
            setup.channel = ChannelSelection(channel: channel, exclusive: true)
        }
        let hold = try a.double("hangup_after_s", in: 0...86_400)
        let id: CallID
        do { id = try await daemon.calls.place(trunkGroup: group, setup: setup) } catch { throw failed(error) }
        daemon.log.notice("control: \(client) originated \(id) to \(called) on \(group)")
        if let hold { daemon.hangUp(id, afterAnswer: hold) }
        return .object(["call": .number(Double(id.value)), "trunk_group": .string(group), "called": .string(called)])
    }

    private func maintain(_ a: CommandArguments, client: ControlPeer) async throws(ControlFailure) -> JSONValue {
        let trunkName = try a.requiredString("trunk")
        guard let trunk = daemon.resolved.configuration.trunks.first(where: { $0.name == trunkName }) else {
            throw ControlFailure(id: .null, code: .notFound, message: "no trunk \(trunkName)")
        }
        let channels: [Int]
        if a.values["cics"] != nil {
            guard trunk.type == .ss7 else { throw a.failure("\(a.command): \(trunkName) is not an SS7 linkset; give channels") }
            let first = trunk.cic_first ?? 1
            let bearers = trunk.bearerChannels
            channels = try a.channels("cics").map { cic throws(ControlFailure) -> Int in
                guard cic >= first, cic - first < bearers.count else {
                    throw a.failure("\(a.command): CIC \(cic) is not a circuit of \(trunkName) (\(first)-\(first + bearers.count - 1))")
                }
                return bearers[cic - first]
            }
        } else {
            channels = try a.channels("channels")
        }
        let action: MaintenanceAction
        switch a.command {
        case "channels.block": action = .block(channels: channels)
        case "channels.unblock": action = .unblock(channels: channels)
        default: action = .reset(channels: channels)
        }
        do { try await daemon.calls.maintain(trunkName, action) } catch { throw failed(error) }
        daemon.log.notice("control: \(client) \(a.command) \(trunkName) channels \(channels)")
        return .object(["trunk": .string(trunkName), "channels": .array(channels.map { .number(Double($0)) })])
    }

    private func spanMaintenance(_ a: CommandArguments, client: ControlPeer) throws(ControlFailure) -> JSONValue {
        let span = try a.requiredInt("span", in: 1...4096)
        let modes: [String: Int32] = ["none": 0, "localloop": 1, "remoteloop": 2, "loopup": 3, "loopdown": 4]
        let name = try a.requiredString("mode")
        guard let mode = modes[name] else {
            throw a.failure("span.maintenance: mode must be one of \(modes.keys.sorted().joined(separator: ", "))")
        }
        do {
            try DAHDIControl(directory: daemon.dahdi).maintenance(span: span, command: mode)
        } catch {
            throw ControlFailure(id: .null, code: .failed, message: "span \(span) \(name): \(error)")
        }
        daemon.log.notice("control: \(client) put span \(span) in maintenance mode \(name)")
        return .object(["span": .number(Double(span)), "mode": .string(name)])
    }
}

/// CDR rows as the control protocol shows them.
enum CDRJSON {
    static func record(_ r: CallRecord) -> JSONValue {
        let f = r.fields
        func time(_ t: WallTime?) -> JSONValue { t.map { .number($0.secondsSince1970) } ?? .null }
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return .object([
            "id": .number(Double(r.id)), "run": .number(Double(r.runID)), "call": .number(Double(r.callRef.value)),
            "direction": .string(f.direction.rawValue), "trunk_group": .string(f.trunkGroup), "trunk": .string(f.backend),
            "channel": f.channel.map { .number(Double($0)) } ?? .null,
            "calling": text(f.calling), "called": .string(f.called), "redirecting": text(f.redirecting),
            "offered_at": time(f.offeredAt), "answered_at": time(f.answeredAt), "released_at": time(f.releasedAt),
            "cause": f.cause.map { .number(Double($0.rawValue)) } ?? .null,
            "released_by": text(f.releasedBy?.rawValue), "destination": text(f.destination),
            "application": text(f.application), "recording": text(f.recordingID), "state": .string(f.state.rawValue),
        ])
    }
}
