import Foundation

/// A RIFF file opened for repair: positioned little-endian reads and writes that fail with a
/// `RecordingError` saying what was attempted, never by trapping.
struct RIFFFile {
    let descriptor: Int32
    let path: String
    /// The file's real length in bytes.
    let length: Int

    static let operation = "repair WAV"

    /// Open `path` for reading and writing; only regular files are accepted.
    static func open(_ path: String) throws(RecordingError) -> RIFFFile {
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, "cannot open it for reading and writing: \(String(cString: strerror(errno)))") }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw failure(path, "cannot stat it: \(reason)")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            Glibc.close(fd)
            throw failure(path, "not a regular file")
        }
        return RIFFFile(descriptor: fd, path: path, length: Int(status.st_size))
    }

    func close() { Glibc.close(descriptor) }

    static func failure(_ path: String, _ reason: String) -> RecordingError {
        RecordingError(operation: operation, path: path, reason: reason)
    }

    func failure(_ reason: String) -> RecordingError { Self.failure(path, reason) }

    /// Exactly `count` bytes at `offset`.
    func bytes(at offset: Int, count: Int) throws(RecordingError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset + count <= length else {
            throw failure("\(count) bytes at offset \(offset) lie beyond the end of the file (\(length) bytes)")
        }
        var buffer = [UInt8](repeating: 0, count: count)
        let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
        guard read == count else {
            let reason = read < 0 ? String(cString: strerror(errno)) : "got \(read) bytes"
            throw failure("reading \(count) bytes at offset \(offset) failed: \(reason)")
        }
        return buffer
    }

    func uint32(at offset: Int) throws(RecordingError) -> UInt32 {
        Self.uint32(try bytes(at: offset, count: 4), 0)
    }

    /// Write `value` little-endian at `offset`, unless it is already there.
    func setUInt32(_ value: UInt32, at offset: Int) throws(RecordingError) {
        guard try uint32(at: offset) != value else { return }
        var little = value.littleEndian
        let written = withUnsafeBytes(of: &little) { pwrite(descriptor, $0.baseAddress, 4, off_t(offset)) }
        guard written == 4 else {
            let reason = written < 0 ? String(cString: strerror(errno)) : "wrote \(written) bytes"
            throw failure("writing the size at offset \(offset) failed: \(reason)")
        }
    }

    static func uint32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    static func uint16(_ b: [UInt8], _ at: Int) -> Int {
        Int(b[at]) | Int(b[at + 1]) << 8
    }

    /// A four-character code, printable or as hex.
    static func fourCC(_ b: [UInt8], _ at: Int) -> String {
        let code = b[at..<(at + 4)]
        return isChunkID(code) ? String(decoding: code, as: UTF8.self) : code.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether four bytes look like a chunk id (printable ASCII), as opposed to audio or garbage.
    static func isChunkID(_ code: ArraySlice<UInt8>) -> Bool {
        code.count == 4 && code.allSatisfy { (0x20...0x7E).contains($0) }
    }
}
