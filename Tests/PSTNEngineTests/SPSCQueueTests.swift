import Foundation
import PSTNEngine
import Testing

@Suite("SPSC queue")
struct SPSCQueueTests {
    @Test("keeps order, refuses when full, and empties")
    func singleThread() {
        let q = SPSCQueue<Int32>(capacity: 3, filler: 0)
        #expect(q.capacity == 4)
        #expect(q.pop() == nil)
        for i in 0..<4 { #expect(q.push(Int32(i))) }
        #expect(!q.push(99), "a full queue refuses")
        #expect(q.count == 4)
        for i in 0..<4 { #expect(q.pop() == Int32(i)) }
        #expect(q.pop() == nil)
    }

    @Test("one producer and one consumer thread pass a million values in order")
    func twoThreads() {
        let q = SPSCQueue<Int>(capacity: 256, filler: 0)
        let total = 1_000_000
        let producer = Thread {
            var i = 0
            while i < total {
                if q.push(i) { i += 1 }
            }
        }
        producer.start()
        var expected = 0
        var outOfOrder = 0
        while expected < total {
            if let v = q.pop() {
                if v != expected { outOfOrder += 1 }
                expected += 1
            }
        }
        #expect(outOfOrder == 0)
        #expect(q.pop() == nil)
    }
}
