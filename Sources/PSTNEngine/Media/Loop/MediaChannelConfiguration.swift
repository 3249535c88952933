/// One channel a media group serves: its name for events and errors, the DAHDI channel its audio
/// comes from (nil for synthetic traffic, as in `pstn-bench`), its companding law and the tone
/// zone of its trunk (for call-progress detection).
public struct MediaChannelConfiguration {
    public var name: String
    public var line: DAHDIChannel?
    public var law: G711
    public var zone: ToneZone

    public init(name: String, line: DAHDIChannel?, law: G711, zone: ToneZone) {
        self.name = name
        self.line = line
        self.law = law
        self.zone = zone
    }
}
