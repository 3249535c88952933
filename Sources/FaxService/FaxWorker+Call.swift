import CallControl
import PSTNEngine

extension FaxWorker {
    /// Run `session` on an answered call: the call's audio is streamed to it (the echo canceller
    /// off), `started` is told once the stream is in place, and the stream ends with the session.
    /// Throws, before anything is sent, when the call's audio cannot be taken.
    public func run(_ session: FaxSession, on call: CallID, calls: CallControl, limit: Duration = .seconds(3600),
                    started: () -> Void = {}) async throws(CallControlError) -> FaxOutcome {
        let stream = AudioStream(id: Int32(truncatingIfNeeded: call.value))
        try await calls.stream(call, stream)
        started()
        let outcome = await run(session, over: stream, limit: limit)
        try? await calls.stopStream(call)
        return outcome
    }
}
