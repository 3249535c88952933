import Testing
@testable import Daemon

@Suite("A scheduler loop's pause")
struct LoopWakeupTests {
    static func elapsed(_ body: () async -> Void) async -> Duration {
        let start = ContinuousClock.now
        await body()
        return ContinuousClock.now - start
    }

    @Test("waits that time out keep pausing: ten of 50 ms take half a second, not nothing")
    func timeouts() async {
        let wake = LoopWakeup()
        let took = await Self.elapsed { for _ in 0..<10 { await wake.wait(upTo: .milliseconds(50)) } }
        #expect(took >= .milliseconds(480), "\(took)")
    }

    @Test("a signal ends a wait at once; one sent while nobody waits is kept for the next wait, once")
    func signals() async {
        let wake = LoopWakeup()
        wake.signal()
        #expect(await Self.elapsed { await wake.wait(upTo: .seconds(5)) } < .seconds(1))
        #expect(await Self.elapsed { await wake.wait(upTo: .milliseconds(100)) } >= .milliseconds(90), "the signal was used up")
        Task {
            try? await Task.sleep(for: .milliseconds(50))
            wake.signal()
        }
        #expect(await Self.elapsed { await wake.wait(upTo: .seconds(5)) } < .seconds(2))
    }
}
