@testable import CallControl
import Foundation
import Storage
import Testing

@Suite("Store: outbound campaigns' contacts")
struct CampaignStoreTests {
    @Test("contacts are added once, taken soonest due first, returned, retried, finished; counts and listing by state")
    func lifecycle() throws {
        let dir = ScratchDirectory()
        let store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        let t0 = WallTime(secondsSince1970: 1_800_000_000)
        let added = try store.addCampaignContacts("reminders", [
            CampaignContactEntry(number: "13900000001", reference: "ACC-1"), CampaignContactEntry(number: "13900000002"),
            CampaignContactEntry(number: "13900000001", reference: "twice in one list"),
        ], at: t0)
        #expect(added == 2, "a number the campaign has is not added twice")
        #expect(try store.addCampaignContacts("other", [CampaignContactEntry(number: "13900000001")], at: t0) == 1,
                "another campaign may call the same number")
        #expect(try store.takeDueCampaignContact("reminders", agent: "1001", now: WallTime(secondsSince1970: t0.secondsSince1970 - 1)) == nil,
                "nothing is due before it was added")
        let first = try #require(try store.takeDueCampaignContact("reminders", agent: "1001", now: t0))
        #expect(first.number == "13900000001" && first.reference == "ACC-1" && first.state == .dialling && first.agent == "1001")
        let second = try #require(try store.takeDueCampaignContact("reminders", agent: "1002", now: t0))
        #expect(second.number == "13900000002")
        #expect(try store.takeDueCampaignContact("reminders", agent: "1003", now: t0) == nil, "both are being dialled")

        // The agent did not answer: the contact is due again, its attempts untouched.
        try store.returnCampaignContact(first.id, due: t0)
        let again = try #require(try store.takeDueCampaignContact("reminders", agent: "1003", now: t0))
        #expect(again.id == first.id && again.attempts == 0)

        let retryAt = WallTime(secondsSince1970: t0.secondsSince1970 + 300)
        try store.finishCampaignAttempt(again.id, CampaignAttemptResult(state: .pending, outcome: "busy", cause: 17, counted: true,
                                                                        nextAttemptAt: retryAt))
        try store.finishCampaignAttempt(second.id, CampaignAttemptResult(state: .done, outcome: "answered", counted: true, talkSeconds: 42))
        #expect(try store.takeDueCampaignContact("reminders", agent: "1001", now: t0) == nil, "the busy number waits for its retry")
        let listed = try store.campaignContacts("reminders")
        #expect(listed.map(\.number) == ["13900000001", "13900000002"])
        let busy = listed[0], done = listed[1]
        #expect(busy.state == .pending && busy.attempts == 1 && busy.outcome == "busy" && busy.cause == 17)
        #expect(abs(busy.nextAttemptAt.secondsSince1970 - retryAt.secondsSince1970) < 0.01)
        #expect(done.state == .done && done.attempts == 1 && done.talkSeconds == 42)
        #expect(try store.campaignContacts("reminders", state: .done).map(\.number) == ["13900000002"])
        #expect(try store.campaignContacts("reminders", limit: 1).count == 1)
        #expect(try store.campaignContactCounts("reminders") == [.pending: 1, .done: 1])
        #expect(try store.campaignContactCounts("nosuch").isEmpty)

        #expect(try store.removeCampaignContact("reminders", number: "13900000001"))
        #expect(try !store.removeCampaignContact("reminders", number: "13900000009"))
        #expect(try !store.removeCampaignContact("reminders", number: "13900000002"), "a number already reached is not removed")
        #expect(try store.campaignContacts("reminders", state: .done).count == 1)
        #expect(try store.takeDueCampaignContact("reminders", agent: "1001", now: retryAt) == nil, "a removed number is not called")
        // Added again, a removed number is called again, its history kept; a done one stays done.
        #expect(try store.addCampaignContacts("reminders", [CampaignContactEntry(number: "13900000001"),
                                                             CampaignContactEntry(number: "13900000002")], at: retryAt) == 1)
        let revived = try #require(try store.takeDueCampaignContact("reminders", agent: "1001", now: retryAt))
        #expect(revived.number == "13900000001" && revived.attempts == 1 && revived.reference == "ACC-1")
        #expect(revived.callRef == nil && revived.callID == nil, "a new attempt shows no earlier call")
    }

    @Test("contacts are listed a page at a time, in the order added")
    func pages() throws {
        let dir = ScratchDirectory()
        let store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        _ = try store.addCampaignContacts("reminders", (1...7).map { CampaignContactEntry(number: "1390000000\($0)") })
        let first = try store.campaignContacts("reminders", limit: 3)
        let second = try store.campaignContacts("reminders", after: try #require(first.last?.id), limit: 3)
        let third = try store.campaignContacts("reminders", after: try #require(second.last?.id), limit: 3)
        #expect((first + second + third).map(\.number) == (1...7).map { "1390000000\($0)" })
        #expect(third.count == 1)
    }

    @Test("an operator's removal during an attempt stands when the attempt ends")
    func removedDuringAttempt() throws {
        let dir = ScratchDirectory()
        let store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        _ = try store.addCampaignContacts("reminders", [CampaignContactEntry(number: "13900000001")])
        let contact = try #require(try store.takeDueCampaignContact("reminders", agent: "1001"))
        #expect(try store.removeCampaignContact("reminders", number: "13900000001"))
        try store.finishCampaignAttempt(contact.id, CampaignAttemptResult(state: .pending, outcome: "no-answer", cause: 19, counted: true,
                                                                          nextAttemptAt: .now()))
        let after = try #require(try store.campaignContacts("reminders").first)
        #expect(after.state == .removed && after.attempts == 1 && after.outcome == "no-answer")
        try store.returnCampaignContact(contact.id)
        #expect(try store.campaignContacts("reminders").first?.state == .removed, "only a contact being dialled goes back")
    }

    @Test("a number removed while its call is still up is not called again when added back until that call is over")
    func revivedOnlyAfterTheCall() throws {
        let dir = ScratchDirectory()
        let store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        _ = try store.addCampaignContacts("reminders", [CampaignContactEntry(number: "13900000001")])
        let contact = try #require(try store.takeDueCampaignContact("reminders", agent: "1001"))
        #expect(contact.inAttempt)
        try store.finishCampaignAttempt(contact.id, CampaignAttemptResult(state: .done, outcome: "answered", counted: true, over: false))
        #expect(try !store.removeCampaignContact("reminders", number: "13900000001"), "reached: nothing to remove")
        _ = try store.addCampaignContacts("other", [CampaignContactEntry(number: "13900000002")])
        let second = try #require(try store.takeDueCampaignContact("other", agent: "1002"))
        #expect(try store.removeCampaignContact("other", number: "13900000002"))
        #expect(try store.addCampaignContacts("other", [CampaignContactEntry(number: "13900000002")]) == 0,
                "its call is still up: not pending again")
        try store.finishCampaignAttempt(second.id, CampaignAttemptResult(state: .pending, outcome: "busy", cause: 17, counted: true))
        #expect(try store.campaignContacts("other").first?.inAttempt == false)
        #expect(try store.addCampaignContacts("other", [CampaignContactEntry(number: "13900000002")]) == 1)
        #expect(try store.campaignContacts("other").first?.state == .pending)
        #expect(try store.campaignContacts("reminders").first?.inAttempt == true, "the answered call goes on")
    }

    @Test("the running state is kept; contacts a crash left dialling are due again after a restart")
    func restart() throws {
        let dir = ScratchDirectory()
        var store = try CallStore.open(at: dir.storePath)
        #expect(try store.campaignRunning("reminders") == nil)
        try store.setCampaignRunning("reminders", true)
        try store.setCampaignRunning("reminders", false)
        _ = try store.addCampaignContacts("reminders", [CampaignContactEntry(number: "13900000001")])
        _ = try store.takeDueCampaignContact("reminders", agent: "1001")
        try store.close()
        store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        #expect(try store.campaignRunning("reminders") == false)
        #expect(try store.recoverCampaignContactsLeftDialling() == 1)
        #expect(try store.campaignContacts("reminders").first?.state == .pending)
        #expect(try store.takeDueCampaignContact("reminders", agent: "1002") != nil)
    }
}
