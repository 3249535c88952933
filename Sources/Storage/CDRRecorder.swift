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

    /// Queues an IVR step for the IVR reports, linked to its call's CDR.
    public func record(step: IVRStepRecord) {
        pending.add(.ivrStep(step))
    }

    /// Queues a line of the ACD's queue log.
    public func record(queueLog entry: QueueLogRecord) {
        pending.add(.queueLog(entry))
    }

    /// Queues an agent's state change.
    public func record(agentLog entry: AgentLogRecord) {
        pending.add(.agentLog(entry))
    }

    /// Queues a survey score.
    public func record(survey: SurveyRecord) {
        pending.add(.survey(survey))
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
        let rows = items.filter { if case .barrier = $0 { false } else { true } }
        var result = ledger
        if !rows.isEmpty {
            do {
                let (updated, failures) = try await store.pool.write { [ledger] db in
                    try Self.apply(rows, ledger, db, path: store.path)
                }
                result = updated
                failures.forEach(onProblem)
            } catch {
                onProblem(StorageError.wrapping(error, "write \(rows.count) CDR and IVR rows", path: store.path))
            }
        }
        for case let .barrier(continuation) in items { continuation.resume() }
        return result
    }

    /// Applies each item in its own savepoint, so one bad item does not undo the others.
    private static func apply(_ items: [PendingEvents.Item], _ ledger: CDRLedger, _ db: Database,
                              path: String) throws -> (CDRLedger, [StorageError]) {
        var ledger = ledger
        var failures: [StorageError] = []
        for item in items {
            let before = ledger
            do {
                try db.inSavepoint {
                    switch item {
                    case let .event(event, time): try CDRWriter.apply(event, at: time, to: &ledger, db)
                    case let .ivrStep(step): try CDRWriter.insert(step, ledger, db)
                    case let .queueLog(entry): try CDRWriter.insert(entry, ledger, db)
                    case let .agentLog(entry): try CDRWriter.insert(entry, ledger, db)
                    case let .survey(entry): try CDRWriter.insert(entry, ledger, db)
                    case .barrier: break
                    }
                    return .commit
                }
            } catch {
                ledger = before
                failures.append(StorageError.wrapping(error, "record \(Self.name(of: item))", path: path))
            }
        }
        return (ledger, failures)
    }

    private static func name(of item: PendingEvents.Item) -> String {
        switch item {
        case let .event(event, _): name(of: event)
        case let .ivrStep(step): "IVR step \(step.flow)/\(step.node) of \(step.call)"
        case let .queueLog(entry): "queue log \(entry.event) of \(entry.call) in \(entry.queue)"
        case let .agentLog(entry): "agent \(entry.agent) becoming \(entry.to)"
        case let .survey(entry): "survey score of \(entry.call)"
        case .barrier: "barrier"
        }
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
