import CSndFile
import Glibc

extension Prompt {
    /// Write the prompt as a WAV file of 8 kHz mono 16-bit PCM (what the prompt folders hold),
    /// replacing `path` only once the whole file is written.
    public func writeWAV(to path: String) throws(PromptError) {
        let partial = path + ".partial"
        var info = SF_INFO()
        info.samplerate = 8000
        info.channels = 1
        info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        guard let file = sf_open(partial, Int32(SFM_WRITE), &info) else {
            throw PromptError(path: path, reason: "cannot be written (\(String(cString: sf_strerror(nil))))")
        }
        let written = samples.withUnsafeBufferPointer { sf_write_short(file, $0.baseAddress, sf_count_t($0.count)) }
        let closed = sf_close(file)
        guard written == samples.count, closed == 0, rename(partial, path) == 0 else {
            unlink(partial)
            throw PromptError(path: path, reason: "writing it failed (disk full or no permission)")
        }
    }
}
