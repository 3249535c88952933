@testable import CallControl
import Foundation
import LabTestSupport
import PSTNEngine
import Synchronization

/// The lab the analog tests run on: the engine's card (FXS port = channel 1, FXO port = 2)
/// cabled to the far side's card (FXO phone = 3, FXS central-office line = 4).
enum AnalogLab {
    static let yaml = """
    cards:
      - name: engine
        ports: [fxs, fxo]
      - name: far
        ports: [fxo, fxs]
    cables:
      - { name: station, a: engine/port1, b: far/port1 }
      - { name: co-line, a: engine/port2, b: far/port2 }
    """
    static let engineStation = 1
    static let engineTrunk = 2
    static let farPhone = 3
    static let farCentralOffice = 4
}

/// Every indication the backends of one signalling loop reported, with the backend's name.
final class IndicationLog: Sendable {
    struct Entry: Sendable {
        let backend: String
        let indication: SignallingIndication
    }

    private let entries = Mutex<[Entry]>([])

    func append(_ backend: String, _ indication: SignallingIndication) {
        entries.withLock { $0.append(Entry(backend: backend, indication: indication)) }
    }

    var all: [Entry] { entries.withLock { $0 } }

    /// Wait up to `seconds` for `backend` to report an indication `match` accepts.
    func wait<T>(for backend: String, seconds: Double = 20,
                 _ match: (SignallingIndication) -> T?) -> T? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            for entry in all where entry.backend == backend {
                if let found = match(entry.indication) { return found }
            }
            usleep(20_000)
        } while Date() < deadline
        return nil
    }

    func summary(_ backend: String) -> String {
        all.filter { $0.backend == backend }.map { "\($0.indication)" }.joined(separator: "\n  ")
    }
}

/// Failures reported from the signalling thread.
final class FailureList: Sendable {
    private let list = Mutex<[String]>([])
    func append(_ text: String) { list.withLock { $0.append(text) } }
    var all: [String] { list.withLock { $0 } }
}

/// A lab, a signalling loop with the given backends on it, and their indications.
final class AnalogLabRun {
    let lab: LabInstance
    let loop: SignallingLoop
    let log = IndicationLog()
    let failures = FailureList()

    init() throws {
        lab = try LabInstance(lab: AnalogLab.yaml)
        let log = self.log
        loop = try SignallingLoop { _, name, indication in log.append(name, indication) }
        try loop.start()
    }

    deinit {
        loop.stop()
        lab.stop()
    }

    var directory: DAHDIDirectory { lab.dahdi }

    func add(_ backend: sending any SignallingBackend) {
        let failures = self.failures
        loop.add(backend) { error in failures.append(error.description) }
    }

    /// Run `job` on the backend called `name`, on the signalling thread; errors are kept in `failures`.
    func on(_ name: String, _ job: @escaping @Sendable (any SignallingBackend) throws -> Void) {
        let failures = self.failures
        loop.perform { context in
            guard let backend = context.backend(named: name) else {
                failures.append("no backend \(name)")
                return
            }
            do {
                try job(backend)
            } catch {
                failures.append("\(error)")
            }
        }
    }

    /// The first incoming call `backend` reported.
    func incoming(on backend: String, seconds: Double = 20) -> (CallID, CallSetup)? {
        log.wait(for: backend, seconds: seconds) {
            if case let .incoming(call, _, setup) = $0 { return (call, setup) }
            return nil
        }
    }

    func answered(_ call: CallID, on backend: String, seconds: Double = 20) -> Bool {
        log.wait(for: backend, seconds: seconds) { $0 == .answered(call) ? true : nil } ?? false
    }

    /// The cause and releaser of `call`'s end as `backend` reported it.
    func released(_ call: CallID, on backend: String, seconds: Double = 20) -> (Q850Cause, SignallingIndication.Releaser)? {
        log.wait(for: backend, seconds: seconds) {
            if case let .released(c, cause, by) = $0, c == call { return (cause, by) }
            return nil
        }
    }

    /// `backend`'s channel states, read on the signalling thread.
    func channelStates(of backend: String) -> [ChannelStatus] {
        let result = Mutex<[ChannelStatus]?>(nil)
        loop.perform { context in
            let states = context.backend(named: backend)?.channelStates() ?? []
            result.withLock { $0 = states }
        }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let states = result.withLock({ $0 }) { return states }
            usleep(10_000)
        }
        return []
    }

    /// Wait until every channel of `backend` is idle.
    func becomesIdle(_ backend: String, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            let states = channelStates(of: backend)
            if !states.isEmpty, states.allSatisfy({ $0.availability == .idle }) { return true }
            usleep(50_000)
        } while Date() < deadline
        return false
    }

    func protocolErrors(on backend: String) -> [String] {
        log.all.filter { $0.backend == backend }.compactMap {
            if case let .protocolError(text) = $0.indication { return text }
            return nil
        }
    }
}
