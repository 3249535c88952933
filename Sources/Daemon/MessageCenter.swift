import CallCenter
import CallControl
import Control
import Foundation
import Logging
import PSTNEngine
import Storage
import Synchronization

/// The daemon's recordings: calls recorded by policy or on request, voicemail messages and
/// messages recorded by IVR nodes. It starts each recording (a row in the store linked to the
/// call's CDR, a file under the configured folder), closes the row when the media layer closes
/// the file, repairs what a crash left open, deletes what is past its retention, and serves the
/// IVR's voicemail nodes.
final class MessageCenter: IVRMessageStore {
    private let store: CallStore
    private let calls: CallControl
    private let recorder: CDRRecorder
    private let log: Logger
    private let recording: RecordingOptions?
    private let voicemail: VoicemailOptions?
    /// Folder of the configuration file, for relative greeting paths.
    private let folder: String
    private let server = Mutex<ControlServer?>(nil)
    /// Greetings loaded once, by path.
    private let greetings = Mutex<[String: Prompt]>([:])
    /// Legs placed for another call: recorded (by policy) through the call's first leg.
    private let childLegs = Mutex<Set<CallID>>([])

    init(store: CallStore, calls: CallControl, recorder: CDRRecorder, configuration: DaemonConfiguration,
         folder: String, log: Logger) {
        self.store = store
        self.calls = calls
        self.recorder = recorder
        self.log = log
        recording = configuration.recording
        voicemail = configuration.voicemail
        self.folder = folder
    }

    func publish(to server: ControlServer?) { self.server.withLock { $0 = server } }

    private func resolve(_ path: String) -> String { path.hasPrefix("/") || folder.isEmpty ? path : folder + "/" + path }

    // MARK: Starting and ending

