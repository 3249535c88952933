import Foundation
import PSTNEngine

/// Nanoseconds on the monotonic clock.
func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Speech-band-ish test audio: a deterministic noise the blocks cannot shortcut.
func testAudio(count: Int, seed: UInt64) -> [Int16] {
    var state = seed | 1
    var smooth = 0.0
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        smooth += 0.6 * (Double(Int64(bitPattern: state) >> 50) - smooth)
        return Int16(clamping: Int(smooth))
    }
}

/// Run `frames` 20 ms frames through `body` for `channels` channels; ns per channel per frame,
/// the best of `repeats` runs (a shared machine only ever adds time).
func measure(channels: Int, frames: Int, repeats: Int = 5, _ body: (Int, Int) -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = now()
        for frame in 0..<frames {
            for channel in 0..<channels { body(channel, frame) }
        }
        best = min(best, Double(now() - start) / Double(channels * frames))
    }
    return best
}

/// One JSON object on one line; values are already JSON.
func emit(_ fields: [(String, String)]) {
    print("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
    fflush(nil)
}

func json(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

/// The calling thread's CPU time in nanoseconds. On a KVM guest with steal accounting (this
/// kernel's CONFIG_PARAVIRT_TIME_ACCOUNTING) it leaves out the time the hypervisor ran something
/// else on the vCPU, so wall time minus this is the time the thread was off its processor.
func threadCPUNanoseconds() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

func number(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }

/// The machine the figures come from: the first line of every run and of the baseline file.
func emitMachine() {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
        .split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
    let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
    var name = utsname()
    uname(&name)
    let kernel = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let date = ISO8601DateFormatter().string(from: Date())
    emit([("machine", json(model)), ("cores", "\(ProcessInfo.processInfo.activeProcessorCount)"),
          ("avx2", flags.contains(" avx2") ? "true" : "false"), ("fma", flags.contains(" fma") ? "true" : "false"),
          ("kernel", json(kernel)), ("date", json(date))])
}

/// Ask for SCHED_FIFO for the calling thread (the benchmark's loop runs on this one thread, so
/// on one core); returns whether real-time was granted.
func requestRealtime() -> Bool {
    var parameter = sched_param(sched_priority: 50)
    return pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameter) == 0
}
