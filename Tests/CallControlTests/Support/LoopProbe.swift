import CallControl
import Foundation
import Synchronization

/// What one signalling thread's backend reported, in order, for a test to wait on.
final class IndicationRecorder: @unchecked Sendable {
    private let seen = Mutex<[SignallingIndication]>([])
    func add(_ i: SignallingIndication) { seen.withLock { $0.append(i) } }
    var all: [SignallingIndication] { seen.withLock { $0 } }

    /// Wait until an indication matches; returns it.
    func wait(_ seconds: Double = 10, _ match: (SignallingIndication) -> Bool) -> SignallingIndication? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if let hit = all.first(where: match) { return hit }
            usleep(10_000)
        } while Date() < deadline
        return nil
    }
}

/// Reaching the single backend of a test's signalling thread, on that thread.
extension SignallingLoop {
    /// The backend's channels as it sees them now.
    func backendStates() -> [ChannelStatus] {
        let result = Mutex<[ChannelStatus]?>(nil)
        perform { ctx in
            let s = ctx.backends.first?.channelStates() ?? []
            result.withLock { $0 = s }
        }
        while result.withLock({ $0 }) == nil { usleep(1000) }
        return result.withLock { $0! }
    }

    func idleChannels() -> Int { backendStates().filter { $0.availability == .idle }.count }

    /// Run `body` on the backend, on its thread, and wait for it.
    func onBackend(_ body: @escaping @Sendable (any SignallingBackend) throws(CallControlError) -> Void) throws {
        let done = Mutex<Result<Void, CallControlError>?>(nil)
        perform { ctx in
            guard let b = ctx.backends.first else { return }
            let r: Result<Void, CallControlError>
            do throws(CallControlError) { try body(b); r = .success(()) } catch { r = .failure(error) }
            done.withLock { $0 = r }
        }
        while done.withLock({ $0 }) == nil { usleep(1000) }
        try done.withLock { $0! }.get()
    }
}
