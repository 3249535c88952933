import Glibc
import PSTNEngine

/// Builds the signalling backend a `TrunkConfiguration` describes, on the DAHDI directory given.
public enum BackendFactory {
    /// Which end of the lab cable the backend serves. It matters for analog ports only: the
    /// engine's `fxo`/`fxs` are its trunks and stations; the simulator's `fxs` ports are the
    /// central office facing the engine's trunks and its `fxo` ports are phones.
    public enum Role: Sendable {
        case engine, simulator
    }

    /// `log` receives the backend's diagnostics (libpri's own words among them). Analog ports
    /// need the tone `zone`; with `media`, their descriptors are opened at once for the media
    /// engine to share (`AnalogLineBackend.line(_:)`).
    public static func make(_ trunk: TrunkConfiguration, dahdi: DAHDIDirectory, role: Role = .engine,
                            zone: ToneZone? = nil, media: AnalogMediaFormat? = nil,
                            log: @escaping @Sendable (String) -> Void = { _ in }) throws(CallControlError) -> any SignallingBackend {
        let what = "create \(trunk.type.rawValue) trunk \(trunk.name)"
        let problems = trunk.problems()
        guard problems.isEmpty else { throw CallControlError(what, problems.joined(separator: "; ")) }
        switch trunk.type {
        case .pri:
            guard let d = trunk.dchannel, let bearers = trunk.bchannels?.channels,
                  let switchType = PRISpanConfiguration.SwitchType(rawValue: trunk.switch ?? "euroisdn") else {
                throw CallControlError(what, "incomplete PRI settings")
            }
            let configuration = PRISpanConfiguration(
                name: trunk.name, dChannel: d, bearers: bearers,
                side: trunk.side == "network" ? .network : .user, switchType: switchType,
                overlapReceiving: trunk.overlap ?? false)
            let span = try PRISpan(configuration, dahdi: dahdi)
            span.log = log
            if let path = trunk.capture { try span.capture(to: path) }
            if let flags = getenv("PSTN_PRI_DEBUG").flatMap({ Int32(String(cString: $0), radix: 16) }) { span.debugFlags = flags }
            return span
        case .ss7:
            guard let opc = trunk.opc, let dpc = trunk.dpc, let links = trunk.links?.channels,
                  let bearers = trunk.bchannels?.channels, opc >= 0, dpc >= 0 else {
                throw CallControlError(what, "incomplete SS7 settings")
            }
            guard let ni = SS7LinksetConfiguration.NetworkIndicator(rawValue: trunk.ni ?? "national") else {
                throw CallControlError(what, "unknown network indicator \(trunk.ni ?? "")")
            }
            let first = trunk.cic_first ?? 1
            let configuration = SS7LinksetConfiguration(
                name: trunk.name, variant: trunk.variant == "ansi" ? .ansi : .itu, networkIndicator: ni,
                originatingPointCode: UInt32(opc), destinationPointCode: UInt32(dpc),
                links: links.enumerated().map { .init(channel: $0.element, slc: $0.offset) },
                circuits: Dictionary(uniqueKeysWithValues: bearers.enumerated().map { (first + $0.offset, $0.element) }))
            let linkset = try SS7Linkset(configuration, dahdi: dahdi)
            linkset.log = log
            linkset.captureAtStart = trunk.capture
            if let flags = getenv("PSTN_SS7_DEBUG").flatMap({ UInt32(String(cString: $0), radix: 16) }) { linkset.debugFlags = flags }
            return linkset
        case .fxo, .fxs:
            guard let zone else { throw CallControlError(what, "analog ports need a tone zone") }
            let backend = analog(trunk, dahdi: dahdi, role: role, zone: zone, media: media != nil)
            if let media { try backend.open(sharingWithMedia: media) }
            return backend
        }
    }

    private static func analog(_ trunk: TrunkConfiguration, dahdi: DAHDIDirectory, role: Role, zone: ToneZone,
                               media: Bool) -> AnalogLineBackend {
        let channels = trunk.channels?.channels ?? []
        let callerID = CallerIDSignalling(rawValue: trunk.callerid ?? "none") ?? .none
        let fxo = FXOLineOptions(zone: zone, callerID: callerID, hangUpOnPolarityReversal: trunk.hangup_on_polarity ?? false,
                                 answerOnPolarityReversal: trunk.answer_on_polarity ?? false)
        let fxs = FXSLineOptions(zone: zone, callerID: callerID,
                                 firstDigitTimeout: .milliseconds(Int((trunk.first_digit_s ?? 15) * 1000)),
                                 interDigitTimeout: .milliseconds(Int((trunk.inter_digit_s ?? 4) * 1000)),
                                 disconnectSignal: trunk.disconnectSignal,
                                 reversePolarityOnAnswer: trunk.reverse_polarity_on_answer ?? false)
        switch (trunk.type, role) {
        case (.fxo, .engine):
            return FXOTrunk(name: trunk.name, channels: channels, options: fxo, lineNumbers: trunk.numberOfChannel, directory: dahdi)
        case (.fxs, .engine):
            return FXSStation(name: trunk.name, channels: channels, options: fxs, ownNumbers: trunk.numberOfChannel, directory: dahdi)
        case (.fxs, .simulator):
            return CentralOfficeLine(name: trunk.name, channels: channels, options: fxs, directory: dahdi)
        default:
            return AnalogPhone(name: trunk.name, channels: channels, options: fxo, listensForBusyTone: !media, directory: dahdi)
        }
    }

    /// Every trunk's backend, in order, and the analog ports' open channels by number for the
    /// media engine to share (`MediaPlan.engine(lines:)`): analog backends are opened at once in
    /// the media's law (`law`, else the trunk's own) and buffer size.
    public static func makeAll(_ trunks: [TrunkConfiguration], dahdi: DAHDIDirectory, role: Role, zone: ToneZone,
                               law: G711?, settings: MediaSettings,
                               log: @escaping @Sendable (TrunkConfiguration, String) -> Void)
        throws(CallControlError) -> (backends: [any SignallingBackend], analogLines: [Int: DAHDIChannel]) {
        var backends: [any SignallingBackend] = []
        var analogLines: [Int: DAHDIChannel] = [:]
        for trunk in trunks {
            let analog = trunk.type == .fxo || trunk.type == .fxs
            let backend = try make(trunk, dahdi: dahdi, role: role, zone: zone,
                                   media: analog ? AnalogMediaFormat(law: law ?? trunk.law, settings: settings) : nil) { log(trunk, $0) }
            if let lines = backend as? AnalogLineBackend {
                for channel in trunk.bearerChannels { analogLines[channel] = lines.line(channel) }
            }
            backends.append(backend)
        }
        return (backends, analogLines)
    }
}
