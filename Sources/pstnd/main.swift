import ArgumentParser
import Daemon
import Foundation
import Glibc
import Logging

/// `pstnd`: the PSTN Engine daemon. It runs in the foreground (systemd's `Type=simple`) and logs
/// to standard error in a form journald keeps.
@main
struct PSTND: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pstnd",
        abstract: "The PSTN Engine daemon: DAHDI spans, call control, media and the applications.",
        discussion: """
        Signals: SIGHUP reloads routes and trunk groups with calls up; SIGTERM stops taking calls, lets calls \
        in progress run for drain_s and releases the rest with cause 41; SIGINT stops at once.
        """,
        version: Daemon.version)

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String

    @Flag(name: .long, help: "Check the configuration, report every problem with its line and column, and exit.")
    var check = false

    func run() async throws {
        LoggingSystem.bootstrap { JournalLogHandler(label: $0) }
        let log = Logger(label: "pstnd")
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
        let daemon: Daemon
        do {
            daemon = try Daemon(resolved, configPath: config, logger: log)
        } catch {
            log.critical("cannot start: \(error)")
            throw ExitCode(1)
        }
        let path = config
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        terminate.setEventHandler {
            log.notice("SIGTERM: draining calls")
            Task { await daemon.drain() }
        }
        interrupt.setEventHandler { daemon.stop(cause: .temporaryFailure) }
        hangup.setEventHandler {
            Task {
                let outcome = await daemon.reload(path: path)
                if outcome.applied { log.notice("\(outcome.note)") } else { log.error("\(outcome.note)") }
            }
        }
        for source in [terminate, interrupt, hangup] { source.resume() }
        do {
            try await daemon.run()
        } catch {
            log.critical("stopped: \(error)")
            daemon.stop(cause: .temporaryFailure)
            throw ExitCode(1)
        }
    }
}
