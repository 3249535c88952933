import PSTNEngine

extension ToneZone {
    /// `seconds` of one of the zone's tones as a prompt (dial tone played by an application to
    /// an answered line); nil when the zone does not define it.
    public func prompt(_ tone: ZoneTone, seconds: Int) -> Prompt? {
        guard let generator = generator(for: tone), seconds > 0 else { return nil }
        var samples = [Int16](repeating: 0, count: seconds * 8000)
        let written = samples.withUnsafeMutableBufferPointer { generator.render(into: $0) }
        return Prompt(name: "tone/\(tone)", samples: Array(samples.prefix(written)))
    }
}
