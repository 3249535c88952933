/// The estimated wait told to queued callers: the callers ahead of them and they themselves,
/// served in parallel by the agents logged in to the queue at its average handle time.
public enum EstimatedWait {
    public static func seconds(position: Int, averageHandleSeconds: Double, agents: Int) -> Double {
        Double(max(position, 1)) * max(averageHandleSeconds, 0) / Double(max(agents, 1))
    }

    /// Whole minutes to say, rounded up, at least one.
    public static func minutes(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 1 }
        return max(1, Int((seconds / 60).rounded(.up)))
    }
}
