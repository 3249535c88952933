import Synchronization

/// A fixed-capacity single-producer single-consumer ring of linear samples moved in bulk: how
/// the media thread hands audio to a file-writing worker without locking or allocating.
///
/// Exactly one thread writes and exactly one thread reads. Each side asks for the contiguous
/// regions it may use (at most two, where the ring wraps), fills or empties them in place, then
/// commits the count. Wait-free, allocation-free after creation.
public final class SampleRing: @unchecked Sendable {
    /// Samples the ring holds when full (a power of two).
    public let capacity: Int
    private let mask: Int
    private let storage: UnsafeMutablePointer<Int16>
    /// Samples read so far; written only by the consumer.
    private let head = Atomic<Int>(0)
    /// Samples written so far; written only by the producer.
    private let tail = Atomic<Int>(0)

    /// `capacity` is rounded up to a power of two (at least 2).
    public init(capacity requested: Int) {
        var size = 2
        while size < requested { size <<= 1 }
        capacity = size
        mask = size - 1
        storage = .allocate(capacity: size)
        storage.initialize(repeating: 0, count: size)
    }

    deinit { storage.deallocate() }

    /// The two regions `[start, start+count)` of a span of the ring, the second one empty
    /// unless the span wraps.
    @inline(__always)
    private func regions(start: Int, count: Int) -> (UnsafeMutableBufferPointer<Int16>, UnsafeMutableBufferPointer<Int16>) {
        let offset = start & mask
        let first = min(count, capacity - offset)
        return (UnsafeMutableBufferPointer(start: storage + offset, count: first),
                UnsafeMutableBufferPointer(start: storage, count: count - first))
    }

    /// Producer side: the free space, in order, to fill before `commitWrite`.
    @inline(__always)
    public func writableRegions() -> (UnsafeMutableBufferPointer<Int16>, UnsafeMutableBufferPointer<Int16>) {
        let t = tail.load(ordering: .relaxed)
        let h = head.load(ordering: .acquiring)
        return regions(start: t, count: capacity - (t - h))
    }

    /// Producer side: publish `count` samples written at the start of the writable regions.
    @inline(__always)
    public func commitWrite(_ count: Int) {
        tail.store(tail.load(ordering: .relaxed) + count, ordering: .releasing)
    }

    /// Consumer side: the waiting samples, oldest first, to use before `commitRead`.
    @inline(__always)
    public func readableRegions() -> (UnsafeBufferPointer<Int16>, UnsafeBufferPointer<Int16>) {
        let h = head.load(ordering: .relaxed)
        let t = tail.load(ordering: .acquiring)
        let (a, b) = regions(start: h, count: t - h)
        return (UnsafeBufferPointer(a), UnsafeBufferPointer(b))
    }

    /// Consumer side: release `count` samples taken from the start of the readable regions.
    @inline(__always)
    public func commitRead(_ count: Int) {
        head.store(head.load(ordering: .relaxed) + count, ordering: .releasing)
    }

    /// Producer side: copy as many of `samples` as fit; returns how many were taken.
    @discardableResult
    public func write(_ samples: UnsafeBufferPointer<Int16>) -> Int {
        let (a, b) = writableRegions()
        let n = min(samples.count, a.count + b.count)
        guard n > 0, let source = samples.baseAddress else { return 0 }
        let first = min(n, a.count)
        a.baseAddress!.update(from: source, count: first)
        if n > first { b.baseAddress!.update(from: source + first, count: n - first) }
        commitWrite(n)
        return n
    }

    /// Consumer side: copy up to `output.count` waiting samples out; returns how many.
    public func read(into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let (a, b) = readableRegions()
        let n = min(output.count, a.count + b.count)
        guard n > 0, let target = output.baseAddress else { return 0 }
        let first = min(n, a.count)
        target.update(from: a.baseAddress!, count: first)
        if n > first { (target + first).update(from: b.baseAddress!, count: n - first) }
        commitRead(n)
        return n
    }

    /// Samples waiting now (exact only on the producer or consumer thread, approximate elsewhere).
    public var count: Int { tail.load(ordering: .acquiring) - head.load(ordering: .acquiring) }
}
