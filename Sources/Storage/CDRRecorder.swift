import CallControl
import GRDB

/// Writes the CDR rows and the event log of every call from the `CallEvent`s call control
/// reports. `record` only stamps the time and queues the event, so it can be called from the
/// signalling thread; a writer task applies what is queued in one transaction per batch.
///
/// A write that fails (disk full, a leg never opened) loses only that event; it is passed to
/// `onProblem` with what was being recorded.
public final class CDRRecorder: Sendable {
    private let pending = PendingEvents()
    private let writer: Task<Void, Never>

    public init(store: CallStore, onProblem: @escaping @Sendable (StorageError) -> Void = { _ in }) {
        let pending = self.pending
        writer = Task.detached {
            var ledger = CDRLedger(runID: store.runID)
            for await _ in pending.signals {
                ledger = await Self.write(pending.takeAll(), ledger, store, onProblem)
            }
            ledger = await Self.write(pending.takeAll(), ledger, store, onProblem)
        }
    }

    /// Queues an event, stamped with the time it was reported. Never blocks on the database.
    public func record(_ event: CallEvent) {
        pending.add(.event(event, at: .now()))
    }

    /// Returns once every event recorded before the call is written (or has failed).
    public func flush() async {
        await withCheckedContinuation { continuation in
            if !pending.add(.barrier(continuation)) { continuation.resume() }
        }
    }

    /// Writes what is queued and stops; later events are dropped. Call before closing the store.
    public func stop() async {
        pending.stop()
        await writer.value
    }

    private static func write(_ items: [PendingEvents.Item], _ ledger: CDRLedger, _ store: CallStore,
                              _ onProblem: @Sendable (StorageError) -> Void) async -> CDRLedger {
        guard !items.isEmpty else { return ledger }
        let events = items.compactMap { item -> (CallEvent, WallTime)? in
            if case let .event(event, time) = item { return (event, time) } else { return nil }
        }
        var result = ledger
        if !events.isEmpty {
            do {
                let (updated, failures) = try await store.pool.write { [ledger] db in
                    try Self.apply(events, ledger, db, path: store.path)
                }
                result = updated
                failures.forEach(onProblem)
            } catch {
                onProblem(StorageError.wrapping(error, "write CDR rows for \(events.count) call events", path: store.path))
            }
        }
        for case let .barrier(continuation) in items { continuation.resume() }
        return result
    }

    /// Applies each event in its own savepoint, so one bad event does not undo the others.
    private static func apply(_ events: [(CallEvent, WallTime)], _ ledger: CDRLedger, _ db: Database,
                              path: String) throws -> (CDRLedger, [StorageError]) {
        var ledger = ledger
        var failures: [StorageError] = []
        for (event, time) in events {
            let before = ledger
            do {
                try db.inSavepoint {
                    try CDRWriter.apply(event, at: time, to: &ledger, db)
                    return .commit
                }
            } catch {
                ledger = before
                failures.append(StorageError.wrapping(error, "record \(Self.name(of: event))", path: path))
            }
        }
        return (ledger, failures)
    }

    private static func name(of event: CallEvent) -> String {
        switch event {
        case let .offered(leg): "offer of \(leg.id)"
        case let .placed(leg, _): "placement of \(leg.id)"
        case let .released(leg): "release of \(leg.id)"
        default: EventLogEntry(event).map { "\($0.kind) of \($0.leg)" } ?? "event"
        }
    }
}
