/// A fixed-capacity FIFO of bytes: a channel's receive or transmit buffer.
struct ByteRing {
    private var storage: [UInt8]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        storage = [UInt8](repeating: 0, count: max(1, capacity))
    }

    var capacity: Int { storage.count }
    var free: Int { storage.count - count }
    var isEmpty: Bool { count == 0 }

    /// Append bytes; when full, the oldest bytes are dropped. Returns how many were dropped.
    @discardableResult
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var dropped = 0
        for b in bytes {
            if count == storage.count {
                head = (head + 1) % storage.count
                count -= 1
                dropped += 1
            }
            storage[(head + count) % storage.count] = b
            count += 1
        }
        return dropped
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { _ = append($0) }
    }

    /// Remove up to `n` bytes from the front.
    mutating func take(_ n: Int) -> [UInt8] {
        let k = min(n, count)
        var out = [UInt8](repeating: 0, count: k)
        for i in 0..<k { out[i] = storage[(head + i) % storage.count] }
        head = (head + k) % storage.count
        count -= k
        return out
    }

    /// Remove `n` bytes into `out`, filling what is missing with `fill`. Returns how many were real.
    mutating func take(into out: UnsafeMutableBufferPointer<UInt8>, fill: UInt8) -> Int {
        let k = min(out.count, count)
        for i in 0..<k { out[i] = storage[(head + i) % storage.count] }
        for i in k..<out.count { out[i] = fill }
        head = (head + k) % storage.count
        count -= k
        return k
    }

    mutating func removeAll() {
        head = 0
        count = 0
    }

    /// Change the capacity, keeping the newest bytes.
    mutating func resize(capacity: Int) {
        let kept = take(count)
        storage = [UInt8](repeating: 0, count: max(1, capacity))
        head = 0
        count = 0
        let tail = kept.suffix(storage.count)
        append(Array(tail))
    }
}
