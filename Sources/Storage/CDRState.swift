/// Whether a CDR row is still being written.
public enum CDRState: String, Sendable, Codable, CaseIterable {
    /// The call (or leg) is up, or was when the row was last written.
    case open
    /// The call ended and the row holds its outcome.
    case closed
    /// The engine stopped (crash, kill, power loss) while the call was up; closed by the next
    /// start with cause 41 (temporary failure), released by `system`, at the last time known.
    case interrupted
}
