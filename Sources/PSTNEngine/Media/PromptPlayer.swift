/// Plays prompts on one channel: a sequence, optionally looped (music on hold), optionally cut
/// short by a DTMF key (barge-in), reporting its position. Rendering allocates nothing.
public final class PromptPlayer {
    private var sequence: [Prompt] = []
    private var index = 0
    private var offset = 0
    private var looping = false
    private var stopsOnDTMF = false
    /// Samples played since the sequence started.
    public private(set) var position = 0
    public private(set) var isPlaying = false

    public init() {}

    /// Start a sequence, replacing whatever was playing.
    public func play(_ prompts: [Prompt], loop: Bool = false, stopOnDTMF: Bool = false) {
        sequence = prompts
        index = 0
        offset = 0
        position = 0
        looping = loop
        stopsOnDTMF = stopOnDTMF
        isPlaying = prompts.contains { !$0.samples.isEmpty }
    }

    public func stop() {
        isPlaying = false
    }

    /// A key was pressed: stops the sequence when it allows barge-in. Returns whether it stopped.
    @discardableResult
    public func keyPressed() -> Bool {
        guard isPlaying, stopsOnDTMF else { return false }
        isPlaying = false
        return true
    }

    /// Write the next samples; returns how many were prompt audio (the rest of `output` is left
    /// untouched when the sequence ends).
    public func render(into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        var written = 0
        while isPlaying && written < output.count {
            if index == sequence.count {
                guard looping else {
                    isPlaying = false
                    break
                }
                index = 0
            }
            let samples = sequence[index].samples
            let n = min(samples.count - offset, output.count - written)
            for i in 0..<n { output[written + i] = samples[offset + i] }
            written += n
            offset += n
            position += n
            if offset == samples.count {
                index += 1
                offset = 0
            }
        }
        return written
    }
}
