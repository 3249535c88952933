import CallControl
import Storage
import Synchronization

/// The blocked-number list as call control consults it: a copy in memory of the store's table
/// (the screen runs on the signalling thread and must not wait for the database), refreshed
/// whenever the control socket changes the table.
final class BlockedCallers: Sendable {
    private let numbers = Mutex<[String: BlockedNumber.Action]>([:])
    /// The cause a rejected caller gets.
    let cause: Q850Cause

    init(cause: Q850Cause) { self.cause = cause }

    /// Take the list from the store.
    func load(from store: CallStore) throws(StorageError) {
        let list = try store.blockedNumbers()
        numbers.withLock { $0 = Dictionary(list.map { ($0.number, $0.action) }, uniquingKeysWith: { _, b in b }) }
    }

    var count: Int { numbers.withLock { $0.count } }

    /// The screen call control runs before routing: a blocked caller is rejected, or sent to the
    /// built-in `blocked` application that tells them so.
    var screen: CallScreen {
        CallScreen { [self] calling, _ in
            guard let calling, !calling.isEmpty, let action = numbers.withLock({ $0[calling] }) else { return nil }
            switch action {
            case .reject: return .init(destination: .reject(cause), reason: "blocked caller \(calling)")
            case .message: return .init(destination: .application(name: "blocked", argument: nil), reason: "blocked caller \(calling)")
            }
        }
    }
}
