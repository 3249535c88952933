@testable import CallControl
import Testing

@Suite("Analog ring cadence and digit collection")
struct RingAndDigitTimingTests {
    let t0 = ContinuousClock.now

    @Test("rings are counted and the call is abandoned only after the pause outlasts the cadence")
    func ringCadence() {
        var tracker = RingCadenceTracker(abandonAfter: .seconds(6))
        #expect(tracker.abandonDeadline == nil)
        tracker.ringBegan(at: t0)
        #expect(tracker.ringsBegun == 1 && tracker.ringing)
        #expect(tracker.abandonDeadline == nil, "no abandon while a ring is on")
        tracker.ringEnded(at: t0 + .seconds(1))
        #expect(!tracker.isAbandoned(at: t0 + .seconds(5)), "a 4 s pause is part of the cadence")
        tracker.ringBegan(at: t0 + .seconds(5))
        tracker.ringEnded(at: t0 + .seconds(6))
        #expect(tracker.ringsBegun == 2 && tracker.ringsEnded == 2)
        #expect(!tracker.isAbandoned(at: t0 + .seconds(11)))
        #expect(tracker.isAbandoned(at: t0 + .seconds(12)))
        tracker.reset()
        #expect(tracker.ringsBegun == 0 && tracker.abandonDeadline == nil)
    }

    @Test("a ring end seen without its start counts as a ring")
    func ringEndFirst() {
        var tracker = RingCadenceTracker()
        tracker.ringEnded(at: t0)
        #expect(tracker.ringsBegun == 1 && tracker.ringsEnded == 1 && !tracker.ringing)
        tracker.ringBegan(at: t0 + .seconds(4))
        tracker.ringBegan(at: t0 + .seconds(4))
        #expect(tracker.ringsBegun == 2, "a repeated begin is the same ring")
    }

    @Test("digits complete on the inter-digit timeout, # or the maximum length")
    func digits() {
        var byTimeout = DigitCollector(startingAt: t0, firstDigitTimeout: .seconds(10), interDigitTimeout: .seconds(3))
        byTimeout.add("1", at: t0 + .seconds(1))
        byTimeout.add("2", at: t0 + .seconds(2))
        byTimeout.timerFired(at: t0 + .seconds(4))
        #expect(byTimeout.outcome == .collecting, "3 s after the last digit, not after the first")
        #expect(byTimeout.deadline == t0 + .seconds(5))
        byTimeout.timerFired(at: t0 + .seconds(5))
        #expect(byTimeout.outcome == .complete("12"))
        #expect(byTimeout.deadline == nil)

        var byHash = DigitCollector(startingAt: t0)
        for d in "800#9" { byHash.add(d, at: t0) }
        #expect(byHash.outcome == .complete("800"))

        var byLength = DigitCollector(startingAt: t0, maximumLength: 4)
        for d in "123456" { byLength.add(d, at: t0) }
        #expect(byLength.outcome == .complete("1234"))

        // The dial plan knows the number is whole: no wait for # or the timeout. Nothing dialled
        // cannot be settled, and a settled number takes no more digits.
        var bySettling = DigitCollector(startingAt: t0)
        bySettling.settle()
        #expect(bySettling.outcome == .collecting)
        for d in "8002" { bySettling.add(d, at: t0) }
        bySettling.settle()
        bySettling.add("5", at: t0)
        #expect(bySettling.outcome == .complete("8002"))
        #expect(bySettling.deadline == nil)
    }

    @Test("no digit before the first-digit timeout, or # alone, is a timeout")
    func noDigits() {
        var silent = DigitCollector(startingAt: t0, firstDigitTimeout: .seconds(5))
        silent.timerFired(at: t0 + .seconds(4))
        #expect(silent.outcome == .collecting)
        silent.timerFired(at: t0 + .seconds(5))
        #expect(silent.outcome == .timedOut)
        var hashOnly = DigitCollector(startingAt: t0)
        hashOnly.add("#", at: t0)
        #expect(hashOnly.outcome == .timedOut)
    }

    @Test("busy after a normal end, congestion after a failure")
    func disconnectTone() {
        #expect(FXSLine.tone(for: .normalClearing) == .busy)
        #expect(FXSLine.tone(for: .userBusy) == .busy)
        #expect(FXSLine.tone(for: .switchingEquipmentCongestion) == .congestion)
        #expect(FXSLine.tone(for: .networkOutOfOrder) == .congestion)
    }
}
