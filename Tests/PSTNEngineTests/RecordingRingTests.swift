import Foundation
import PSTNEngine
import Testing

@Suite("Recording ring: bulk SPSC samples")
struct RecordingRingTests {
    @Test("wraps, refuses what does not fit, and returns samples in order")
    func singleThread() {
        let ring = SampleRing(capacity: 5)
        #expect(ring.capacity == 8)
        var out = [Int16](repeating: 0, count: 16)
        let a: [Int16] = [1, 2, 3, 4, 5, 6]
        #expect(a.withUnsafeBufferPointer { ring.write($0) } == 6)
        #expect(out.withUnsafeMutableBufferPointer { ring.read(into: UnsafeMutableBufferPointer(rebasing: $0[0..<4])) } == 4)
        let b: [Int16] = [7, 8, 9, 10, 11, 12, 13]
        #expect(b.withUnsafeBufferPointer { ring.write($0) } == 6, "only the free space is taken")
        let (first, second) = ring.readableRegions()
        #expect(first.count == 4 && second.count == 4, "the waiting samples wrap")
        #expect(out.withUnsafeMutableBufferPointer { ring.read(into: $0) } == 8)
        #expect(Array(out.prefix(8)) == [5, 6, 7, 8, 9, 10, 11, 12])
        #expect(ring.count == 0)
    }

    @Test("a producer and a consumer thread pass two million samples in order")
    func twoThreads() {
        let ring = SampleRing(capacity: 1000)
        let total = 2_000_000
        let producer = Thread {
            var next = 0
            var chunk = [Int16](repeating: 0, count: 160)
            while next < total {
                let n = min(160, total - next)
                for i in 0..<n { chunk[i] = Int16(truncatingIfNeeded: next + i) }
                next += chunk.withUnsafeBufferPointer { ring.write(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            }
        }
        producer.start()
        var expected = 0
        var wrong = 0
        var buffer = [Int16](repeating: 0, count: 333)
        while expected < total {
            let n = buffer.withUnsafeMutableBufferPointer { ring.read(into: $0) }
            for i in 0..<n where buffer[i] != Int16(truncatingIfNeeded: expected + i) { wrong += 1 }
            expected += n
        }
        #expect(wrong == 0)
        #expect(ring.count == 0)
    }
}
