import Synchronization

/// The loop's way out: events for the owner, and objects the loop is done with (play and tone
/// requests, recordings) for the owner to release, so no deallocation happens on the hot path.
final class MediaEventSink: @unchecked Sendable {
    let group: Int32
    let events: SPSCQueue<MediaEvent>
    let retired: SPSCQueue<Unmanaged<AnyObject>>
    /// Events lost because the owner was not reading.
    let droppedEvents = Atomic<Int>(0)
    private let placeholder = Placeholder()

    private final class Placeholder {}

    init(group: Int, capacity: Int) {
        self.group = Int32(truncatingIfNeeded: group)
        events = SPSCQueue(capacity: capacity, filler: MediaEvent(channel: -1, kind: .deadlineMissed(total: 0)))
        retired = SPSCQueue(capacity: capacity, filler: Unmanaged.passUnretained(placeholder))
    }

    func post(_ channel: Int32, _ kind: MediaEvent.Kind) {
        if !events.push(MediaEvent(channel: channel, kind: kind, group: group)) {
            droppedEvents.add(1, ordering: .relaxed)
        }
    }

    /// Hand an object back for release. The retire queue is as long as the event queue and the
    /// owner drains both together; if it is full anyway the object is leaked rather than freed here.
    func retire(_ object: Unmanaged<AnyObject>) {
        _ = retired.push(object)
    }

    /// Owner side: release what the loop handed back.
    func releaseRetired() {
        while let object = retired.pop() { object.release() }
    }
}
