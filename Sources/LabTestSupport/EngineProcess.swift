import Foundation
import Glibc

/// A `pstnd` started as a real process on a lab, with its configuration and event log in the
/// lab's temporary directory. Stopping it (or dropping it) sends SIGTERM, then SIGKILL.
/// Its readers only read files, so a test may watch the log from another thread.
public final class EngineProcess: @unchecked Sendable {
    public let configPath: String
    public let eventLog: String
    /// Where the daemon's control socket is when its configuration names `SOCKET`.
    public let controlSocket: String
    public let process: Process
    private let output: String

    /// Write `config` (YAML; `DAHDI`, `EVENTS`, `SOCKET` and `STORE` are replaced by the lab's
    /// paths) and start `pstnd`.
    public init(lab: LabInstance, config: String, name: String = "pstnd") throws {
        configPath = lab.directory + "/\(name).yaml"
        eventLog = lab.directory + "/\(name)-events.jsonl"
        controlSocket = lab.directory + "/\(name).sock"
        output = lab.directory + "/\(name).log"
        let text = Self.substitute(config, lab: lab, eventLog: eventLog, socket: controlSocket)
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: try LabInstance.executable("pstnd"))
        process.arguments = ["--config", configPath]
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle(forWritingAtPath: output)
        try process.run()
    }

    deinit { stop() }

    /// What the daemon printed so far.
    public var log: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }

    /// The event log's entries so far, each a JSON object.
    public func events() -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: eventLog, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// Wait up to `seconds` for an event log entry that `matches`; returns it, or nil.
    public func waitForEvent(within seconds: Double, _ matches: ([String: Any]) -> Bool) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if let found = events().first(where: matches) { return found }
            guard process.isRunning else { return nil }
            usleep(50_000)
        } while Date() < deadline
        return nil
    }

    /// Send `signal` (SIGHUP to reload, SIGTERM to drain) to the daemon.
    public func send(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Replace the configuration file (same substitutions as at start).
    public func rewrite(config: String, lab: LabInstance) throws {
        let text = Self.substitute(config, lab: lab, eventLog: eventLog, socket: controlSocket)
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    static func substitute(_ config: String, lab: LabInstance, eventLog: String, socket: String) -> String {
        config.replacingOccurrences(of: "DAHDI", with: lab.mountPoint)
            .replacingOccurrences(of: "EVENTS", with: eventLog)
            .replacingOccurrences(of: "SOCKET", with: socket)
            .replacingOccurrences(of: "STORE", with: lab.directory + "/store.sqlite")
    }

    /// Wait until the control socket accepts connections (the daemon has started).
    public func waitForControl(within seconds: Double = 15) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard process.isRunning else { return false }
            if let r = try? ControlTool.run(socket: controlSocket, ["status"]), r.status == 0 { return true }
            usleep(100_000)
        }
        return false
    }

    /// Wait up to `seconds` for the daemon to exit by itself; true when it did.
    public func waitForExit(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return !process.isRunning
    }

    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// A `pstn-sim` run to completion on a lab with a scenario; gives back its JSON report.
public enum SimulatorRun {
    /// Run `scenario` (YAML; `DAHDI` is replaced by the lab's path) with extra arguments, waiting
    /// up to `timeout` seconds. Returns the exit status, the report (parsed JSON) and the output.
    public static func run(lab: LabInstance, scenario: String, arguments: [String] = [], timeout: Double = 120)
        throws -> (status: Int32, report: [String: Any]?, output: String) {
        let path = lab.directory + "/scenario-\(UUID().uuidString.prefix(8)).yaml"
        let reportPath = path + ".report.json"
        try scenario.replacingOccurrences(of: "DAHDI", with: lab.mountPoint).write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try LabInstance.executable("pstn-sim"))
        p.arguments = ["--scenario", path, "--report", reportPath] + arguments
        let outputPath = path + ".log"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: outputPath)
        p.standardError = FileHandle(forWritingAtPath: outputPath)
        try p.run()
        guard p.finish(within: timeout) else {
            throw LabError("pstn-sim did not finish within \(timeout) s: \((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")")
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let report = FileManager.default.contents(atPath: reportPath).flatMap {
            (try? JSONSerialization.jsonObject(with: $0)) as? [String: Any]
        }
        return (p.terminationStatus, report, output)
    }
}
