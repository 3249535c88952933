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
        let path = config
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        terminate.setEventHandler {
            FileHandle.standardError.write(Data("pstnd: SIGTERM: draining calls\n".utf8))
            Task { await daemon.drain() }
        }
        interrupt.setEventHandler { daemon.stop(cause: .temporaryFailure) }
        hangup.setEventHandler {
            Task { FileHandle.standardError.write(Data("pstnd: \(await daemon.reload(path: path))\n".utf8)) }
        }
        for source in [terminate, interrupt, hangup] { source.resume() }
        try await daemon.run()
    }
}
