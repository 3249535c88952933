import Foundation
import PSTNEngine

/// Finds where a prompt was heard in a recording, by correlation: a coarse search on 10 ms
/// energy envelopes, then the normalised cross-correlation of the samples around the best
/// envelope match. Lab tests use it to tell which prompt a caller heard.
public enum PromptMatcher {
    public struct Match: Sendable, CustomStringConvertible {
        /// Where the prompt starts in the recording, in samples (negative: before the recording did).
        public let offset: Int
        /// Normalised cross-correlation of the samples there (1 is identical).
        public let correlation: Double
        public var description: String { String(format: "at %.2f s, correlation %.3f", Double(offset) / 8000, correlation) }
    }

    static let frame = 80

    /// The best place `prompt` occurs in `recording`, judged on a stretch of about a second taken
    /// from the prompt's start, or a little later in it when the recording began after the prompt.
    public static func find(_ prompt: [Int16], in recording: [Int16], window: Int = 8000) -> Match? {
        guard prompt.count >= 800, recording.count >= 800 else { return nil }
        let r = envelope(recording[...])
        // The best envelope matches of a few stretches of the prompt, each checked on the samples.
        var coarse: [(score: Double, frame: Int, start: Int)] = []
        for start in stride(from: 0, through: max(0, prompt.count - 2400), by: 2000).prefix(6) {
            let length = min(window, prompt.count - start, recording.count)
            let t = envelope(prompt[start..<(start + length)])
            guard t.count >= 10, r.count >= t.count else { continue }
            var scores: [(Double, Int)] = []
            for f in 0...(r.count - t.count) { scores.append((correlation(t[...], r[f..<(f + t.count)]), f)) }
            for (score, f) in scores.sorted(by: { $0.0 > $1.0 }).prefix(3) { coarse.append((score, f, start)) }
        }
        var best: Match?
        for candidate in coarse.sorted(by: { $0.score > $1.score }).prefix(8) {
            let length = min(window, prompt.count - candidate.start, recording.count)
            let template = prompt[candidate.start..<(candidate.start + length)]
            let center = candidate.frame * frame
            for at in max(0, center - frame)...min(recording.count - length, center + frame) {
                let c = correlation(template, recording[at..<(at + length)])
                if best == nil || c > best!.correlation { best = Match(offset: at - candidate.start, correlation: c) }
            }
        }
        return best
    }

    /// Which of `candidates` (name -> samples) `recording` holds best, with its match.
    public static func identify(_ recording: [Int16], among candidates: [String: [Int16]]) -> (name: String, match: Match)? {
        var best: (String, Match)?
        for (name, samples) in candidates.sorted(by: { $0.key < $1.key }) {
            guard let m = find(samples, in: recording) else { continue }
            if best == nil || m.correlation > best!.1.correlation { best = (name, m) }
        }
        return best.map { (name: $0.0, match: $0.1) }
    }

    /// The samples of a WAV file, or empty when it cannot be read.
    public static func samples(_ path: String) -> [Int16] {
        (try? Prompt.load(path: path).samples) ?? []
    }

    static func envelope(_ x: ArraySlice<Int16>) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(x.count / frame)
        var i = x.startIndex
        while i + frame <= x.endIndex {
            var sum = 0.0
            for j in i..<(i + frame) { sum += Double(x[j]) * Double(x[j]) }
            out.append(log10(sum / Double(frame) + 1))
            i += frame
        }
        return out
    }

    static func correlation(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
        let n = Double(a.count)
        var sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0
        for (x, y) in zip(a, b) {
            sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y
        }
        let da = saa - sa * sa / n, db = sbb - sb * sb / n
        return da > 0 && db > 0 ? (sab - sa * sb / n) / (da * db).squareRoot() : 0
    }

    static func correlation(_ a: ArraySlice<Int16>, _ b: ArraySlice<Int16>) -> Double {
        let n = Double(a.count)
        var sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0
        var i = a.startIndex, j = b.startIndex
        while i < a.endIndex {
            let x = Double(a[i]), y = Double(b[j])
            sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y
            i += 1
            j += 1
        }
        let da = saa - sa * sa / n, db = sbb - sb * sb / n
        return da > 0 && db > 0 ? (sab - sa * sb / n) / (da * db).squareRoot() : 0
    }
}
