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

/// A source followed by silence: what a line plays when what it wrote must be heard in full
/// before the media engine takes the line over (and flushes the driver's buffers). DTMF dialling
/// ends with enough silence that the buffers hold only silence when the digits are done.
final class TrailingSilence: LineAudioSource {
    private let source: any LineAudioSource
    private var silenceLeft: Int
    private var sourceDone = false

    init(_ source: any LineAudioSource, samples: Int) {
        self.source = source
        silenceLeft = samples
    }

    func render(into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        var written = sourceDone ? 0 : source.render(into: output)
        if written < output.count { sourceDone = true }
        while written < output.count, silenceLeft > 0 {
            output[written] = 0
            written += 1
            silenceLeft -= 1
        }
        return written
    }
}
