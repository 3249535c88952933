import CMediaKernels
import Testing

/// The media loop prefetches each canceller's history before its chunk: the ranges it asks for
/// must hold every sample the chunk writes (both copies in the mirrored ring) and every window
/// the kernels then read, at every position of the ring, including the chunks that wrap it.
@Suite struct EchoPrefetchTests {
    @Test(arguments: [128, 512, 1024], [1, 8, 80, 160])
    func windowCoversTheChunk(taps: Int, chunk: Int) {
        let ring = taps + Int(CMK_ECHO_OLDER)
        let reach = taps + 3
        var ec = cmk_echo()
        ec.taps = Int32(taps)
        for position in 0..<ring {
            ec.position = Int32(position)
            var ranges = [Int32](repeating: -1, count: 4)
            let count = Int(cmk_echo_next_window(&ec, Int32(chunk), &ranges))
            #expect((1...2).contains(count))
            let bounds = (0..<count).map { (Int(ranges[2 * $0]), Int(ranges[2 * $0 + 1])) }
            guard bounds.allSatisfy({ $0.0 >= 0 && $0.0 <= $0.1 && $0.1 <= 2 * ring }) else {
                Issue.record("position \(position): ranges \(bounds) are not inside the mirrored ring of \(2 * ring)")
                continue
            }
            let spans = bounds.map { $0.0..<$0.1 }
            // Sample i of the chunk goes to slot (position - i) mod ring, written there and at
            // slot + ring, and the kernels read `reach` samples up from the slot: count, per index
            // of the mirrored ring, the reads and writes that touch it and the prefetched ranges
            // that hold it (difference arrays, then running sums).
            var read = [Int](repeating: 0, count: 2 * ring + 1)
            var held = [Int](repeating: 0, count: 2 * ring + 1)
            // The first insertion also reads the sample that was newest, at the old position.
            read[position] += 1
            read[position + 1] -= 1
            for i in 1...chunk {
                let slot = ((position - i) % ring + ring) % ring
                read[slot] += 1
                read[slot + reach] -= 1
                read[slot + ring] += 1
                read[slot + ring + 1] -= 1
            }
            for span in spans where span.lowerBound >= 0 && span.upperBound <= 2 * ring {
                held[span.lowerBound] += 1
                held[span.upperBound] -= 1
            }
            var uncovered = 0, reading = 0, holding = 0
            for index in 0..<(2 * ring) {
                reading += read[index]
                holding += held[index]
                if reading > 0, holding == 0 { uncovered += 1 }
            }
            #expect(uncovered == 0, "taps \(taps), chunk \(chunk), position \(position): \(uncovered) samples read but not prefetched")
            let asked = spans.reduce(0) { $0 + $1.count }
            #expect(asked <= min(chunk, ring) + ring + (count == 2 ? ring : 0), "position \(position): \(asked) samples asked for")
        }
    }
}
