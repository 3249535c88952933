/// A fixed-capacity FIFO for one thread: where a detector keeps what it found until the media
/// loop takes it. Allocates only at creation; when full, new entries are counted and dropped.
struct FixedRing<Element: BitwiseCopyable> {
    private let slots: UnsafeMutablePointer<Element>
    let capacity: Int
    private var head = 0
    private(set) var count = 0
    private(set) var dropped = 0

    init(capacity: Int, filler: Element) {
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: filler, count: capacity)
    }

    /// Free the storage; the owner calls this once, from its deinit.
    func release() { slots.deallocate() }

    mutating func push(_ element: Element) {
        guard count < capacity else {
            dropped += 1
            return
        }
        slots[(head + count) % capacity] = element
        count += 1
    }

    mutating func pop() -> Element? {
        guard count > 0 else { return nil }
        let e = slots[head]
        head = (head + 1) % capacity
        count -= 1
        return e
    }
}