    /// Why a recording could not start.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Start recording `call` into a new file under `dir`; the recording's id.
    func start(_ call: CallID, kind: RecordingRecord.Kind, box: String? = nil, reason: String?, calling: String?,
               called: String, format name: String?, layout: RecordingLayout) async throws(Failure) -> Int64 {
        guard let options = kind == .call ? recording.map({ ($0.dir, $0.format) }) : voicemail.map({ ($0.dir, $0.format) }) ?? recording.map({ ($0.dir, $0.format) }),
              let format = RecordingOptions.format(name ?? options.1) else {
            throw Failure(description: kind == .call ? "recording is not configured (recording: dir)" : "voicemail is not configured (voicemail: dir)")
        }
        let now = Date()
        let (day, stamp) = Self.localStamps(now)
        let folder = "\(resolve(options.0))/\(kind == .voicemail ? "\(Self.safe(box ?? "box"))/" : "")\(day)"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot make the folder \(folder): \(error.localizedDescription)")
        }
        let path = "\(folder)/\(stamp)-\(store.runID)-\(call.value)-\(kind.rawValue).\(format.isWAV ? "wav" : "mp3")"
        await recorder.flush()
        let id: Int64
        do {
            id = try store.insertRecording(RecordingStart(call: call, kind: kind, box: box, path: path,
                                                          format: Self.name(of: format), layout: layout == .stereo ? "stereo" : "mono",
                                                          reason: reason, calling: calling, called: called))
        } catch {
            throw Failure(description: "\(error)")
        }
        do {
            try await calls.record(call, id: Int(id), path: path, format: format, layout: layout)
        } catch {
            _ = try? store.deleteRecording(id)
            try? FileManager.default.removeItem(atPath: path)
            throw Failure(description: "\(error)")
        }
        log.info("recording \(id) of \(call) into \(path) (\(reason ?? kind.rawValue))")
        server.withLock { $0 }?.publish(ControlEvent(kind: "recording.started", body: .object([
            "recording": .number(Double(id)), "call": .number(Double(call.value)), "kind": .string(kind.rawValue),
            "path": .string(path), "box": box.map(JSONValue.string) ?? .null])))
        return id
    }

    /// Note a leg placed for another call (its audio is in that call's recording).
    func placed(_ leg: CallID, for parent: CallID?) {
        if parent != nil { childLegs.withLock { _ = $0.insert(leg) } }
    }

    /// Record an answered call when a policy says so.
    func answered(_ leg: CallLeg) async {
        guard let recording, childLegs.withLock({ $0.remove(leg.id) }) == nil,
              let reason = recording.policy(calling: leg.setup.calling?.digits, called: leg.setup.called.digits) else { return }
        do {
            _ = try await start(leg.id, kind: .call, reason: reason, calling: leg.setup.calling?.digits,
                                called: leg.setup.called.digits, format: nil, layout: recording.layout == "mono" ? .mono : .stereo)
        } catch {
            log.error("cannot record \(leg.id) (\(reason)): \(error)")
        }
    }

    /// An agent answered a queue call: record the caller's leg (both sides) when a queue or
    /// agent policy says so.
    func agentConnected(_ call: CallID, calling: String?, called: String, queue: String, agent: String) async {
        guard let recording, let reason = recording.policy(calling: calling, called: called, queue: queue, agent: agent) else { return }
        do {
            _ = try await start(call, kind: .call, reason: reason, calling: calling, called: called, format: nil,
                                layout: recording.layout == "mono" ? .mono : .stereo)
        } catch {
            log.error("cannot record \(call) (\(reason)): \(error)")
        }
    }

    /// The media layer closed a recording's file.
    func closed(_ closed: RecordingClosed) {
        if let error = closed.error { log.warning("recording \(closed.id) (\(closed.path)) closed with a problem: \(error)") }
        do {
            try store.closeRecording(RecordingEnd(path: closed.path, frames: closed.frames, error: closed.error))
        } catch {
            log.error("store: \(error)")
        }
        let row = try? store.recording(id: Int64(closed.id))
        var body: [String: JSONValue] = [
            "recording": .number(Double(closed.id)), "path": .string(closed.path),
            "seconds": .number(Double(closed.frames) / 8000), "dropped_samples": .number(Double(closed.droppedSamples)),
        ]
        if let row {
            body["call"] = .number(Double(row.callRef.value))
            body["kind"] = .string(row.kind.rawValue)
            body["box"] = row.box.map(JSONValue.string) ?? .null
            body["caller"] = row.calling.map(JSONValue.string) ?? .null
        }
        let kind = row?.kind == .voicemail ? "voicemail.new" : "recording.closed"
        if row?.kind == .voicemail {
            log.notice("new voicemail \(closed.id) in box \(row?.box ?? "") from \(row?.calling ?? "unknown"), \(closed.frames / 8000) s")
        }
        server.withLock { $0 }?.publish(ControlEvent(kind: kind, body: .object(body)))
    }

    // MARK: After a crash, and retention

    /// Make the recordings an earlier run left open playable (their WAV headers fixed).
    func repairLeftOpen() {
        let open: [RecordingRecord]
        do { open = try store.recordingsLeftOpen() } catch {
            log.error("store: \(error)")
            return
        }
        for r in open {
            var frames: Int?
            var problem: String?
            if r.format.hasPrefix("wav") {
                do { frames = try RecordingRepair.repairWAV(path: r.path) } catch { problem = "\(error)" }
            } else if let prompt = try? Prompt.load(path: r.path) {
                frames = prompt.samples.count
            } else {
                problem = "the MP3 cannot be read"
            }
            do { try store.setRepaired(r.id, frames: frames, error: problem) } catch { log.error("store: \(error)") }
            if let frames {
                log.notice("recording \(r.id) (\(r.path)) cut by the last stop was repaired: \(frames / 8000) s playable")
            } else {
                log.error("recording \(r.id) (\(r.path)) cut by the last stop cannot be repaired: \(problem ?? "")")
            }
        }
    }

    /// Delete recordings and messages older than their retention.
    func deleteExpired(now: Date = Date()) {
        let limits: [(RecordingRecord.Kind, Int?)] = [(.call, recording?.retention_days), (.message, recording?.retention_days),
                                                      (.voicemail, voicemail?.retention_days)]
        for case let (kind, days?) in limits {
            let before = WallTime(secondsSince1970: now.timeIntervalSince1970 - Double(days) * 86400)
            guard let old = try? store.recordings(matching: RecordingQuery(kind: kind, before: before, limit: 10_000)) else { continue }
            for r in old where r.state != .recording {
                try? FileManager.default.removeItem(atPath: r.path)
                _ = try? store.deleteRecording(r.id)
            }
            if !old.isEmpty { log.info("deleted \(old.count) \(kind.rawValue) recordings older than \(days) days") }
        }
    }

    // MARK: IVRMessageStore

    func box(_ name: String) -> IVRBoxSettings {
        let configured = voicemail?.boxes?.first { $0.name == name }
        let maxSeconds = configured?.max_s ?? voicemail?.max_s ?? 120
        var greeting: [Prompt]?
        if let file = configured?.greeting {
            let path = resolve(file)
            if let cached = greetings.withLock({ $0[path] }) {
                greeting = [cached]
            } else {
                do {
                    let prompt = try Prompt.load(path: path)
                    greetings.withLock { $0[path] = prompt }
                    greeting = [prompt]
                } catch {
                    log.warning("voicemail box \(name): greeting not usable: \(error)")
                }
            }
        }
        let silence = configured?.silence_s ?? voicemail?.silence_s ?? 10
        return IVRBoxSettings(greeting: greeting, maxMilliseconds: Int(maxSeconds * 1000), silenceMilliseconds: Int(silence * 1000))
    }

    func startMessage(_ call: CallID, box: String?, caller: String?, called: String) async throws -> Int64 {
        try await start(call, kind: box == nil ? .message : .voicemail, box: box, reason: box.map { "voicemail box \($0)" } ?? "IVR record node",
                        calling: caller, called: called, format: box == nil ? recording?.format : voicemail?.format, layout: .mono)
    }

    func stopMessage(_ call: CallID, droppingLast: Duration) async {
        try? await calls.stopRecording(call, droppingLast: droppingLast)
    }

    func newMessages(in box: String) -> [IVRStoredMessage] {
        let rows = (try? store.recordings(matching: RecordingQuery(kind: .voicemail, box: box, unheard: true))) ?? []
        return rows.filter { $0.state != .recording && $0.state != .damaged }.compactMap { row in
            guard let audio = try? Prompt.load(path: row.path, name: "message \(row.id)") else {
                log.warning("voicemail \(row.id) in box \(box): \(row.path) cannot be played")
                return nil
            }
            return IVRStoredMessage(id: row.id, audio: audio, caller: row.calling)
        }
    }

    func markHeard(_ id: Int64) {
        do { _ = try store.setHeard(id, true) } catch { log.error("store: \(error)") }
    }

    // MARK: Names

    static func name(of format: RecordingFormat) -> String {
        switch format {
        case .wavALaw: "wav-alaw"
        case .wavMuLaw: "wav-mulaw"
        case .wavPCM16: "wav-pcm16"
        case .mp3: "mp3"
        }
    }

    /// A box name as a folder name: letters, digits, `-` and `_` kept, the rest `_`.
    static func safe(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(64))
    }

    /// `yyyy/MM/dd` and `HHmmss` of `date` in the server's time zone.
    static func localStamps(_ date: Date) -> (day: String, time: String) {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return ("\(parts.tm_year + 1900)/\(two(parts.tm_mon + 1))/\(two(parts.tm_mday))",
                "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))")
    }
}
