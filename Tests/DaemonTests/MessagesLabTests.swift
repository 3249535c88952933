import Foundation
import Glibc
import LabTestSupport
import PSTNEngine
import Testing

/// Voicemail, call recording and prompts in `pstnd`, driven by `pstn-sim` callers over an
/// emulated E1: what was stored is compared with what each side sent, by correlation.
@Suite("Voicemail, recordings and prompts between pstn-sim and pstnd", .lab)
struct MessagesLabTests {
    static let flows = """
    flows:
      - name: leave
        language: en
        start: vm
        nodes:
          vm: { voicemail: sales, max_s: 20, next: saved }
          saved: { play: [message-saved], next: bye }
          bye: { hangup: 16 }
      - name: leave-quiet
        language: en
        start: vm
        nodes:
          vm: { voicemail: support, max_s: 30, silence_s: 2, next: saved }
          saved: { play: [message-saved], next: bye }
          bye: { hangup: 16 }
      - name: listen
        language: en
        start: box
        nodes:
          box: { mailbox: sales, next: bye }
          bye: { hangup: 16 }
      - name: talk
        language: en
        start: menu
        nodes:
          menu: { play: [menu-main], next: bye }
          bye: { hangup: 16 }
    """

    static func engine(lab: LabInstance, sounds: String = IVRLabTests.sounds, policies: String = "[ { called: \"95577\" } ]") throws -> String {
        let flowFile = lab.directory + "/flows.yaml"
        try flows.write(toFile: flowFile, atomically: true, encoding: .utf8)
        return """
        dahdi: DAHDI
        events: EVENTS
        store: STORE
        control: { socket: SOCKET }
        ivr: { sounds: \(sounds), flows: [\(flowFile)] }
        recording: { dir: \(lab.directory)/recordings, format: wav-pcm16, layout: stereo, retention_days: 30, policies: \(policies) }
        voicemail: { dir: \(lab.directory)/voicemail, format: wav-alaw, max_s: 60 }
        trunks:
          - { name: e1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn, line: E1 }
        routes:
          - { called: "95599", to: { app: ivr, arg: leave } }
          - { called: "95598", to: { app: ivr, arg: listen } }
          - { called: "95597", to: { app: ivr, arg: leave-quiet } }
          - { called: "95577", to: { app: ivr, arg: talk } }
          - { called: "*", to: { reject: 1 } }
        """
    }

    static func prompt(_ language: String, _ name: String) -> String { "\(IVRLabTests.sounds)/\(language)/\(name).wav" }

    static func simulate(_ lab: LabInstance, called: String, steps: String, timeout: Double = 120) throws -> [String: Any] {
        let run = try SimulatorRun.run(lab: lab, scenario: IVRLabTests.carrier + """

        calls:
          - name: caller
            trunk: e1
            calling: "13800138000"
            called: "\(called)"
            steps:
        \(steps)
        """, timeout: timeout)
        return try #require((run.report?["calls"] as? [[String: Any]])?.first, "\(run.output)")
    }

    static func list(_ engine: EngineProcess, _ arguments: [String]) throws -> [[String: Any]] {
        let r = try ControlTool.run(socket: engine.controlSocket, arguments + ["--json"])
        return try #require(r.json as? [[String: Any]], "\(arguments): \(r.output) \(r.errors)")
    }

