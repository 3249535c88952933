import Foundation
import Glibc

/// Runs `pstnctl` against a daemon's control socket, as the test's own user or as another
/// (through util-linux's `setpriv`), and gives back what it printed and its exit status.
public enum ControlTool {
    public struct Outcome: Sendable {
        public let status: Int32
        public let output: String
        public let errors: String

        /// The output parsed as JSON (for `--json` runs).
        public var json: Any? { try? JSONSerialization.jsonObject(with: Data(output.utf8), options: [.fragmentsAllowed]) }
    }

    /// `pstnctl --socket SOCKET ARGS...`; `asUser`: run as that uid/gid with no other groups.
    public static func run(socket: String, _ arguments: [String], asUser: (uid: UInt32, gid: UInt32)? = nil,
                           timeout: Double = 60) throws -> Outcome {
        let binary = try LabInstance.executable("pstnctl")
        let p = Process()
        let args = [binary] + arguments + ["--socket", socket]
        if let asUser {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            p.arguments = ["--reuid=\(asUser.uid)", "--regid=\(asUser.gid)", "--clear-groups", "--"] + args
        } else {
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = Array(args.dropFirst())
        }
        let directory = NSTemporaryDirectory() + "pstnctl-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let out = directory + "/out", err = directory + "/err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let outHandle = FileHandle(forWritingAtPath: out), errHandle = FileHandle(forWritingAtPath: err)
        p.standardOutput = outHandle
        p.standardError = errHandle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        guard p.finish(within: timeout) else {
            throw LabError("pstnctl \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        try? outHandle?.close()
        try? errHandle?.close()
        return Outcome(status: p.terminationStatus,
                       output: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                       errors: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}
