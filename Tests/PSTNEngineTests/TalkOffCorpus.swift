import Foundation
import PSTNEngine

/// The DTMF talk-off corpus, made by the tests themselves: speech from espeak-ng (English and
/// Mandarin, several voices, pitches and speeds) and music from sox's synthesiser (plucked
/// melodies with harmonies, sine-wave chords, square/triangle/sawtooth leads over a sine bass, and
/// two-voice sine lines), written as 8 kHz mono 16-bit WAV into a cache directory under the
/// temporary directory (reused while the recipe is unchanged) and loaded with `Prompt.load`.
///
/// Missing tools are an error, never a skip: scripts/install-deps.sh installs them.
enum TalkOffCorpus {
    /// One kind of material: its name and samples.
    struct Clip {
        let name: String
        let samples: [Int16]
        var seconds: Double { Double(samples.count) / 8000 }
    }

    /// Why the corpus could not be made.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// English, Mandarin and music, made once per test process.
    static let clips: Result<[String: Clip], Failure> = Result { try make() }.mapError { $0 as? Failure ?? Failure(description: "\($0)") }

    static func clip(_ name: String) throws -> Clip {
        guard let clip = try clips.get()[name] else { throw Failure(description: "no clip \(name)") }
        return clip
    }

    // MARK: Recipe

    static let english = [
        "Thank you for calling. Your call may be recorded for quality and training. If you know the extension of the person you are trying to reach, you may dial it at any time. For account balances and recent payments, press one. To report a lost or stolen card, press two. For all other questions, please stay on the line and the next available agent will be with you shortly.",
        "Good morning, this is Margaret from the billing department. I can see that the last payment of two hundred and forty seven dollars and fifty cents arrived on the ninth of March, so your account is fully up to date. The extra charge of nineteen ninety nine on your statement comes from the premium support plan, which was added in January. Would you like me to remove it?",
        "Okay, let me just check that for you. Could you read me the number printed on the back of the card? Zero four four one, eight eight three six, nine two seven five, and then the last group is one zero zero six. Thanks. And the expiry date? October twenty twenty nine. Great, that matches what we have here, so I will go ahead and unlock it now.",
        "The weather service has issued a warning for heavy rain and strong winds along the coast tonight. Flights leaving after eight o'clock may be delayed, and several train lines are already running a reduced timetable. Drivers are asked to avoid the bridge between the harbour and the old town until the water level falls again tomorrow morning.",
        "Hmm, well, I'm not really sure. Maybe? I think we tried that last week, but it didn't really work, did it? Oh! Wait, wait. Yes, yes, now I remember. We called them on Tuesday, they said they'd call back, and nobody ever did. Honestly, it's been three weeks now, and I'm getting a bit tired of waiting.",
    ]
    static let mandarin = [
        "您好，欢迎致电客户服务中心。本次通话可能会被录音，以便提高服务质量。查询账户余额请按一，办理挂失请按二，人工服务请按零。",
        "您的上一笔还款金额为两千三百四十七元五角，已于三月九日到账。本月账单中另有一笔十九元九角的服务费，是一月份开通的增值服务产生的。",
        "请您稍等，我帮您查询一下。麻烦您报一下卡号后四位和预留的手机号码。好的，一三八零零一三八零零零，核对无误，我现在为您解除锁定。",
        "今天夜间到明天白天，沿海地区有大到暴雨，并伴有七到八级大风。晚上八点以后起飞的航班可能延误，请旅客朋友们提前关注航班动态，合理安排出行时间。",
        "嗯，这个我也不太清楚。我们上个星期二已经打过电话了，他们说会回电话，可是到现在都没有人联系我们。已经三个星期了，我真的有点等不下去了。",
    ]
    /// espeak-ng voice (with variant), words per minute, pitch 0-99.
    static let englishVoices: [(String, Int, Int)] = [("en-us", 150, 50), ("en-us+f3", 175, 70), ("en+m3", 200, 40), ("en-us+f4", 165, 85)]
    static let mandarinVoices: [(String, Int, Int)] = [("cmn", 150, 50), ("cmn+f3", 175, 75), ("cmn+m3", 195, 35)]

    /// The espeak-ng runs: each voice reads two passages.
    static func speechJobs(_ texts: [String], _ voices: [(String, Int, Int)], prefix: String) -> [(String, [String])] {
        voices.enumerated().flatMap { i, voice in
            (0..<2).map { k in
                let text = texts[(2 * i + k) % texts.count]
                return ("\(prefix)\(i)\(k).wav", ["-v", voice.0, "-s", "\(voice.1)", "-p", "\(voice.2)", text])
            }
        }
    }

