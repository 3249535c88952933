import PSTNEngine

/// Something a backend plays on a line before the call is answered: a tone, DTMF digits, an FSK
/// caller ID burst. `render` returns how many samples it wrote; fewer than asked means it ended.
protocol LineAudioSource: AnyObject {
    func render(into output: UnsafeMutableBufferPointer<Int16>) -> Int
}

extension ToneGenerator: LineAudioSource {}
extension DTMFGenerator: LineAudioSource {}

extension ToneZone {
    /// A generator for one of the zone's tones; nil when the zone does not define it.
    func generator(for tone: ZoneTone) -> ToneGenerator? {
        guard let text = definition(of: tone), let spec = try? ToneSpecification(text) else { return nil }
        return ToneGenerator(spec)
    }
}
