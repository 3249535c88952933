/// Fixing recordings a crash left behind.
public enum RecordingRepair {
    /// Fix a WAV (RIFF) file's RIFF and data chunk sizes from its real length after a crash:
    /// RIFF size = file length - 8, data size = the bytes after the data chunk header rounded
    /// down to whole frames (unless the header's size is consistent with whole chunks following
    /// the audio, as in a file that was closed properly), and the fact chunk's frame count.
    /// Returns the frames now readable. Refuses non-RIFF, non-WAVE and malformed files.
    public static func repairWAV(path: String) throws(RecordingError) -> Int {
        let file = try RIFFFile.open(path)
        defer { file.close() }
        let layout = try WAVChunkLayout.scan(file)
        guard file.length - 8 <= Int(UInt32.max) else {
            throw file.failure("\(file.length) bytes is too large for RIFF's 32-bit sizes")
        }
        let available = file.length - layout.dataStart
        let declared = layout.declaredDataSize
        let dataSize: Int
        if declared <= available,
           WAVChunkLayout.chunksFill(file, from: layout.dataStart + declared + (declared & 1)) {
            dataSize = declared
        } else {
            dataSize = available - available % layout.blockAlign
        }
        let frames = dataSize / layout.blockAlign
        try file.setUInt32(UInt32(file.length - 8), at: 4)
        try file.setUInt32(UInt32(dataSize), at: layout.dataSizeOffset)
        if let fact = layout.factCountOffset {
            try file.setUInt32(UInt32(clamping: frames), at: fact)
        }
        return frames
    }
}
