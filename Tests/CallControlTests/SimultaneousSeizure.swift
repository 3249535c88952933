import CallControl
import Foundation
import Synchronization

/// Two ends place their calls before either reads the other's setup (IAM, SETUP): the calls
/// cross on the wire every time, as a dual seizure or glare does in the field.
final class SimultaneousSeizure: Sendable {
    let placed = Atomic<Int>(0)

    func place(on loop: SignallingLoop, _ id: CallID, _ setup: CallSetup) {
        loop.perform { [self] context in
            try? context.backends.first?.place(id, setup)
            placed.add(1, ordering: .sequentiallyConsistent)
            let deadline = Date().addingTimeInterval(5)
            while placed.load(ordering: .sequentiallyConsistent) < 2, Date() < deadline { usleep(100) }
        }
    }
}
