/// Lets one reload run at a time: SIGHUP and the control socket's `reload` may come together,
/// and a reload waits (reconfiguring the ACD, loading prompts), so without the gate the second
/// could finish in the middle of the first and leave half of each in force.
actor ReloadGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once every reload that came before has finished.
    func run<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        let result = await body()
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
        return result
    }
}
