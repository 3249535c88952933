import CDAHDI
import Glibc

/// A `timer` device instance: fires every `interval` samples of the DAHDI clock.
final class EmulatedTimer {
    var intervalMs = 0
    var elapsedMs = 0
    var expirations = 0
    var pinged = false
    var pollWaiter: PollWaiter?

    func tick() {
        guard intervalMs > 0 else { return }
        elapsedMs += 1
        if elapsedMs >= intervalMs {
            elapsedMs = 0
            expirations += 1
            notifyPoll()
        }
    }

    var pollMask: Int16 { (expirations > 0 || pinged) ? Int16(POLLPRI) : 0 }

    func notifyPoll() {
        if let waiter = pollWaiter, pollMask & waiter.events != 0 {
            pollWaiter = nil
            waiter.notify()
        }
    }
}

/// What a client opened.
enum HandleTarget {
    case control
    /// `channel` before `DAHDI_SPECIFY` (nil) or after; per-channel nodes and `pseudo` are bound at open.
    case channel(EmulatedChannel?)
    case timer(EmulatedTimer)
}

/// One open file of a client.
final class EmulatorHandle {
    let id: UInt64
    var target: HandleTarget
    let isPseudo: Bool

    init(id: UInt64, target: HandleTarget, isPseudo: Bool) {
        self.id = id
        self.target = target
        self.isPseudo = isPseudo
    }

    var channel: EmulatedChannel? {
        if case let .channel(c) = target { return c }
        return nil
    }
}
