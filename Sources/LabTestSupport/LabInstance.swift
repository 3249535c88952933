import DAHDIEmulator
import Foundation
import Glibc
import PSTNEngine

/// Why a lab could not be started or driven; the message says what to do about it.
public struct LabError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A running `dahdi-emu` process on a temporary mount, for lab tests. Stopping it (or dropping it)
/// terminates the process, unmounts and removes the temporary directory. `fault` only talks to
/// the emulator's socket, so another thread of a test may pull cables while the test waits.
public final class LabInstance: @unchecked Sendable {
    public let directory: String
    public let mountPoint: String
    public let controlSocket: String
    public let labFile: String
    private let process: Process
    private var stopped = false

    /// The engine's view of the lab's DAHDI directory.
    public var dahdi: DAHDIDirectory { DAHDIDirectory(mountPoint) }

    /// Start `dahdi-emu` with `lab` (YAML text) and wait until its device files are served.
    public init(lab: String) throws {
        try Self.requireFUSE()
        let binary = try Self.executable("dahdi-emu")
        var template = Array("/tmp/pstn-lab-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw LabError("mkdtemp failed: \(String(cString: strerror(errno)))") }
        directory = String(cString: made)
        mountPoint = directory + "/dahdi"
        controlSocket = directory + "/lab.sock"
        labFile = directory + "/lab.yaml"
        do {
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
            try lab.write(toFile: labFile, atomically: true, encoding: .utf8)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw LabError("cannot prepare the lab in \(directory): \(error)")
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--lab", labFile, "--mount", mountPoint, "--control", controlSocket]
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw LabError("cannot start \(binary): \(error)")
        }
        let deadline = Date().addingTimeInterval(15)
        while !FileManager.default.fileExists(atPath: mountPoint + "/ctl") {
            guard process.isRunning else {
                cleanUp()
                throw LabError("dahdi-emu exited with status \(process.terminationStatus) before serving \(mountPoint)")
            }
            guard Date() < deadline else {
                stop()
                throw LabError("dahdi-emu did not serve \(mountPoint) within 15 s")
            }
            usleep(20_000)
        }
    }

    deinit { stop() }

    /// Send a fault or status command (`pull trunk`, `replug trunk`, `status`...); returns the answer.
    @discardableResult
    public func fault(_ command: String) throws -> String {
        guard let answer = sendLabCommand(command, to: controlSocket) else {
            throw LabError("cannot connect to \(controlSocket): \(String(cString: strerror(errno)))")
        }
        let text = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("ok") else { throw LabError("lab command '\(command)' failed: \(text)") }
        return text
    }

    /// Whether the emulator process is still alive.
    public var isRunning: Bool { process.isRunning }

    public func stop() {
        guard !stopped else { return }
        stopped = true
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        cleanUp()
    }

    private func cleanUp() {
        // A killed emulator leaves its mount behind; detach it lazily so the directory can go.
        if isMounted(mountPoint), let tool = Self.fusermount { _ = Self.run(tool, ["-u", "-z", mountPoint]) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func isMounted(_ path: String) -> Bool {
        guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return false }
        return mounts.split(separator: "\n").contains { $0.split(separator: " ").dropFirst().first.map(String.init) == path }
    }

    // MARK: Environment

    /// Fail clearly (never skip) when FUSE is not usable here.
    public static func requireFUSE() throws {
        guard FileManager.default.fileExists(atPath: "/dev/fuse") else {
            throw LabError("FUSE is missing: /dev/fuse does not exist. Lab tests need FUSE (load the fuse module, or give the container /dev/fuse).")
        }
        guard fusermount != nil else {
            throw LabError("FUSE is missing: fusermount3 is not installed (Debian package fuse3; run scripts/install-deps.sh).")
        }
    }

    static var fusermount: String? {
        ["/usr/bin/fusermount3", "/bin/fusermount3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The path of one of the package's executables, built next to the test bundle.
    public static func executable(_ name: String) throws -> String {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [bundleDirectory.appendingPathComponent(name).path]
        // `swift test` runs the bundle from .build/<triple>/debug; the products sit beside it.
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent(name).path)
        }
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
        throw LabError("\(name) is not built (looked in \(candidates.joined(separator: ", "))); run `swift build` before `swift test`.")
    }

    /// Run a program to completion; returns its exit status and combined output.
    @discardableResult
    public static func run(_ path: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return (-1, "cannot run \(path): \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
