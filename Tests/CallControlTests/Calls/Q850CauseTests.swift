import CallControl
import Testing

@Suite("Q.850 causes")
struct Q850CauseTests {
    @Test("values outside 1-127 are not causes", arguments: [0, -1, 128, 1000])
    func outOfRange(value: Int) {
        #expect(Q850Cause(rawValue: value) == nil)
    }

    @Test("names and classes follow Q.850")
    func namesAndClasses() throws {
        #expect(Q850Cause.normalClearing.rawValue == 16)
        #expect(Q850Cause.normalClearing.description == "16 (normal clearing)")
        #expect(Q850Cause.userBusy.causeClass == .normal)
        #expect(Q850Cause.noCircuitAvailable.causeClass == .resourceUnavailable)
        #expect(Q850Cause.bearerCapabilityNotAuthorized.causeClass == .serviceUnavailable)
        #expect(Q850Cause.invalidMessage.causeClass == .invalidMessage)
        #expect(Q850Cause.recoveryOnTimerExpiry.causeClass == .protocolError)
        #expect(Q850Cause.interworking.causeClass == .interworking)
        #expect(try #require(Q850Cause(rawValue: 120)).name == "unspecified cause 120")
    }

    @Test("busy, no answer and congestion are worth retrying; a wrong number is not")
    func retry() {
        #expect(Q850Cause.userBusy.isWorthRetrying)
        #expect(Q850Cause.noAnswer.isWorthRetrying)
        #expect(Q850Cause.switchingEquipmentCongestion.isWorthRetrying)
        #expect(!Q850Cause.unallocatedNumber.isWorthRetrying)
        #expect(!Q850Cause.callRejected.isWorthRetrying)
        #expect(!Q850Cause.normalClearing.isWorthRetrying)
    }
}