    /// Wait until the store lists `count` recordings of `kind` that are closed.
    static func closedRecordings(_ engine: EngineProcess, kind: String, count: Int) throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(10)
        var rows: [[String: Any]] = []
        repeat {
            rows = try list(engine, ["recordings", "list", "--kind", kind]).filter { $0["state"] as? String != "recording" }
            if rows.count >= count { return rows }
            usleep(200_000)
        } while Date() < deadline
        return rows
    }

    @Test("a voicemail left after the greeting and beep is stored as the caller said it, and the box's owner hears it played back")
    func voicemailLeftAndPlayedBack() throws {
        let lab = try LabInstance(lab: ControlLabTests.lab)
        let engine = try EngineProcess(lab: lab, config: try Self.engine(lab: lab))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let said = Self.prompt("zh", "welcome")
        let left = try Self.simulate(lab, called: "95599", steps: """
              - { wait_answer: 10 }
              - { listen: 6.5, record: \(lab.directory)/greeting.wav }
              - { play: \(said) }
              - { wait: 0.5 }
              - { send_dtmf: "#" }
              - { listen: 3, record: \(lab.directory)/saved.wav }
              - { wait_release: 20 }
        """)
        #expect(left["failure"] == nil, "\(left)\n\(engine.log)")
        let greeting = PromptMatcher.samples(lab.directory + "/greeting.wav")
        let greetingMatch = PromptMatcher.find(PromptMatcher.samples(Self.prompt("en", "leave-message")), in: greeting)
        #expect((greetingMatch?.correlation ?? 0) > 0.8, "the caller hears the greeting: \(String(describing: greetingMatch))")
        let beepMatch = PromptMatcher.find(PromptMatcher.samples(IVRLabTests.sounds + "/tones/beep.wav"), in: greeting)
        #expect((beepMatch?.correlation ?? 0) > 0.8, "then the beep: \(String(describing: beepMatch))")
        let saved = PromptMatcher.find(PromptMatcher.samples(Self.prompt("en", "message-saved")), in: PromptMatcher.samples(lab.directory + "/saved.wav"))
        #expect((saved?.correlation ?? 0) > 0.8, "# ends the message: \(String(describing: saved))")

        let messages = try Self.closedRecordings(engine, kind: "voicemail", count: 1)
        let message = try #require(messages.first, "\(engine.log)")
        #expect(message["box"] as? String == "sales" && message["calling"] as? String == "13800138000", "\(message)")
        let unheard = try Self.list(engine, ["voicemail", "list", "--box", "sales", "--new"])
        #expect(unheard.count == 1)
        let id = try #require(message["id"] as? Double).description.replacingOccurrences(of: ".0", with: "")
        let exported = lab.directory + "/exported.wav"
        let export = try ControlTool.run(socket: engine.controlSocket, ["voicemail", "export", id, exported])
        #expect(export.status == 0, "\(export.errors)")
        let stored = PromptMatcher.samples(exported)
        let match = try #require(PromptMatcher.find(PromptMatcher.samples(said), in: stored), "the message is empty")
        #expect(match.correlation > 0.9, "the message holds what the caller said: \(match)")
        let storedSeconds: Double = Double(stored.count) / 8000
        #expect(storedSeconds < 8, "the message ends at # (about 6 s after the beep), not at the 20 s limit: \(storedSeconds) s")
        // The # that ended it is not in it: the message ends with the half second the caller
        // waited before pressing it, and no receiver hears a key in it.
        let tail = Double(stored.count - match.offset - PromptMatcher.samples(said).count) / 8000
        print("voicemail ended by #: \(String(format: "%.3f", tail)) s after the speech")
        #expect(tail > 0.3 && tail < 0.65, "after the speech the message holds the pause before #, not the key: \(tail) s")
        let keys = DTMFDetector()
        stored.withUnsafeBufferPointer { keys.process($0) }
        #expect(keys.nextEvent() == nil, "no key is heard in the stored message")
        #expect(engine.log.contains("new voicemail"), "operators are told of the new message")

        let heard = try Self.simulate(lab, called: "95598", steps: """
              - { wait_answer: 10 }
              - { listen: 9, record: \(lab.directory)/played.wav }
              - { wait_release: 20 }
        """)
        #expect(heard["failure"] == nil, "\(heard)\n\(engine.log)")
        let played = try #require(PromptMatcher.find(PromptMatcher.samples(said), in: PromptMatcher.samples(lab.directory + "/played.wav")))
        #expect(played.correlation > 0.8, "the box's owner hears the message: \(played)")
        #expect(try Self.list(engine, ["voicemail", "list", "--box", "sales", "--new"]).isEmpty, "a message played is marked heard")
        let again = try ControlTool.run(socket: engine.controlSocket, ["voicemail", "mark-heard", id, "--new"])
        let newAgain = try Self.list(engine, ["voicemail", "list", "--new"])
        #expect(again.status == 0 && newAgain.count == 1)
        let delete = try ControlTool.run(socket: engine.controlSocket, ["voicemail", "delete", id])
        #expect(delete.status == 0 && !FileManager.default.fileExists(atPath: message["path"] as? String ?? ""), "\(delete.errors)")
        #expect(try ControlTool.run(socket: engine.controlSocket, ["voicemail", "export", "99999", exported + "2"]).status == 1)
    }

    @Test("a caller who stops talking ends the message after the set silence and hears it saved")
    func voicemailEndsOnSilence() throws {
        let lab = try LabInstance(lab: ControlLabTests.lab)
        let engine = try EngineProcess(lab: lab, config: try Self.engine(lab: lab))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let said = Self.prompt("zh", "welcome")
        let left = try Self.simulate(lab, called: "95597", steps: """
              - { wait_answer: 10 }
              - { listen: 6.5 }
              - { play: \(said) }
              - { listen: 6, record: \(lab.directory)/after.wav }
              - { wait_release: 20 }
        """)
        #expect(left["failure"] == nil, "\(left)\n\(engine.log)")
        let saved = PromptMatcher.find(PromptMatcher.samples(Self.prompt("en", "message-saved")),
                                       in: PromptMatcher.samples(lab.directory + "/after.wav"))
        #expect((saved?.correlation ?? 0) > 0.8, "the caller hears the message saved: \(String(describing: saved))")
        let savedAt = Double(saved?.offset ?? 0) / 8000
        #expect(savedAt > 1.5 && savedAt < 3.5, "about 2 s of silence after speaking: \(savedAt) s")
        let message = try #require(try Self.closedRecordings(engine, kind: "voicemail", count: 1).first, "\(engine.log)")
        #expect(message["box"] as? String == "support")
        let seconds = message["seconds"] as? Double ?? 0
        #expect(seconds > 1 && seconds < 8, "\(message)")
        // The message holds the speech and a natural pause, not the 2 s of silence that ended it.
        let id = try #require(message["id"] as? Double).description.replacingOccurrences(of: ".0", with: "")
        let exported = lab.directory + "/exported.wav"
        #expect(try ControlTool.run(socket: engine.controlSocket, ["voicemail", "export", id, exported]).status == 0)
        let stored = PromptMatcher.samples(exported)
        let match = try #require(PromptMatcher.find(PromptMatcher.samples(said), in: stored), "the message is empty")
        #expect(match.correlation > 0.9, "the message holds what the caller said: \(match)")
        let tail = Double(stored.count - match.offset - PromptMatcher.samples(said).count) / 8000
        print("voicemail ended by silence: \(String(format: "%.3f", tail)) s after the speech")
        #expect(tail > 0.1 && tail < 0.8, "after the speech the message keeps a pause, not the silence: \(tail) s")
        let step = engine.events().first { $0["event"] as? String == "ivr-step" && $0["node"] as? String == "vm" && $0["input"] != nil }
        #expect((step?["input"] as? String)?.hasSuffix("ended by silence") == true, "\(String(describing: step))")
    }

    @Test("a call recorded by policy keeps the caller on the left and the engine's prompt on the right, linked to its CDR")
    func recordedCallChannels() throws {
        let lab = try LabInstance(lab: ControlLabTests.lab)
        let engine = try EngineProcess(lab: lab, config: try Self.engine(lab: lab))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let said = Self.prompt("zh", "welcome")
        let call = try Self.simulate(lab, called: "95577", steps: """
              - { wait_answer: 10 }
              - { play: \(said) }
              - { wait_release: 20 }
        """)
        #expect(call["failure"] == nil, "\(call)\n\(engine.log)")
        let recording = try #require(try Self.closedRecordings(engine, kind: "call", count: 1).first, "\(engine.log)")
        #expect(recording["layout"] as? String == "stereo" && recording["called"] as? String == "95577", "\(recording)")
        let id = try #require(recording["id"] as? Double)
        let file = lab.directory + "/call.wav"
        #expect(try ControlTool.run(socket: engine.controlSocket, ["recordings", "export", String(Int(id)), file]).status == 0)
        let contents = try #require(AudioFile.read(file), "the export is not audio")
        #expect(contents.sampleRate == 8000 && contents.channels.count == 2)
        let caller = PromptMatcher.find(PromptMatcher.samples(said), in: contents.channels[0])
        let engineSide = PromptMatcher.find(PromptMatcher.samples(Self.prompt("en", "menu-main")), in: contents.channels[1])
        #expect((caller?.correlation ?? 0) > 0.9, "left = what the caller sent: \(String(describing: caller))")
        #expect((engineSide?.correlation ?? 0) > 0.9, "right = what the engine sent: \(String(describing: engineSide))")
        let crossed = PromptMatcher.find(PromptMatcher.samples(said), in: contents.channels[1])
        #expect((crossed?.correlation ?? 0) < 0.5, "the caller is not on the right: \(String(describing: crossed))")
        let cdrs = try Self.list(engine, ["cdr", "--number", "95577"])
        let cdr = try #require(cdrs.first)
        let linked = try Self.list(engine, ["recordings", "list", "--call", "\(Int(cdr["id"] as? Double ?? 0))"])
        #expect(linked.count == 1 && linked.first?["id"] as? Double == id, "the recording is found by its CDR: \(cdr) \(linked)")
    }

    @Test("a recording cut by kill -9 is a playable file after the next start")
    func recordingSurvivesKill() throws {
        let lab = try LabInstance(lab: ControlLabTests.lab)
        let config = try Self.engine(lab: lab, policies: "[ { all: true } ]")
        let first = try EngineProcess(lab: lab, config: config)
        defer { first.stop() }
        #expect(first.waitForControl(), "\(first.log)")
        let said = Self.prompt("zh", "menu-main")
        let caller = Thread.detachedResult { () -> Bool in
            nil != (try? Self.simulate(lab, called: "95577", steps: """
                  - { wait_answer: 10 }
                  - { play: \(said) }
                  - { wait: 5 }
            """, timeout: 60))
        }
        var open: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(15)
        while open.isEmpty, Date() < deadline {
            open = (try? Self.list(first, ["recordings", "list"])) ?? []
            usleep(200_000)
        }
        let row = try #require(open.first, "the call was never recorded: \(first.log)")
        let path = try #require(row["path"] as? String)
        sleep(4)
        first.send(SIGKILL)
        #expect(first.waitForExit(within: 5))
        let cut = try #require(AudioFile.wavDataSizes(path), "not a WAV file after the kill")
        #expect(cut.declared < cut.present, "before repair the header does not cover the audio written: \(cut)")
        _ = caller.wait()
        let second = try EngineProcess(lab: lab, config: config, name: "pstnd-after")
        defer { second.stop() }
        #expect(second.waitForControl(), "\(second.log)")
        let repaired = try #require(try Self.list(second, ["recordings", "list"]).first { $0["path"] as? String == path })
        #expect(repaired["state"] as? String == "repaired", "\(repaired)\n\(second.log)")
        let fixed = try #require(AudioFile.wavDataSizes(path))
        #expect(fixed.declared == fixed.present - fixed.present % 4, "after repair the header covers every whole frame: \(fixed)")
        let contents = try #require(AudioFile.read(path), "the file cannot be read after the restart")
        #expect(Double(contents.frames) / 8000 > 2.5, "seconds playable: \(Double(contents.frames) / 8000)")
        let match = PromptMatcher.find(PromptMatcher.samples(said), in: contents.channels[0])
        #expect((match?.correlation ?? 0) > 0.9, "what was recorded before the kill is there: \(String(describing: match))")
    }

    @Test("pstnctl prompt add converts any rate and channel count to the line's format; what is not audio is refused")
    func promptAdd() throws {
        let lab = try LabInstance(lab: ControlLabTests.lab)
        let sounds = lab.directory + "/sounds"
        try FileManager.default.createDirectory(atPath: sounds + "/en", withIntermediateDirectories: true)
        for name in ["message-saved", "leave-message", "menu-main", "no-new-messages", "mailbox-you-have", "mailbox-new-messages",
                     "end-of-messages"] {
            try FileManager.default.copyItem(atPath: Self.prompt("en", name), toPath: "\(sounds)/en/\(name).wav")
        }
        try FileManager.default.createDirectory(atPath: sounds + "/tones", withIntermediateDirectories: true)
        let engine = try EngineProcess(lab: lab, config: try Self.engine(lab: lab, sounds: sounds))
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        let source = lab.directory + "/tone-44k-stereo.wav"
        let tone = (0..<44100).map { Int16(12000 * sin(2 * Double.pi * 440 * Double($0) / 44100)) }
        #expect(AudioFile.writeWAV(source, sampleRate: 44100, channels: [tone, tone]))
        let add = try ControlTool.run(socket: engine.controlSocket, ["prompt", "add", "en/tone", source])
        #expect(add.status == 0, "\(add.output) \(add.errors)")
        let converted = try #require(AudioFile.read(sounds + "/en/tone.wav"))
        #expect(converted.sampleRate == 8000 && converted.channels.count == 1 && abs(converted.frames - 8000) < 50,
                "\(converted.sampleRate) Hz, \(converted.channels.count) channels, \(converted.frames) frames")
        let text = lab.directory + "/notes.wav"
        try "this is not audio".write(toFile: text, atomically: true, encoding: .utf8)
        let refused = try ControlTool.run(socket: engine.controlSocket, ["prompt", "add", "en/notes", text])
        #expect(refused.status == 1 && refused.errors.contains("not usable audio"), "\(refused.errors)")
        for bad in ["../etc", "tone", "en/../../x"] {
            let r = try ControlTool.run(socket: engine.controlSocket, ["prompt", "add", bad, source])
            #expect(r.status == 1, "\(bad): \(r.errors)")
        }
        #expect(!FileManager.default.fileExists(atPath: sounds + "/en/notes.wav"))
    }
}

extension Thread {
    /// Run `body` on a new thread; `wait()` gives its result.
    static func detachedResult<T: Sendable>(_ body: @escaping @Sendable () -> T) -> DetachedResult<T> {
        let result = DetachedResult<T>()
        Thread.detachNewThread { result.finish(body()) }
        return result
    }
}

/// The result of a body run on its own thread.
final class DetachedResult<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: T?

    func finish(_ v: T) {
        value = v
        done.signal()
    }

    func wait() -> T? {
        done.wait()
        return value
    }
}
