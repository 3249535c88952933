@testable import CallControl
import Foundation
import Storage
import Testing

@Suite("Store: blocked numbers, recordings, voicemail and IVR steps")
struct MessagesStoreTests {
    @Test("blocked numbers are added, changed, listed and removed; what is not a number is refused")
    func blocked() throws {
        let dir = ScratchDirectory()
        let store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        try store.block(BlockedNumber(number: "13900000001", action: .reject, note: "abuse"))
        try store.block(BlockedNumber(number: "13900000002", action: .message))
        try store.block(BlockedNumber(number: "13900000001", action: .message, note: "changed"))
        let list = try store.blockedNumbers()
        #expect(list.map(\.number) == ["13900000001", "13900000002"])
        #expect(list.first?.action == .message && list.first?.note == "changed")
        #expect(try store.unblock("13900000002"))
        #expect(try !store.unblock("13900000002"))
        for bad in ["", "12ab", "1' OR 1=1 --", String(repeating: "1", count: 40)] {
            #expect(throws: StorageError.self) { try store.block(BlockedNumber(number: bad, action: .reject)) }
        }
        #expect(try store.blockedNumbers().count == 1)
    }

    @Test("a recording is linked to its call's CDR, closed with its length, found by kind, box, number and call")
    func recordings() async throws {
        let dir = ScratchDirectory()
        let store = try CallStore.open(at: dir.storePath)
        let recorder = CDRRecorder(store: store)
        let leg = Legs.inbound(calling: "13800138000", called: "95588")
        recorder.record(.offered(leg))
        await recorder.flush()
        let call = try store.insertRecording(RecordingStart(call: leg.id, kind: .call, path: dir.path + "/a.wav", format: "wav-alaw",
                                                            layout: "stereo", reason: "all calls", calling: "13800138000", called: "95588"))
        let vm = try store.insertRecording(RecordingStart(call: leg.id, kind: .voicemail, box: "sales", path: dir.path + "/b.wav",
                                                          format: "wav-alaw", layout: "mono", reason: nil, calling: "13800138000",
                                                          called: "95588"))
        #expect(try store.closeRecording(RecordingEnd(path: dir.path + "/a.wav", frames: 16000, error: nil)))
        #expect(try !store.closeRecording(RecordingEnd(path: dir.path + "/none.wav", frames: 1, error: nil)))
        let cdr = try #require(try store.call(ref: leg.id))
        #expect(cdr.fields.recordingID == String(call), "the CDR names its recording")
        let a = try #require(try store.recording(id: call))
        #expect(a.state == .closed && a.seconds == 2 && a.callID == cdr.id)
        #expect(try store.recordings(matching: RecordingQuery(kind: .voicemail, box: "sales")).map(\.id) == [vm])
        #expect(try store.recordings(matching: RecordingQuery(numberPrefix: "1380")).count == 2)
        #expect(try store.recordings(matching: RecordingQuery(numberPrefix: "%")).isEmpty, "LIKE wildcards are literal")
        #expect(try store.recordings(matching: RecordingQuery(callID: cdr.id)).count == 2)
        #expect(try store.recordings(matching: RecordingQuery(kind: .voicemail, unheard: true)).count == 1)
        #expect(try store.setHeard(vm, true))
        #expect(try store.recordings(matching: RecordingQuery(kind: .voicemail, unheard: true)).isEmpty)
        #expect(try store.deleteRecording(call))
        #expect(try store.call(ref: leg.id)?.fields.recordingID == nil, "deleting a recording unlinks its CDR")
        #expect(try !store.setHeard(call, true))
        await recorder.stop()
        try store.close()
    }

    @Test("recordings an earlier run left open are found at the next open, and marked repaired or damaged")
    func leftOpen() async throws {
        let dir = ScratchDirectory()
        do {
            let store = try CallStore.open(at: dir.storePath)
            _ = try store.insertRecording(RecordingStart(call: CallID.next(), kind: .call, path: dir.path + "/cut.wav", format: "wav-pcm16",
                                                         layout: "stereo", reason: nil, calling: nil, called: "1"))
            #expect(try store.recordingsLeftOpen().isEmpty, "this run's own recordings are not left open")
            try store.close()
        }
        let store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        let open = try store.recordingsLeftOpen()
        #expect(open.count == 1 && open.first?.state == .recording)
        try store.setRepaired(open[0].id, frames: 800, error: nil)
        #expect(try store.recording(id: open[0].id)?.state == .repaired)
        #expect(try store.recordingsLeftOpen().isEmpty)
        try store.setRepaired(open[0].id, frames: nil, error: "not RIFF")
        #expect(try store.recording(id: open[0].id)?.state == .damaged)
    }

    @Test("IVR steps are written with the call's CDR and counted per flow, node and input")
    func ivrSteps() async throws {
        let dir = ScratchDirectory()
        let store = try CallStore.open(at: dir.storePath)
        let recorder = CDRRecorder(store: store)
        let leg = Legs.inbound()
        recorder.record(.offered(leg))
        for (node, input) in [("main", "1"), ("main", "1"), ("main", "timeout"), ("account", "1234")] {
            recorder.record(step: IVRStepRecord(call: leg.id, flow: "bank", node: node, input: input, at: .now()))
        }
        recorder.record(step: IVRStepRecord(call: CallID.next(), flow: "other", node: "x", input: nil, at: .now()))
        await recorder.flush()
        let cdr = try #require(try store.call(ref: leg.id))
        #expect(try store.ivrSteps(ofCall: cdr.id).map(\.node) == ["main", "main", "main", "account"])
        let counts = try store.ivrNodeCounts(flow: "bank")
        #expect(counts.first.map { "\($0.node) \($0.input ?? "") \($0.count)" } == "main 1 2")
        #expect(counts.count == 3)
        #expect(try store.ivrNodeCounts(flow: "other").first?.count == 1, "a step of an unknown call is kept, unlinked")
        await recorder.stop()
        try store.close()
    }
}
