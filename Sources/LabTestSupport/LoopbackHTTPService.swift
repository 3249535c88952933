import Foundation
import Glibc

/// A JSON web service on loopback for lab tests (a bank's balance service, a CRM): each GET of a
/// path with its query listed in `answers` gets that JSON with status 200, anything else 404.
/// It runs as a python3 process and is killed when the object goes.
public final class LoopbackHTTPService: @unchecked Sendable {
    private let process = Process()
    public let port: Int

    public init(directory: String, answers: [String: String]) throws {
        let portFile = directory + "/http-\(UUID().uuidString).port"
        let answersFile = portFile + ".json"
        let data = try JSONSerialization.data(withJSONObject: answers)
        guard FileManager.default.createFile(atPath: answersFile, contents: data) else {
            throw LabError("cannot write \(answersFile)")
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
        import http.server, json
        answers = json.load(open("\(answersFile)"))
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = answers.get(self.path)
                if body is None:
                    body, status = '{"error": "not found"}', 404
                else:
                    status = 200
                body = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *a): pass
        s = http.server.HTTPServer(("127.0.0.1", 0), H)
        open("\(portFile)", "w").write(str(s.server_port))
        s.serve_forever()
        """]
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        var found: Int?
        while found == nil, Date() < deadline {
            found = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
            usleep(50_000)
        }
        guard let found else {
            kill(process.processIdentifier, SIGKILL)
            throw LabError("the loopback HTTP service did not start (python3 is needed: scripts/install-deps.sh installs it)")
        }
        port = found
    }

    deinit {
        // SIGKILL: children of the test runner may start with SIGTERM blocked.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
