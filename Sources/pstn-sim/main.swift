import ArgumentParser
import CallControl
import CarrierSimulator
import Foundation
import PSTNEngine

/// `pstn-sim`: the carrier on the other end of the lab cables.
@main
struct PSTNSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pstn-sim",
        abstract: "The carrier on the far end of the lab: PRI network side, the far SS7 point code, central-office lines and phones.",
        discussion: """
        Runs a YAML scenario (see Sources/CarrierSimulator/Scenario.swift): answers the calls the engine places,
        places scripted calls, runs a load, and prints a JSON report of what happened.
        """)

    @Option(name: .long, help: "The scenario file.")
    var scenario: String

    @Option(name: .long, help: "The DAHDI directory (overrides the scenario's).")
    var dahdi: String?

    @Option(name: .long, help: "Write the JSON report here instead of standard output.")
    var report: String?

    @Option(name: .long, help: "Place one call to this number on the first trunk (in addition to the scenario's).")
    var call: String?

    @Option(name: .long, help: "Calling number of --call.")
    var from: String?

    @Option(name: .long, help: "Hang --call up this many seconds after answer.")
    var hangupAfter: Double = 3

    @Option(name: .long, help: "Load: call attempts per second on the first trunk to --load-called.")
    var loadRate: Double?

    @Option(name: .long, help: "Load: called number.")
    var loadCalled: String = "1000"

    @Option(name: .long, help: "Load: most calls up at once.")
    var loadConcurrent: Int = 200

    @Option(name: .long, help: "Load: seconds to run.")
    var loadSeconds: Double = 60

    @Option(name: .long, help: "Load: mean hold time in seconds (exponential).")
    var loadHold: Double = 2

    @Option(name: .long, help: "Stay up answering the engine's calls for this many seconds after the scripted work (0: exit at once; -1: until killed).")
    var stay: Double = 0

    /// The scenario's trunk groups, and one group per trunk named after it, so that a scripted
    /// call leaves on exactly the trunk it names while load runs hunt the whole group.
    static func trunkGroups(_ trunks: [TrunkConfiguration]) -> [TrunkGroup] {
        let shared = Dictionary(grouping: trunks, by: \.groupName)
            .map { TrunkGroup(name: $0.key, members: $0.value.map(\.name), hunt: .roundRobin) }
        let own = trunks.filter { shared.map(\.name).contains($0.name) == false }
            .map { TrunkGroup(name: $0.name, members: [$0.name]) }
        return shared + own
    }

    func run() async throws {
        var scenario = try Scenario.load(path: self.scenario)
        if let dahdi { scenario.dahdi = dahdi }
        if let call, let first = scenario.trunks.first {
            var scripted = ScriptedCall(trunk: first.name, called: call)
            scripted.calling = from.map { ScenarioNumber($0) }
            scripted.steps = [.init(wait_answer: 30), .init(wait: hangupAfter), .init(hangup: 16)]
            scenario.calls = (scenario.calls ?? []) + [scripted]
        }
        if let loadRate, let first = scenario.trunks.first {
            var profile = LoadProfile(trunk: first.name, called: loadCalled, rate: loadRate,
                                      concurrent: loadConcurrent, seconds: loadSeconds)
            var hold = HoldTime(fixed: 0)
            hold.fixed_s = nil
            hold.mean_s = loadHold
            profile.hold = hold
            scenario.load = profile
        }
        let directory = DAHDIDirectory(scenario.dahdi ?? "/dev/dahdi")
        let law: G711? = scenario.law.map { $0 == "ulaw" ? .muLaw : .aLaw }
        let zoneName = scenario.zone ?? (scenario.trunks.allSatisfy { $0.line == "T1" } ? "us" : "cn")
        guard let zone = ToneZone(country: zoneName) else { throw ValidationError("no tone zone \(zoneName)") }
        var settings = MediaSettings(chunkSamples: 160)
        settings.realtimePriority = scenario.mediaPriority
        settings.conferences = max(settings.conferences, scenario.trunks.reduce(0) { $0 + $1.bearerChannels.count } / 2 + 1)
        // Analog ports are opened first: the media engine shares their descriptors.
        let (made, analogLines) = try BackendFactory.makeAll(scenario.trunks, dahdi: directory, role: .simulator, zone: zone,
                                                             law: law, settings: settings) { _, line in
            FileHandle.standardError.write(Data("pstn-sim: \(line)\n".utf8))
        }
        let backends = zip(made, scenario.trunks).map { ($0, $1) }
        let media = try MediaPlan.engine(for: scenario.trunks, dahdi: directory, law: law, zone: zone, settings: settings,
                                         lines: analogLines)
        try media.start()
        let control = try CallControl(
            routing: RoutingTable(routes: [.init(called: try NumberPattern("*"),
                                                 destination: .application(name: "answer", argument: nil),
                                                 origin: "simulator answers everything")]),
            trunkGroups: Self.trunkGroups(scenario.trunks),
            media: media, conferences: settings.conferences,
            // The phones hang up when the engine plays busy or congestion tone at them.
            toneSupervised: Set(scenario.trunks.filter { $0.type == .fxo }.map(\.name)))
        try control.start()
        for (backend, trunk) in backends {
            nonisolated(unsafe) let handed = backend
            try await control.add(handed, trunkGroup: trunk.groupName)
        }
        let simulator = Simulator(scenario: scenario, calls: control, media: media)
        let pump = Task { await simulator.pumpEvents() }
        try await Task.sleep(for: .milliseconds(Int((scenario.link_wait_s ?? 3) * 1000)))
        var result = await simulator.run()
        if stay != 0 {
            try await Task.sleep(for: stay < 0 ? .seconds(86400 * 365) : .milliseconds(Int(stay * 1000)))
            result.answeredFromEngine = await simulator.engineCalls()
        }
        // Let releases in flight finish on the wire before the links go away.
        try await Task.sleep(for: .seconds(1))
        control.stop(cause: .normalClearing)
        media.stop()
        pump.cancel()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(result)
        if let report {
            try data.write(to: URL(fileURLWithPath: report))
        } else {
            FileHandle.standardOutput.write(data)
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
    }
}
