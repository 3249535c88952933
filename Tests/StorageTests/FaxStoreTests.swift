@testable import CallControl
import Foundation
import Storage
import Testing

@Suite("Store: faxes received and fax jobs")
struct FaxStoreTests {
    @Test("a received fax is linked to its call's CDR and keeps what T.30 reported")
    func received() async throws {
        let dir = ScratchDirectory()
        let store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        let recorder = CDRRecorder(store: store)
        let leg = Legs.inbound(calling: "13800138000", called: "95599")
        recorder.record(.offered(leg))
        await recorder.flush()
        let id = try store.insertReceivedFax(call: leg.id, calling: "13800138000", called: "95599", tiffPath: dir.path + "/1.tif")
        #expect(try store.fax(id: id)?.state == .receiving)
        try store.finishFax(id, FaxResultUpdate(state: .received, remoteIdent: "+86 10 1234", pages: 3, xDPI: 204, yDPI: 196,
                                                bitRate: 14400, ecm: true, seconds: 61.5, resultCode: 0, result: "OK"))
        try store.setFaxPDF(id, path: dir.path + "/1.pdf")
        let fax = try #require(try store.fax(id: id))
        #expect(fax.state == .received && fax.pages == 3 && fax.remoteIdent == "+86 10 1234" && fax.ecm == true)
        #expect(fax.callID == (try store.call(ref: leg.id))?.id && fax.callID != nil)
        #expect(fax.pdfPath == dir.path + "/1.pdf" && fax.endedAt != nil && fax.direction == .inbound)
        #expect(try store.faxes(matching: FaxQuery(direction: .inbound)).map(\.id) == [id])
        #expect(try store.faxes(matching: FaxQuery(direction: .outbound)).isEmpty)
        #expect(try store.fax(id: 999) == nil)
    }

    @Test("a job is queued, attempted, queued again, cancelled; a job whose document failed is failed at once")
    func jobs() throws {
        let dir = ScratchDirectory()
        let store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        let job = try store.insertFaxJob(called: "55501", trunkGroup: "e1", source: "/docs/a.pdf", tiffPath: dir.path + "/a.tif",
                                         pages: 2, maxAttempts: 3, notBefore: .now(), timeZone: "America/Chicago")
        let bad = try store.insertFaxJob(called: "55501", trunkGroup: "e1", source: "/docs/b.pdf", tiffPath: nil, pages: 0,
                                         maxAttempts: 3, notBefore: .now(), failure: "Ghostscript cannot render it")
        #expect(try store.fax(id: bad)?.state == .failed && store.fax(id: bad)?.result == "Ghostscript cannot render it")
        #expect(try store.queuedFaxJobs().map(\.id) == [job])
        #expect(try store.startFaxAttempt(job, call: CallID(42)))
        #expect(try !store.startFaxAttempt(job, call: CallID(43)), "only a queued job starts an attempt")
        let later = WallTime(secondsSince1970: WallTime.now().secondsSince1970 + 60)
        try store.finishFax(job, FaxResultUpdate(state: .queued, result: "busy", nextAttemptAt: later))
        let queued = try #require(try store.fax(id: job))
        #expect(queued.state == .queued && queued.attempts == 1 && queued.documentPages == 2 && queued.endedAt == nil)
        #expect(try queued.timeZone == "America/Chicago" && store.fax(id: bad)?.timeZone == nil)
        #expect(abs((queued.nextAttemptAt?.secondsSince1970 ?? 0) - later.secondsSince1970) < 0.01)
        #expect(try store.cancelFaxJob(job))
        #expect(try !store.cancelFaxJob(job), "a cancelled job cannot be cancelled again")
        #expect(try !store.cancelFaxJob(bad), "a failed job cannot be cancelled")
        #expect(try store.queuedFaxJobs().isEmpty)
        #expect(try store.faxes(matching: FaxQuery(state: .cancelled)).map(\.id) == [job])
    }

    @Test("a fax cut by a crash: a reception with pages becomes partial, one without failed, a sending job is queued again")
    func recovery() throws {
        let dir = ScratchDirectory()
        var store = try CallStore.open(at: dir.storePath)
        let withPages = try store.insertReceivedFax(call: CallID(1), calling: nil, called: "95599", tiffPath: "/f/with.tif")
        let without = try store.insertReceivedFax(call: CallID(2), calling: nil, called: "95599", tiffPath: "/f/without.tif")
        let job = try store.insertFaxJob(called: "5", trunkGroup: "e1", source: "/a.pdf", tiffPath: "/a.tif", pages: 1,
                                         maxAttempts: 2, notBefore: .now())
        _ = try store.startFaxAttempt(job, call: CallID(3))
        try store.close()
        store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        #expect(try store.recoverFaxesLeftOpen { $0 == "/f/with.tif" ? 2 : 0 } == 3)
        #expect(try store.fax(id: withPages)?.state == .partial && store.fax(id: withPages)?.pages == 2)
        #expect(try store.fax(id: without)?.state == .failed)
        #expect(try store.fax(id: job)?.state == .queued)
    }
}
