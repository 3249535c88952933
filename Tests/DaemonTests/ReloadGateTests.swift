import Synchronization
import Testing
@testable import Daemon

@Suite("One reload at a time")
struct ReloadGateTests {
    /// What the reloads did, in order.
    final class Trace: Sendable {
        private let lines = Mutex<[String]>([])
        func add(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    @Test("reloads that come together run one after another, in the order they came, each with its own result")
    func serialised() async {
        let gate = ReloadGate()
        let trace = Trace()
        let results = await withTaskGroup(of: (Int, String).self) { group in
            for n in 0..<4 {
                group.addTask {
                    // Later reloads ask a little later, so the order they came in is known.
                    try? await Task.sleep(for: .milliseconds(20 * n))
                    return (n, await gate.run {
                        trace.add("start \(n)")
                        try? await Task.sleep(for: .milliseconds(100))  // a reload waits midway (the ACD, prompts)
                        trace.add("end \(n)")
                        return "reload \(n)"
                    })
                }
            }
            var all: [Int: String] = [:]
            for await (n, result) in group { all[n] = result }
            return all
        }
        #expect(trace.all == (0..<4).flatMap { ["start \($0)", "end \($0)"] }, "\(trace.all)")
        #expect(results == [0: "reload 0", 1: "reload 1", 2: "reload 2", 3: "reload 3"])
    }

    @Test("after a reload the gate is open again")
    func reopens() async {
        let gate = ReloadGate()
        #expect(await gate.run { 1 } == 1)
        #expect(await gate.run { 2 } == 2, "a second reload alone does not wait for ever")
    }
}
