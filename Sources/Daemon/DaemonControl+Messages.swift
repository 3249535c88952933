import CallControl
import Control
import Foundation
import PSTNEngine
import Storage

/// The control commands for blocked callers, recordings, voicemail, prompts and the IVR report.
extension DaemonControl {
    static let messageCommands: [String: ControlCommand] = [
        "blocked.list": ControlCommand(.operator, "the blocked calling numbers"),
        "blocked.add": ControlCommand(.supervisor, "block a calling number (args: number, action = reject|message, note)"),
        "blocked.remove": ControlCommand(.supervisor, "unblock a calling number (args: number)"),
        "recordings.list": ControlCommand(.operator,
            "recordings (args: from, to, number, kind = call|voicemail|message, call, limit = 100)"),
        "recordings.show": ControlCommand(.operator, "one recording with its file (args: id)"),
        "recordings.delete": ControlCommand(.admin, "delete a recording and its file (args: id)"),
        "calls.record": ControlCommand(.supervisor, "start or stop recording a call in progress (args: call, stop, layout = stereo|mono)"),
        "voicemail.list": ControlCommand(.operator, "voicemail messages (args: box, new, limit = 100)"),
        "voicemail.play": ControlCommand(.operator, "play a voicemail message into an answered call (args: id, call)"),
        "voicemail.delete": ControlCommand(.supervisor, "delete a voicemail message and its file (args: id)"),
        "voicemail.mark-heard": ControlCommand(.operator, "mark a voicemail message heard, or new again (args: id, heard = true)"),
        "prompt.add": ControlCommand(.admin,
            "add or replace a prompt from any audio file, converted to 8 kHz mono (args: name as LANG/NAME, path)"),
        "ivr.report": ControlCommand(.operator, "how often each IVR node was reached, with each input (args: flow, from, to)"),
    ]

    /// The daemon's store, or `unavailable` when it has none.
    var store: CallStore {
        get throws(ControlFailure) {
            guard let store = daemon.store else {
                throw ControlFailure(id: .null, code: .unavailable, message: "this daemon has no store (configure store:)")
            }
            return store
        }
    }

    /// A store read or write, its failure as `failed` with the store's reason.
    func stored<T>(_ body: () throws(StorageError) -> T) throws(ControlFailure) -> T {
        do { return try body() } catch { throw ControlFailure(id: .null, code: .failed, message: error.description) }
    }

