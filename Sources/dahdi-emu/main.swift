import ArgumentParser
import DAHDIEmulator
import Foundation
import Glibc

/// `dahdi-emu`: a userspace DAHDI over FUSE, and the client of its fault socket.
struct DAHDIEmu: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dahdi-emu",
        abstract: "A userspace DAHDI: emulated E1/T1 and analog cards, served over FUSE.",
        subcommands: [Serve.self, Fault.self],
        defaultSubcommand: Serve.self)
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Mount the emulated DAHDI described by a lab file.")

    @Option(help: "The lab file (YAML): cards, spans, ports and cables.")
    var lab: String

    @Option(help: "Where to mount the DAHDI device files (e.g. /dev/dahdi, or a temporary directory).")
    var mount: String

    @Option(help: "The fault socket (default: MOUNT.sock).")
    var control: String?

    @Option(help: "Group that owns the device files (mode 0660), e.g. pstn; default: ours.")
    var group: String?

    @Flag(help: "Only check the lab file and print its spans.")
    var check = false

    func run() throws {
        let description: LabDescription
        do {
            description = try LabDescription.load(path: lab)
        } catch {
            FileHandle.standardError.write(Data("dahdi-emu: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let emulator = DeviceEmulator(lab: description)
        if check {
            print(try emulator.perform(.status))
            return
        }
        let faults = FaultSocket(path: control ?? mount + ".sock", emulator: emulator)
        do {
            // Our threads must not take SIGTERM/SIGINT/SIGHUP: libfuse's handler has to run on the
            // main thread to end its loop. Threads inherit the mask they are started with.
            var stopSignals = sigset_t()
            sigemptyset(&stopSignals)
            for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&stopSignals, s) }
            pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
            try faults.start()
            emulator.start()
            pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
            var groupID = getgid()
            if let group {
                guard let entry = getgrnam(group) else {
                    throw EmulatorStartError(message: "no group named '\(group)'")
                }
                groupID = entry.pointee.gr_gid
            }
            let server = FuseServer(emulator: emulator, mountPoint: mount, group: groupID)
            try server.run {
                let summary = (try? emulator.perform(.status)) ?? ""
                print("dahdi-emu: serving \(mount)\n\(summary)")
                fflush(nil)
            }
        } catch {
            emulator.shutdown()
            faults.stop()
            FileHandle.standardError.write(Data("dahdi-emu: \(error)\n".utf8))
            throw ExitCode(1)
        }
        faults.stop()
    }
}

struct Fault: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a command to a running lab.",
        discussion: """
        Commands: status | pull CABLE | replug CABLE | break CABLE a|b | ais CABLE a|b | repair CABLE |
        drop-frames CABLE RATE | corrupt-frames CABLE RATE | stop-clock SPAN | start-clock SPAN
        """)

    @Option(help: "The lab's fault socket.")
    var control: String

    @Argument(help: "The command and its arguments.")
    var words: [String]

    func run() throws {
        do {
            _ = try LabCommand.parse(words)
        } catch {
            FileHandle.standardError.write(Data("dahdi-emu fault: \(error)\n".utf8))
            throw ExitCode(2)
        }
        guard let text = sendLabCommand(words.joined(separator: " "), to: control) else {
            FileHandle.standardError.write(Data("dahdi-emu fault: cannot connect to \(control): \(String(cString: strerror(errno)))\n".utf8))
            throw ExitCode(1)
        }
        print(text, terminator: "")
        if text.hasPrefix("error") { throw ExitCode(1) }
    }
}

DAHDIEmu.main()
