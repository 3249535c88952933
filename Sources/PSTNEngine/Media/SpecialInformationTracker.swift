/// The ITU-T E.180 special information tone: 950, 1400 and 1800 Hz in turn, each 274 to 400 ms
/// (250 to 425 ms accepted). Follows which of the three each block holds; inline storage only.
struct SpecialInformationTracker {
    /// Which of the three frequencies the current run holds (-1: none), and for how long.
    private var current = -1
    private var run = 0
    /// The last three completed runs of a frequency, oldest first: which one, and ms.
    private var which = SIMD4<Int32>()
    private var lengths = SIMD4<Int32>()
    private var count = 0
    private var reported = false

    /// Take one block's dominant SIT frequency (0, 1, 2, or -1 for none); true when the tone has
    /// just been recognised (once per detector).
    mutating func update(holding frequency: Int, milliseconds: Int) -> Bool {
        if frequency == current {
            run += milliseconds
            return false
        }
        if current >= 0 {
            if count == 3 {
                which = SIMD4(which[1], which[2], 0, 0)
                lengths = SIMD4(lengths[1], lengths[2], 0, 0)
                count = 2
            }
            which[count] = Int32(current)
            lengths[count] = Int32(clamping: run)
            count += 1
        }
        current = frequency
        run = milliseconds
        guard frequency < 0, count == 3 else { return false }
        let inOrder = which[0] == 0 && which[1] == 1 && which[2] == 2
        var found = false
        if inOrder && !reported && (0..<3).allSatisfy({ (250...425).contains(lengths[$0]) }) {
            reported = true
            found = true
        }
        if !inOrder { count = 0 }
        return found
    }
}
