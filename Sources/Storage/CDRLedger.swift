import CallControl

/// The writer's memory of the calls of this run that are still open: which rows each leg's
/// events go to, and which legs a call still waits for before its row is closed.
struct CDRLedger: Sendable {
    struct OpenLeg: Sendable {
        var callRow: Int64
        var legRow: Int64
    }

    struct OpenCall: Sendable {
        /// The leg that made the call (the inbound leg, or an outbound leg placed on request):
        /// its numbers, answer and cause are the call's.
        var primary: CallID
        var openLegs: Set<CallID>
        var primaryReleased = false
    }

    let runID: Int64
    var legs: [CallID: OpenLeg] = [:]
    var calls: [Int64: OpenCall] = [:]

    init(runID: Int64) { self.runID = runID }

    func isPrimary(_ leg: CallID) -> Bool {
        guard let open = legs[leg] else { return false }
        return calls[open.callRow]?.primary == leg
    }

    mutating func opened(call callRow: Int64, leg: CallID, legRow: Int64) {
        calls[callRow] = OpenCall(primary: leg, openLegs: [leg])
        legs[leg] = OpenLeg(callRow: callRow, legRow: legRow)
    }

    mutating func added(leg: CallID, legRow: Int64, to callRow: Int64) {
        calls[callRow]?.openLegs.insert(leg)
        legs[leg] = OpenLeg(callRow: callRow, legRow: legRow)
    }

    /// Forgets a released leg; returns whether its call is now over (no open leg left).
    mutating func released(leg: CallID) -> Bool {
        guard let open = legs.removeValue(forKey: leg), var call = calls[open.callRow] else { return false }
        call.openLegs.remove(leg)
        if call.primary == leg { call.primaryReleased = true }
        if call.openLegs.isEmpty {
            calls[open.callRow] = nil
            return true
        }
        calls[open.callRow] = call
        return false
    }
}