    func answerMessages(_ request: ControlRequest, from client: ControlPeer) async throws(ControlFailure) -> JSONValue {
        switch request.command {
        case "blocked.list":
            _ = try CommandArguments(request, allowed: [])
            let store = try store
            return .array(try stored { () throws(StorageError) in try store.blockedNumbers() }.map(Self.json))
        case "blocked.add":
            let a = try CommandArguments(request, allowed: ["number", "action", "note"])
            let number = try a.requiredString("number")
            guard BlockedNumber.isValid(number: number) else { throw a.failure("blocked.add: \(number) is not a calling number (0-9, *, #)") }
            let actionName = try a.string("action") ?? "reject"
            guard let action = BlockedNumber.Action(rawValue: actionName) else {
                throw a.failure("blocked.add: action is reject or message, not \(actionName)")
            }
            let entry = BlockedNumber(number: number, action: action, note: try a.string("note"))
            let store = try store
            try stored { () throws(StorageError) in
                try store.block(entry)
                try daemon.blocked?.load(from: store)
            }
            daemon.log.notice("control: \(client) blocked \(number) (\(action.rawValue))")
            return Self.json(entry)
        case "blocked.remove":
            let a = try CommandArguments(request, allowed: ["number"])
            let number = try a.requiredString("number")
            let store = try store
            let removed = try stored { () throws(StorageError) in
                let removed = try store.unblock(number)
                try daemon.blocked?.load(from: store)
                return removed
            }
            guard removed else { throw ControlFailure(id: .null, code: .notFound, message: "\(number) is not blocked") }
            daemon.log.notice("control: \(client) unblocked \(number)")
            return .object(["number": .string(number), "blocked": .bool(false)])
        case "recordings.list", "voicemail.list":
            let voicemail = request.command == "voicemail.list"
            let a = try CommandArguments(request, allowed: voicemail ? ["box", "new", "limit"]
                                                                     : ["from", "to", "number", "kind", "call", "limit"])
            var query = RecordingQuery(limit: try a.int("limit", in: 1...100_000) ?? 100)
            if voicemail {
                query.kind = .voicemail
                query.box = try a.string("box")
                query.unheard = try a.bool("new") ?? false
            } else {
                query.from = try a.time("from").map(WallTime.init(secondsSince1970:))
                query.before = try a.time("to").map(WallTime.init(secondsSince1970:))
                query.numberPrefix = try a.string("number")
                if let kind = try a.string("kind") {
                    guard let k = RecordingRecord.Kind(rawValue: kind) else { throw a.failure("kind is call, voicemail or message") }
                    query.kind = k
                }
                query.callID = try a.int("call", in: 1...Int.max).map(Int64.init)
            }
            let store = try store
            return .array(try stored { () throws(StorageError) in try store.recordings(matching: query) }.map(Self.json))
        case "recordings.show":
            let a = try CommandArguments(request, allowed: ["id"])
            return Self.json(try recording(a, kind: nil))
        case "recordings.delete", "voicemail.delete":
            let a = try CommandArguments(request, allowed: ["id"])
            let r = try recording(a, kind: request.command == "voicemail.delete" ? .voicemail : nil)
            guard r.state != .recording else {
                throw ControlFailure(id: .null, code: .failed, message: "recording \(r.id) is still being written; stop it first")
            }
            let store = try store
            _ = try stored { () throws(StorageError) in try store.deleteRecording(r.id) }
            try? FileManager.default.removeItem(atPath: r.path)
            daemon.log.notice("control: \(client) deleted recording \(r.id) (\(r.path))")
            return .object(["id": .number(Double(r.id)), "deleted": .bool(true)])
        case "voicemail.mark-heard":
            let a = try CommandArguments(request, allowed: ["id", "heard"])
            let r = try recording(a, kind: .voicemail)
            let heard = try a.bool("heard") ?? true
            let store = try store
            _ = try stored { () throws(StorageError) in try store.setHeard(r.id, heard) }
            return .object(["id": .number(Double(r.id)), "heard": .bool(heard)])
        case "voicemail.play":
            let a = try CommandArguments(request, allowed: ["id", "call"])
            let r = try recording(a, kind: .voicemail)
            let call = CallID(UInt64(try a.requiredInt("call", in: 1...Int.max)))
            let audio: Prompt
            do { audio = try Prompt.load(path: r.path, name: "voicemail \(r.id)") } catch {
                throw ControlFailure(id: .null, code: .failed, message: "voicemail \(r.id) cannot be played: \(error)")
            }
            do { try await daemon.calls.play(call, [audio], id: Int32.max - 1) } catch { throw failed(error) }
            return .object(["id": .number(Double(r.id)), "call": .number(Double(call.value)),
                            "seconds": .number(Double(audio.samples.count) / 8000)])
        case "calls.record":
            let a = try CommandArguments(request, allowed: ["call", "stop", "layout"])
            let id = CallID(UInt64(try a.requiredInt("call", in: 1...Int.max)))
            guard let messages = daemon.messages else {
                throw ControlFailure(id: .null, code: .unavailable, message: "this daemon has no store (configure store: and recording:)")
            }
            if try a.bool("stop") == true {
                do { try await daemon.calls.stopRecording(id) } catch { throw failed(error) }
                return .object(["call": .number(Double(id.value)), "recording": .bool(false)])
            }
            let layoutName = try a.string("layout") ?? "stereo"
            guard ["stereo", "mono"].contains(layoutName) else { throw a.failure("layout is stereo or mono") }
            let legs: [CallLeg]
            do { legs = try await daemon.calls.calls() } catch { throw failed(error) }
            guard let leg = legs.first(where: { $0.id == id }) else {
                throw ControlFailure(id: .null, code: .notFound, message: "no call \(id.value) in progress")
            }
            do {
                let recording = try await messages.start(id, kind: .call, reason: "request by \(client)",
                                                         calling: leg.setup.calling?.digits, called: leg.setup.called.digits,
                                                         format: nil, layout: layoutName == "mono" ? .mono : .stereo)
                daemon.log.notice("control: \(client) started recording \(recording) of \(id)")
                return .object(["call": .number(Double(id.value)), "recording": .number(Double(recording))])
            } catch {
                throw ControlFailure(id: .null, code: .failed, message: "record \(id): \(error)")
            }
        case "prompt.add":
            let a = try CommandArguments(request, allowed: ["name", "path"])
            let name = try a.requiredString("name")
            let path = try a.requiredString("path")
            do {
                let milliseconds = try daemon.addPrompt(name: name, from: path)
                daemon.log.notice("control: \(client) added prompt \(name) from \(path)")
                return .object(["name": .string(name), "seconds": .number(Double(milliseconds) / 1000)])
            } catch {
                throw ControlFailure(id: .null, code: .failed, message: "\(error)")
            }
        case "ivr.report":
            let a = try CommandArguments(request, allowed: ["flow", "from", "to"])
            let store = try store
            let flow = try a.string("flow")
            let from = try a.time("from").map(WallTime.init(secondsSince1970:))
            let before = try a.time("to").map(WallTime.init(secondsSince1970:))
            let rows = try stored { () throws(StorageError) in try store.ivrNodeCounts(flow: flow, from: from, before: before) }
            return .array(rows.map { .object(["flow": .string($0.flow), "node": .string($0.node),
                                              "input": $0.input.map(JSONValue.string) ?? .null, "count": .number(Double($0.count))]) })
        default:
            throw ControlFailure(id: .null, code: .unknownCommand, message: "no command \(request.command)")
        }
    }

