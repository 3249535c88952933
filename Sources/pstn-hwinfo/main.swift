import ArgumentParser
import PSTNEngine

/// `pstn-hwinfo`: what the engine's hardware layer sees under a DAHDI directory: spans, alarms, channels.
struct HardwareInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pstn-hwinfo",
        abstract: "Show DAHDI spans, their alarms and their channels, as the engine sees them.")

    @Option(help: "The DAHDI directory (a card's /dev/dahdi or a dahdi-emu mount).")
    var dahdi: String = "/dev/dahdi"

    func run() throws {
        let directory = DAHDIDirectory(dahdi)
        let control = try DAHDIControl(directory: directory)
        let version = try control.version()
        print("DAHDI \(version.version) at \(dahdi)")
        var channel = 1
        for span in try control.spans() {
            print("span \(span.number): \(span.name) \"\(span.description)\" type=\(span.spanType) alarms=\(span.alarms)")
            for _ in 0..<span.totalChannels {
                let p = try control.channelParameters(channel)
                print("  channel \(p.channel) \(p.name) signalling=\(SignallingName.of(p.signalling))\(p.receiveOffHook ? " off-hook" : "")")
                channel += 1
            }
        }
    }
}

HardwareInfo.main()
