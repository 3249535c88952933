import ArgumentParser
import PSTNEngine

/// `pstn-hwinfo`: what the engine's hardware layer sees under a DAHDI directory: spans, alarms, channels.
struct HardwareInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pstn-hwinfo",
        abstract: "Show DAHDI spans, their alarms and their channels, as the engine sees them.")

    @Option(help: "The DAHDI directory (a card's /dev/dahdi or a dahdi-emu mount).")
    var dahdi: String = "/dev/dahdi"

    @Flag(help: "One line per span, with its channels counted by signalling.")
    var summary = false

    func run() throws {
        let directory = DAHDIDirectory(dahdi)
        let control: DAHDIControl
        let version: (version: String, echoCanceller: String)
        do {
            control = try DAHDIControl(directory: directory)
            version = try control.version()
        } catch {
            throw ValidationError("cannot read DAHDI at \(dahdi): \(error)")
        }
        print("DAHDI \(version.version) at \(dahdi)")
        var channel = 1
        for span in try control.spans() {
            var parameters: [ChannelParameters] = []
            for _ in 0..<span.totalChannels {
                parameters.append(try control.channelParameters(channel))
                channel += 1
            }
            let range = parameters.isEmpty ? "none" : "\(parameters.first!.channel)-\(parameters.last!.channel)"
            var counts: [String: Int] = [:]
            for p in parameters { counts[SignallingName.of(p.signalling), default: 0] += 1 }
            let kinds = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print("span \(span.number): \(span.name) \(span.spanType) alarms=\(span.alarms) channels \(range): \(kinds)")
            guard !summary else { continue }
            for p in parameters {
                print("  channel \(p.channel) \(p.name) signalling=\(SignallingName.of(p.signalling))\(p.receiveOffHook ? " off-hook" : "")")
            }
        }
    }
}

HardwareInfo.main()
