import Synchronization

/// A fixed-capacity single-producer single-consumer queue: how other layers hand commands to a
/// media thread and how it hands events back. Wait-free, allocation-free after creation.
///
/// Exactly one thread may push and exactly one thread may pop. Elements are plain values
/// (`BitwiseCopyable`) so that moving them never allocates or retains.
public final class SPSCQueue<Element: BitwiseCopyable>: @unchecked Sendable {
    public let capacity: Int
    private let mask: Int
    private let slots: UnsafeMutablePointer<Element>
    /// Next slot to read; written only by the consumer.
    private let head = Atomic<Int>(0)
    /// Next slot to write; written only by the producer.
    private let tail = Atomic<Int>(0)

    /// `capacity` is rounded up to a power of two (at least 2).
    public init(capacity requested: Int, filler: Element) {
        var size = 2
        while size < requested { size <<= 1 }
        capacity = size
        mask = size - 1
        slots = .allocate(capacity: size)
        slots.initialize(repeating: filler, count: size)
    }

    deinit { slots.deallocate() }

    /// Producer side: append, or return false when the queue is full.
    @discardableResult
    public func push(_ element: Element) -> Bool {
        let t = tail.load(ordering: .relaxed)
        let h = head.load(ordering: .acquiring)
        guard t - h < capacity else { return false }
        slots[t & mask] = element
        tail.store(t + 1, ordering: .releasing)
        return true
    }

    /// Consumer side: take the oldest element, or nil when empty.
    public func pop() -> Element? {
        let h = head.load(ordering: .relaxed)
        let t = tail.load(ordering: .acquiring)
        guard h < t else { return nil }
        let element = slots[h & mask]
        head.store(h + 1, ordering: .releasing)
        return element
    }

    /// Elements waiting now (exact only on the consumer or producer thread, approximate elsewhere).
    public var count: Int { tail.load(ordering: .acquiring) - head.load(ordering: .acquiring) }
}
