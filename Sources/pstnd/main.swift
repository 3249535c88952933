import ArgumentParser
import Daemon
import Foundation
import Glibc

/// `pstnd`: the PSTN Engine daemon.
@main
struct PSTND: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pstnd",
        abstract: "The PSTN Engine daemon: DAHDI spans, call control, media and the applications.")

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String

    @Flag(name: .long, help: "Check the configuration, report every problem, and exit.")
    var check = false

    func run() async throws {
        let resolved: DaemonConfiguration.Resolved
        do {
            resolved = try DaemonConfiguration.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        if check {
            print("\(config): configuration is valid (\(resolved.configuration.trunks.count) trunks, \(resolved.routing.routes.count) routes)")
            return
        }
        let daemon = try Daemon(resolved)
        let signals = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signals.setEventHandler { daemon.stop(cause: .normalClearing) }
        interrupt.setEventHandler { daemon.stop(cause: .normalClearing) }
        signals.resume()
        interrupt.resume()
        try await daemon.run()
    }
}
