import CSampleRate
import CSndFile
import Foundation

/// A prompt ready to play: 8 kHz mono linear samples, loaded once and shared by every channel.
public final class Prompt: Sendable {
    public let name: String
    public let samples: [Int16]

    public init(name: String, samples: [Int16]) {
        self.name = name
        self.samples = samples
    }

    /// Length in milliseconds.
    public var milliseconds: Int { samples.count / 8 }

    /// Load any audio file libsndfile reads (WAV in PCM, A-law or mu-law; FLAC; ...), mixing
    /// channels to mono and resampling to 8 kHz when needed.
    public static func load(path: String, name: String? = nil) throws(PromptError) -> Prompt {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            let reason = String(cString: sf_strerror(nil))
            throw PromptError(path: path, reason: "not an audio file libsndfile can read (\(reason))")
        }
        defer { sf_close(file) }
        guard info.channels >= 1, info.channels <= 16, info.samplerate >= 1000, info.samplerate <= 384_000 else {
            throw PromptError(path: path, reason: "\(info.channels) channels at \(info.samplerate) Hz is not usable")
        }
        guard info.frames > 0 else { throw PromptError(path: path, reason: "the file holds no audio") }
        guard info.frames <= 8000 * 3600 * 48 else { throw PromptError(path: path, reason: "longer than an hour") }
        if info.samplerate == 8000 && info.channels == 1 {
            // Already the line's format: read the samples as they are, so they play bit-exact.
            var samples = [Int16](repeating: 0, count: Int(info.frames))
            let read = samples.withUnsafeMutableBufferPointer { sf_readf_short(file, $0.baseAddress, info.frames) }
            guard read > 0 else { throw PromptError(path: path, reason: "no audio could be read") }
            samples.removeSubrange(Int(read)...)
            return Prompt(name: name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, samples: samples)
        }
        let channels = Int(info.channels)
        var interleaved = [Float](repeating: 0, count: Int(info.frames) * channels)
        let read = interleaved.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, info.frames) }
        guard read > 0 else { throw PromptError(path: path, reason: "no audio could be read") }
        var mono = [Float](repeating: 0, count: Int(read))
        for frame in 0..<Int(read) {
            var sum: Float = 0
            for c in 0..<channels { sum += interleaved[frame * channels + c] }
            mono[frame] = sum / Float(channels)
        }
        if info.samplerate != 8000 {
            mono = try resample(mono, from: Int(info.samplerate), path: path)
        }
        let samples = mono.map { Int16(clamping: Int(($0 * 32767).rounded())) }
        return Prompt(name: name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, samples: samples)
    }

    private static func resample(_ input: [Float], from rate: Int, path: String) throws(PromptError) -> [Float] {
        let ratio = 8000 / Double(rate)
        var output = [Float](repeating: 0, count: Int(Double(input.count) * ratio) + 16)
        var used = 0
        let status = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                var data = SRC_DATA(data_in: source.baseAddress, data_out: target.baseAddress,
                                    input_frames: source.count, output_frames: target.count,
                                    input_frames_used: 0, output_frames_gen: 0, end_of_input: 1, src_ratio: ratio)
                let result = src_simple(&data, Int32(SRC_SINC_MEDIUM_QUALITY), 1)
                used = data.output_frames_gen
                return result
            }
        }
        guard status == 0 else {
            throw PromptError(path: path, reason: "resampling from \(rate) Hz failed: \(String(cString: src_strerror(status)))")
        }
        return Array(output.prefix(used))
    }
}

/// A prompt file that cannot be used, and why.
public struct PromptError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
