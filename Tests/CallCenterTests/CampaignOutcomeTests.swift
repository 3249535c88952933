import CallCenter
import CallControl
import Testing

@Suite("Campaign outcomes and what follows them")
struct CampaignOutcomeTests {
    @Test("the Q.850 cause of an unanswered call names the outcome", arguments: [
        (17, CampaignOutcome.busy), (18, .noAnswer), (19, .noAnswer), (20, .noAnswer), (16, .noAnswer), (34, .congestion),
        (38, .congestion), (41, .congestion), (42, .congestion), (44, .congestion), (47, .congestion), (3, .congestion),
        (27, .congestion), (1, .invalidNumber), (28, .invalidNumber), (22, .invalidNumber), (4, .invalidNumber),
        (21, .rejected), (31, .failed), (63, .failed), (111, .failed),
    ])
    func outcomes(_ cause: Int, _ expected: CampaignOutcome) {
        #expect(CampaignOutcome(answered: false, cause: Q850Cause(rawValue: cause)) == expected)
    }

    @Test("an answered call is answered whatever its cause; no cause at all is a failure")
    func answered() {
        #expect(CampaignOutcome(answered: true, cause: .userBusy) == .answered)
        #expect(CampaignOutcome(answered: true, cause: nil) == .answered)
        #expect(CampaignOutcome(answered: false, cause: nil) == .failed)
    }

    @Test("retries: busy after the busy wait, others after the retry wait, none past the attempts or for a number that does not exist")
    func dispositions() {
        let c = CampaignSettings(name: "r", queue: "sales", trunkGroup: "carrier", maxAttempts: 3, retrySeconds: 600, busyRetrySeconds: 60)
        #expect(c.disposition(after: .answered, attemptsMade: 3, now: 1000) == .done)
        #expect(c.disposition(after: .busy, attemptsMade: 1, now: 1000) == .retry(at: 1060))
        #expect(c.disposition(after: .noAnswer, attemptsMade: 2, now: 1000) == .retry(at: 1600))
        #expect(c.disposition(after: .congestion, attemptsMade: 1, now: 1000) == .retry(at: 1600))
        #expect(c.disposition(after: .failed, attemptsMade: 1, now: 1000) == .retry(at: 1600))
        #expect(c.disposition(after: .busy, attemptsMade: 3, now: 1000) == .failed)
        #expect(c.disposition(after: .invalidNumber, attemptsMade: 1, now: 1000) == .failed)
        #expect(c.disposition(after: .rejected, attemptsMade: 1, now: 1000) == .retry(at: 1600))
    }

    @Test("congestion in a row pauses a campaign 30 s, then twice as long each time, at most 15 minutes")
    func congestionPauses() {
        #expect((1...8).map { CampaignSettings.congestionPause(streak: $0) } == [30, 60, 120, 240, 480, 900, 900, 900])
        #expect(CampaignSettings.congestionPause(streak: 0) == 30 && CampaignSettings.congestionPause(streak: 1000) == 900)
    }
}
