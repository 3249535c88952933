import Glibc
import PSTNEngine

/// Builds the signalling backend a `TrunkConfiguration` describes, on the DAHDI directory given.
public enum BackendFactory {
    /// `log` receives the backend's diagnostics (libpri's own words among them).
    public static func make(_ trunk: TrunkConfiguration, dahdi: DAHDIDirectory,
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
            if let path = trunk.capture {
                let writer = try PcapWriter(path: path, linkType: .linuxLAPD, networkSide: configuration.side == .network)
                span.capture = { writer.write($1, direction: $0) }
            }
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
            if let flags = getenv("PSTN_SS7_DEBUG").flatMap({ UInt32(String(cString: $0), radix: 16) }) { linkset.debugFlags = flags }
            return linkset
        case .fxo, .fxs:
            throw CallControlError(what, "\(trunk.type.rawValue) trunks are not supported by this build yet")
        }
    }
}