    private func recording(_ a: CommandArguments, kind: RecordingRecord.Kind?) throws(ControlFailure) -> RecordingRecord {
        let id = Int64(try a.requiredInt("id", in: 1...Int.max))
        let store = try store
        guard let r = try stored({ () throws(StorageError) in try store.recording(id: id) }), kind == nil || r.kind == kind else {
            throw ControlFailure(id: .null, code: .notFound, message: "no \(kind == .voicemail ? "voicemail message" : "recording") \(id)")
        }
        return r
    }

    static func json(_ b: BlockedNumber) -> JSONValue {
        .object(["number": .string(b.number), "action": .string(b.action.rawValue), "note": b.note.map(JSONValue.string) ?? .null,
                 "added_at": .number(b.addedAt.secondsSince1970)])
    }

    static func json(_ r: RecordingRecord) -> JSONValue {
        .object([
            "id": .number(Double(r.id)), "kind": .string(r.kind.rawValue), "box": r.box.map(JSONValue.string) ?? .null,
            "call_id": r.callID.map { .number(Double($0)) } ?? .null, "call": .number(Double(r.callRef.value)),
            "path": .string(r.path), "format": .string(r.format), "layout": .string(r.layout),
            "reason": r.reason.map(JSONValue.string) ?? .null, "calling": r.calling.map(JSONValue.string) ?? .null,
            "called": r.called.map(JSONValue.string) ?? .null, "started_at": .number(r.startedAt.secondsSince1970),
            "ended_at": r.endedAt.map { .number($0.secondsSince1970) } ?? .null,
            "seconds": r.seconds.map { .number($0) } ?? .null, "state": .string(r.state.rawValue),
            "error": r.error.map(JSONValue.string) ?? .null, "heard": .bool(r.heard),
        ])
    }
}
