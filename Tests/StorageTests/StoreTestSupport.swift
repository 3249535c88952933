@testable import CallControl
import Foundation
import Storage
import Synchronization

/// A fresh directory for one test's store, removed when the test is done with it.
final class ScratchDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "storage-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    var storePath: String { path + "/calls.db" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// What a recorder reported as not written.
final class ProblemLog: Sendable {
    private let problems = Mutex<[StorageError]>([])
    var all: [StorageError] { problems.withLock { $0 } }
    func add(_ problem: StorageError) { problems.withLock { $0.append(problem) } }
}

/// Legs as call control makes them, with the transitions it would apply.
enum Legs {
    static func inbound(calling: String? = "5551234", called: String = "2000", backend: String = "span1",
                        channel: Int? = 1, at time: Double = 1_000) -> CallLeg {
        CallLeg(id: CallID.next(), backend: backend, trunkGroup: "pri-in", direction: .inbound, channel: channel,
                setup: CallSetup(calling: calling.map { PartyNumber($0, type: .national) },
                                 called: PartyNumber(called, type: .subscriber)),
                at: WallTime(secondsSince1970: time))
    }

    static func outbound(called: String, backend: String = "span2", at time: Double = 1_001) -> CallLeg {
        CallLeg(id: CallID.next(), backend: backend, trunkGroup: "pri-out", direction: .outbound, channel: 33,
                setup: CallSetup(calling: PartyNumber("2000"), called: PartyNumber(called)),
                at: WallTime(secondsSince1970: time))
    }

    static func released(_ leg: CallLeg, cause: Q850Cause = .normalClearing,
                         by: SignallingIndication.Releaser = .remote, answeredAt: Double? = nil,
                         at time: Double) -> CallLeg {
        var leg = leg
        if let answeredAt { try? leg.answered(at: WallTime(secondsSince1970: answeredAt)) }
        leg.released(cause: cause, by: by, at: WallTime(secondsSince1970: time))
        return leg
    }
}

extension CallStore {
    /// Opens, runs `body` with a recorder, waits for its writes, stops it and closes the store.
    static func recording(at path: String, problems: ProblemLog = ProblemLog(),
                          _ body: (CDRRecorder) -> Void) async throws -> CallStore {
        let store = try CallStore.open(at: path)
        let recorder = CDRRecorder(store: store) { problems.add($0) }
        body(recorder)
        await recorder.stop()
        return store
    }
}
