import CallControl

/// What an outbound campaign asks of the ACD: which of a queue's agents it may ring now.
/// Inbound callers come first: while anyone waits in the queue the campaign takes nobody, and
/// it always leaves the queue's reserved idle agents (`reserveIdle`) alone.
extension ACDService {
    /// The ready agents of `queue` with a phone that a campaign may ring, longest idle first,
    /// leaving out `busy` (agents the campaign is already calling or just called).
    public func campaignAgents(queue: String, excluding busy: Set<String> = []) -> [String] {
        guard let q = queues[queue] else { return [] }
        if callers.values.contains(where: { $0.queue == queue && !$0.connected }) { return [] }
        let ready = readyAgents(of: queue)
        let spare = ready.count - q.settings.reserveIdle
        guard spare > 0 else { return [] }
        return ready.filter { $0.station != nil && !busy.contains($0.record.id) }
            .sorted { ($0.idleSince, $0.order) < ($1.idleSince, $1.order) }
            .prefix(spare).map(\.record.id)
    }
}

extension ACDService {
    /// The agent let a campaign call ring out on `leg`: once it ends they are not ready with
    /// `reason` (the ACD pauses agents who miss queue calls the same way).
    public func missedCampaignCall(_ leg: CallID, agent: String, reason: String) {
        if let own = ownCalls[leg] {
            ownCalls[leg] = (own.agent, .notReady(reason: reason))
        } else {
            try? pause(agent, reason: reason)
        }
    }
}
