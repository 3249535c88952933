import Foundation
import Testing

/// How many lab tests run at once. A lab test runs `dahdi-emu`, `pstnd` and `pstn-sim` in real
/// time and needs about two cores at its peaks, so by default one runs per two cores (one at a
/// time on a 2-core machine: two at once there failed a prompt match or a fax now and then);
/// tests that measure load, latency or CPU take every slot and run alone. `PSTN_LAB_PARALLEL`
/// sets the number.
public actor LabSlots {
    public static let shared = LabSlots(
        count: ProcessInfo.processInfo.environment["PSTN_LAB_PARALLEL"].flatMap(Int.init).map { max(1, min($0, 8)) }
            ?? max(1, ProcessInfo.processInfo.activeProcessorCount / 2))

    public let count: Int
    private var free: Int
    private var waiting: [(slots: Int, resume: CheckedContinuation<Void, Never>)] = []

    init(count: Int) {
        self.count = count
        free = count
    }

    /// Waits, in turn, until `slots` are free and takes them.
    func take(_ slots: Int) async {
        if waiting.isEmpty && free >= slots {
            free -= slots
            return
        }
        await withCheckedContinuation { waiting.append((slots, $0)) }
    }

    /// Gives `slots` back and wakes the waiters, first come first served: a test that needs
    /// every slot is not overtaken by later single-slot tests.
    func give(_ slots: Int) {
        free += slots
        while let first = waiting.first, free >= first.slots {
            waiting.removeFirst()
            free -= first.slots
            first.resume.resume()
        }
    }
}

/// The trait that makes every test of a lab suite hold lab slots while it runs: `.lab` one,
/// `.labAlone` all of them (for tests whose figures or deadlines the others would disturb).
public struct LabSlot: SuiteTrait, TestTrait, TestScoping {
    let alone: Bool

    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        let slots = alone ? LabSlots.shared.count : 1
        await LabSlots.shared.take(slots)
        do {
            try await function()
        } catch {
            await LabSlots.shared.give(slots)
            throw error
        }
        await LabSlots.shared.give(slots)
    }
}

extension Trait where Self == LabSlot {
    /// A lab test: runs beside at most `PSTN_LAB_PARALLEL - 1` others.
    public static var lab: LabSlot { LabSlot(alone: false) }
    /// A lab test that measures time, load or CPU: no other lab test runs meanwhile.
    public static var labAlone: LabSlot { LabSlot(alone: true) }
}
