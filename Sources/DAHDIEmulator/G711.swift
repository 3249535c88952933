import PSTNEngine

/// A line's companding law, as the emulator uses it: the engine's G.711, plus DAHDI's names.
typealias CompandingLaw = G711

extension G711 {
    /// What an idle timeslot carries.
    var idleByte: UInt8 { silence }

    /// DAHDI's `DAHDI_LAW_*` value.
    var dahdiValue: Int32 { self == .aLaw ? 2 : 1 }
}
