import Glibc

/// CLOCK_MONOTONIC in nanoseconds, and absolute sleeps on it: the loop's sense of time.
public enum MonotonicClock {
    @inline(__always)
    public static func now() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
    }

    /// Sleep until `deadline` (nanoseconds on this clock); returns at once if it has passed.
    public static func sleep(until deadline: Int) {
        var ts = timespec(tv_sec: deadline / 1_000_000_000, tv_nsec: deadline % 1_000_000_000)
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }
}
