/// Splits a byte stream into newline-terminated lines no longer than `limit` bytes. A line over
/// the limit is reported once and its remaining bytes discarded up to its newline, so one bad
/// request costs the client one error, not its connection.
public struct LineFramer: Sendable {
    public let limit: Int
    private var buffer: [UInt8] = []
    private var discarding = false

    public init(limit: Int) { self.limit = limit }

    /// What one chunk of input produced, in order.
    public enum Piece: Sendable, Equatable {
        case line([UInt8])
        case tooLong
    }

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Piece] {
        var out: [Piece] = []
        for b in bytes {
            if b == 0x0A {
                if discarding {
                    discarding = false
                } else {
                    if buffer.last == 0x0D { buffer.removeLast() }
                    if !buffer.isEmpty { out.append(.line(buffer)) }
                }
                buffer.removeAll(keepingCapacity: true)
                continue
            }
            if discarding { continue }
            buffer.append(b)
            if buffer.count > limit {
                buffer.removeAll(keepingCapacity: true)
                discarding = true
                out.append(.tooLong)
            }
        }
        return out
    }
}
