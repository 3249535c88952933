import ArgumentParser
import PSTNEngine

/// `pstn-hwinfo`: what the engine's hardware layer sees under a DAHDI directory, and the card
/// presets of `hw-profiles/` turned into `system.conf` and channel maps.
struct HardwareInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pstn-hwinfo",
        abstract: "DAHDI spans and channels as the engine sees them; card presets as system.conf.",
        subcommands: [Show.self, Profile.self],
        defaultSubcommand: Show.self)
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show spans, their alarms and their channels.")

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

struct Profile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a card preset's system.conf (for dahdi_cfg -c) or its channel map.",
        discussion: "With no NAME, list the presets. Example: pstn-hwinfo profile te420 --line T1 --zone us > /etc/dahdi/system.conf")

    @Argument(help: "The preset (a file name in the profiles directory, without .yaml).")
    var name: String?

    @Option(help: "The directory of presets.")
    var profiles: String = "hw-profiles"

    @Option(help: "Line type for every span: E1 or T1.")
    var line: String?

    @Option(help: "Tone zone (cn, us, uk...).")
    var zone: String?

    @Flag(help: "Print the channel map instead of system.conf.")
    var channelMap = false

    func run() throws {
        guard let name else {
            for preset in try HardwareProfile.presetNames(in: profiles) { print(preset) }
            return
        }
        var profile = try HardwareProfile.preset(named: name, in: profiles)
        var overrides = HardwareProfile.Overrides()
        if let line {
            guard let type = HardwareProfile.LineType(rawValue: line.uppercased()) else {
                throw ValidationError("line '\(line)' is not E1 or T1")
            }
            overrides.line = type
        }
        overrides.zone = zone
        profile = try profile.applying(overrides)
        guard channelMap else {
            print(profile.systemConf(), terminator: "")
            return
        }
        let map = profile.channelMap()
        for span in map.spans {
            print("span \(span.number) \(span.card) \(span.kind.rawValue)\(span.line.map { " \($0.rawValue)" } ?? "") channels \(span.channels.lowerBound)-\(span.channels.upperBound)")
        }
        for channel in map.channels {
            print("  \(channel.number) span \(channel.span) \(channel.role) \(channel.signalling.rawValue)")
        }
    }
}

HardwareInfo.main()
