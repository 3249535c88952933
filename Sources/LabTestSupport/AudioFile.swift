import CSndFile
import Foundation

/// Reading and writing the audio files lab tests compare: each channel of a recording on its
/// own, and test signals at any rate and channel count.
public enum AudioFile {
    /// What a file holds, as libsndfile reads it.
    public struct Contents: Sendable {
        public var sampleRate: Int
        /// One array of samples per channel.
        public var channels: [[Int16]]
        public var frames: Int { channels.first?.count ?? 0 }
    }

    /// Every channel of an audio file, or nil when libsndfile cannot read it.
    public static func read(_ path: String) -> Contents? {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else { return nil }
        defer { sf_close(file) }
        let channels = Int(info.channels)
        guard channels > 0, info.frames >= 0 else { return nil }
        var interleaved = [Int16](repeating: 0, count: Int(info.frames) * channels)
        let read = interleaved.withUnsafeMutableBufferPointer { sf_readf_short(file, $0.baseAddress, info.frames) }
        var out = [[Int16]](repeating: [], count: channels)
        for frame in 0..<Int(max(0, read)) {
            for c in 0..<channels { out[c].append(interleaved[frame * channels + c]) }
        }
        return Contents(sampleRate: Int(info.samplerate), channels: out)
    }

    /// Write a 16-bit PCM WAV file with the given rate and channels (each channel's samples).
    @discardableResult
    public static func writeWAV(_ path: String, sampleRate: Int, channels: [[Int16]]) -> Bool {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels.count)
        info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        guard let file = sf_open(path, Int32(SFM_WRITE), &info) else { return false }
        let frames = channels.map(\.count).min() ?? 0
        var interleaved = [Int16]()
        interleaved.reserveCapacity(frames * channels.count)
        for f in 0..<frames { for c in channels { interleaved.append(c[f]) } }
        let written = interleaved.withUnsafeBufferPointer { sf_writef_short(file, $0.baseAddress, sf_count_t(frames)) }
        return sf_close(file) == 0 && written == frames
    }
}

extension AudioFile {
    /// A RIFF/WAVE file's `data` chunk: the size its header declares and the bytes the file holds
    /// after the chunk header (what a crash leaves apart), or nil when it is not such a file.
    public static func wavDataSizes(_ path: String) -> (declared: Int, present: Int)? {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 12,
              data.prefix(4) == Data("RIFF".utf8), data[8..<12] == Data("WAVE".utf8) else { return nil }
        func u32(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 | Int(data[at + 2]) << 16 | Int(data[at + 3]) << 24 }
        var at = 12
        while at + 8 <= data.count {
            let size = u32(at + 4)
            if data[at..<(at + 4)] == Data("data".utf8) { return (size, data.count - at - 8) }
            at += 8 + size + (size & 1)
        }
        return nil
    }
}
