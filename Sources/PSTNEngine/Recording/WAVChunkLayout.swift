/// Where the sizes of a RIFF/WAVE file live, found by walking its chunk list (fmt, fact, LIST,
/// anything else) up to the data chunk.
struct WAVChunkLayout {
    /// Bytes per frame, from the fmt chunk.
    let blockAlign: Int
    /// Offset of the fact chunk's frame count, when there is one (non-PCM formats).
    let factCountOffset: Int?
    /// Offset of the data chunk's size field; the audio follows it.
    let dataSizeOffset: Int
    var dataStart: Int { dataSizeOffset + 4 }
    /// The data size the header claims (stale after a crash).
    let declaredDataSize: Int

    /// Walk `file`'s chunks; refuses anything that is not a RIFF/WAVE file with a fmt chunk
    /// followed by a data chunk, and any chunk before the data claiming more than the file holds.
    static func scan(_ file: RIFFFile) throws(RecordingError) -> WAVChunkLayout {
        guard file.length > 0 else { throw file.failure("the file is empty") }
        guard file.length >= 12 else { throw file.failure("\(file.length) bytes is too short for a RIFF header") }
        let header = try file.bytes(at: 0, count: 12)
        guard RIFFFile.fourCC(header, 0) == "RIFF" else {
            throw file.failure("not a RIFF file (it starts with \(RIFFFile.fourCC(header, 0)))")
        }
        guard RIFFFile.fourCC(header, 8) == "WAVE" else {
            throw file.failure("a RIFF file, but of form \(RIFFFile.fourCC(header, 8)), not WAVE")
        }
        var offset = 12
        var blockAlign: Int?
        var factCountOffset: Int?
        while offset + 8 <= file.length {
            let chunk = try file.bytes(at: offset, count: 8)
            guard RIFFFile.isChunkID(chunk[0..<4]) else {
                throw file.failure("no chunk header at offset \(offset) (found \(RIFFFile.fourCC(chunk, 0)))")
            }
            let id = RIFFFile.fourCC(chunk, 0)
            let size = Int(RIFFFile.uint32(chunk, 4))
            if id == "data" {
                guard let blockAlign else {
                    throw file.failure("the data chunk at offset \(offset) comes before any fmt chunk")
                }
                return WAVChunkLayout(blockAlign: blockAlign, factCountOffset: factCountOffset,
                                      dataSizeOffset: offset + 4, declaredDataSize: size)
            }
            let end = offset + 8 + size
            guard end <= file.length else {
                throw file.failure("chunk '\(id)' at offset \(offset) claims \(size) bytes but the file ends \(file.length - offset - 8) bytes later")
            }
            if id == "fmt " {
                guard size >= 16 else { throw file.failure("the fmt chunk is \(size) bytes, shorter than 16") }
                let body = try file.bytes(at: offset + 8, count: 16)
                let channels = RIFFFile.uint16(body, 2)
                let align = RIFFFile.uint16(body, 12)
                guard channels > 0, align > 0 else {
                    throw file.failure("the fmt chunk gives \(channels) channels and \(align) bytes per frame")
                }
                blockAlign = align
            } else if id == "fact", size >= 4 {
                factCountOffset = offset + 8
            }
            offset = end + (size & 1)
        }
        throw file.failure("no data chunk (the chunk list stops at offset \(offset) of \(file.length) bytes)")
    }

    /// Whether the bytes from `offset` to the end of the file are whole chunks (as when a
    /// closed file has a LIST chunk after its audio), rather than audio written after the
    /// header was last updated.
    static func chunksFill(_ file: RIFFFile, from offset: Int) -> Bool {
        var at = offset
        while at < file.length {
            guard at + 8 <= file.length, let chunk = try? file.bytes(at: at, count: 8),
                  RIFFFile.isChunkID(chunk[0..<4]) else { return false }
            let end = at + 8 + Int(RIFFFile.uint32(chunk, 4))
            guard end <= file.length else { return false }
            at = end + (end - at) % 2
        }
        return true
    }
}
