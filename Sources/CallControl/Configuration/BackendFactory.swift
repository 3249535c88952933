import PSTNEngine

/// Builds the signalling backend a `TrunkConfiguration` describes, on the DAHDI directory given.
public enum BackendFactory {
    public static func make(_ trunk: TrunkConfiguration, dahdi: DAHDIDirectory) throws(CallControlError) -> any SignallingBackend {
        throw CallControlError("create \(trunk.type.rawValue) trunk \(trunk.name)", "this backend type is not built yet")
    }
}