    /// One minute of music per style, as sox synth segments chained with ':'.
    static func musicJobs() -> [(String, [String])] {
        var random = TestRandom(seed: 20_240_611)
        func hz(_ midi: Int) -> String { String(format: "%.2f", 440 * pow(2, Double(midi - 69) / 12)) }
        let scales = [[0, 2, 4, 5, 7, 9, 11], [0, 2, 3, 5, 7, 8, 10], [0, 2, 4, 7, 9]]
        return ["pluck", "chords", "lead", "duet"].map { style in
            let root = Int(random.next() * 12)
            let scale = scales[Int(random.next() * 3)]
            func notes(_ low: Int, _ high: Int) -> [Int] { (low...high).filter { scale.contains((($0 - root) % 12 + 12) % 12) } }
            func pick(_ from: [Int]) -> Int { from[Int(random.next() * Double(from.count))] }
            func pickLength(_ from: [Double]) -> Double { from[Int(random.next() * Double(from.count))] }
            var segments: [[String]] = []
            var seconds = 0.0
            while seconds < 60 {
                let length: Double
                var voices: [String] = []
                switch style {
                case "pluck":
                    let range = notes(60, 88)
                    length = pickLength([0.12, 0.18, 0.25, 0.25, 0.35, 0.5])
                    voices = ["pluck", hz(pick(range))]
                    if random.next() < 0.3 { voices += ["pluck", hz(pick(range))] }
                case "chords":
                    let range = notes(48, 84)
                    length = pickLength([0.3, 0.5, 0.75, 1.0])
                    let base = Int(random.next() * Double(range.count - 6))
                    for step in [0, 2, 4] { voices += ["sine", hz(range[base + step])] }
                    if random.next() < 0.4 { voices += ["sine", hz(range[base + 6])] }
                case "lead":
                    let range = notes(55, 84)
                    length = pickLength([0.15, 0.2, 0.3, 0.4])
                    voices = [["square", "triangle", "sawtooth"][Int(random.next() * 3)], hz(pick(range)),
                              "sine", hz(pick(Array(range.prefix(5))) - 12)]
                default:
                    let range = notes(62, 90)
                    length = pickLength([0.15, 0.25, 0.4, 0.6])
                    voices = ["sine", hz(pick(range)), "sine", hz(pick(range))]
                }
                segments.append(["synth", String(format: "%.2f", length)] + voices)
                seconds += length
            }
            let chained = segments.enumerated().flatMap { i, s in i == 0 ? s : [":"] + s }
            return ("music-\(style).wav", ["-R", "-n", "-r", "8000", "-b", "16", "-c", "1", "music-\(style).wav"] + chained)
        }
    }

    // MARK: Making

    private static func make() throws -> [String: Clip] {
        let espeak = try tool("espeak-ng")
        let sox = try tool("sox")
        let englishJobs = speechJobs(english, englishVoices, prefix: "en")
        let mandarinJobs = speechJobs(mandarin, mandarinVoices, prefix: "cmn")
        let music = musicJobs()
        var recipe = "v1"
        for job in englishJobs + mandarinJobs + music { recipe += "|" + job.0 + " " + job.1.joined(separator: " ") }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pstn-dtmf-talkoff-\(String(fnv1a(recipe), radix: 16))").path
        let finals = ["english": englishJobs.map(\.0), "mandarin": mandarinJobs.map(\.0), "music": music.map(\.0)]
        let complete = finals.keys.allSatisfy { FileManager.default.fileExists(atPath: "\(directory)/\($0).wav") }
        if !complete {
            // Build in a private directory, then move it into place whole: concurrent test runs
            // never see half a corpus.
            let work = "\(directory).\(getpid()).tmp"
            try? FileManager.default.removeItem(atPath: work)
            do {
                try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            } catch {
                throw Failure(description: "cannot create \(work): \(error)")
            }
            defer { try? FileManager.default.removeItem(atPath: work) }
            try runAll(englishJobs.map { (espeak, ["-w", $0.0] + $0.1) }
                       + mandarinJobs.map { (espeak, ["-w", $0.0] + $0.1) }
                       + music.map { (sox, $0.1) }, in: work)
            // Join each kind, resample to 8 kHz, peak-normalise to -3 dBFS, no dither.
            try runAll(finals.map { name, parts in
                (sox, ["-R", "-D"] + parts + ["-r", "8000", "-c", "1", "-b", "16", "\(name).wav", "gain", "-n", "-3"])
            }, in: work)
            if !FileManager.default.fileExists(atPath: directory) {
                _ = rename(work, directory)
            }
            if !FileManager.default.fileExists(atPath: "\(directory)/music.wav") {
                throw Failure(description: "the talk-off corpus could not be put in \(directory)")
            }
        }
        var clips: [String: Clip] = [:]
        for name in finals.keys {
            do {
                let prompt = try Prompt.load(path: "\(directory)/\(name).wav")
                clips[name] = Clip(name: name, samples: prompt.samples)
            } catch {
                throw Failure(description: "talk-off corpus \(name): \(error)")
            }
        }
        return clips
    }

    /// The full path of a command on PATH (plus the usual system directories).
    private static func tool(_ name: String) throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/bin:/usr/local/bin"
        for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        throw Failure(description: "\(name) is not installed; the DTMF talk-off corpus needs espeak-ng (with espeak-ng-data) and sox: run scripts/install-deps.sh")
    }

    /// Run commands concurrently in `directory`; all must succeed.
    private static func runAll(_ commands: [(String, [String])], in directory: String) throws {
        let processes = try commands.map { command, arguments in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                throw Failure(description: "cannot run \(command): \(error)")
            }
            return process
        }
        for (process, (command, arguments)) in zip(processes, commands) {
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                let shown = arguments.prefix(12).joined(separator: " ")
                throw Failure(description: "\(command) \(shown)... failed with status \(process.terminationStatus)")
            }
        }
    }

    private static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
