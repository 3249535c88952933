@testable import CallControl
import Foundation
import Storage
import Testing

@Suite("Recording CDRs from call events")
struct CDRRecorderTests {
    @Test("an inbound call answered by an application: one closed CDR with its numbers, times and outcome")
    func inboundCallToApplication() async throws {
        let dir = ScratchDirectory()
        let problems = ProblemLog()
        let leg = Legs.inbound(calling: "0301234567", called: "2000", channel: 5, at: 1_000)
        let store = try await CallStore.recording(at: dir.storePath, problems: problems) { recorder in
            recorder.record(.offered(leg))
            recorder.record(.routed(leg.id, .application(name: "ivr", argument: "main"), rule: "rule 1"))
            recorder.record(.answered(leg.id))
            recorder.record(.dtmf(leg.id, digit: "5", milliseconds: 80))
            recorder.record(.released(Legs.released(leg, cause: .normalClearing, by: .remote, answeredAt: 1_002,
                                                    at: 1_030)))
        }
        defer { try? store.close() }
        #expect(problems.all.isEmpty, "\(problems.all)")

        let call = try #require(try store.call(ref: leg.id))
        let f = call.fields
        #expect(f.state == .closed)
        #expect(f.direction == .inbound)
        #expect((f.backend, f.trunkGroup, f.channel) == ("span1", "pri-in", 5))
        #expect(f.calling == "0301234567" && f.callingType == .national && f.callingPresentation == .allowed)
        #expect(f.called == "2000" && f.calledType == .subscriber)
        #expect(f.offeredAt.secondsSince1970 == 1_000)
        #expect(f.answeredAt?.secondsSince1970 == 1_002)
        #expect(f.releasedAt?.secondsSince1970 == 1_030)
        #expect(f.cause == .normalClearing && f.releasedBy == .remote)
        #expect(f.destination == "app ivr(main)" && f.application == "ivr")
        #expect(f.recordingID == nil)

        let legs = try store.legs(ofCall: call.id)
        #expect(legs.count == 1)
        #expect(legs.first?.fields == f)

        let events = try store.events(ofCall: call.id)
        #expect(events.map(\.kind) == ["offered", "routed", "answered", "dtmf", "released"])
        let dtmf = try #require(events.first { $0.kind == "dtmf" })
        let detail = try #require(try JSONSerialization.jsonObject(with: Data(dtmf.detail.utf8)) as? [String: Any])
        #expect(detail["digit"] as? String == "5")
        #expect(detail["milliseconds"] as? Int == 80)
        let routed = try #require(events.first { $0.kind == "routed" })
        #expect(routed.detail.contains("\"rule\":\"rule 1\""))
    }

    @Test("a call routed out: the outbound legs join the inbound call, which closes when its last leg goes")
    func callWithOutboundLegs() async throws {
        let dir = ScratchDirectory()
        let problems = ProblemLog()
        let inbound = Legs.inbound(at: 1_000)
        let first = Legs.outbound(called: "0401111", at: 1_001)
        let second = Legs.outbound(called: "0402222", at: 1_005)
        let store = try await CallStore.recording(at: dir.storePath, problems: problems) { recorder in
            recorder.record(.offered(inbound))
            recorder.record(.routed(inbound.id, .trunkGroup("out", rewrite: NumberRewrite()), rule: "out"))
            recorder.record(.placed(first, for: inbound.id))
            recorder.record(.released(Legs.released(first, cause: .userBusy, at: 1_004)))
            recorder.record(.placed(second, for: inbound.id))
            recorder.record(.alerting(second.id))
            recorder.record(.answered(second.id))
            recorder.record(.answered(inbound.id))
            recorder.record(.bridged(inbound.id, second.id))
            recorder.record(.released(Legs.released(inbound, cause: .normalClearing, by: .remote, answeredAt: 1_010,
                                                    at: 1_060)))
        }
        defer { try? store.close() }
        #expect(problems.all.isEmpty, "\(problems.all)")

        var call = try #require(try store.call(ref: inbound.id))
        // The inbound leg is gone but the second outbound leg is not: the call stays open.
        #expect(call.fields.state == .open)
        #expect(call.fields.cause == .normalClearing)
        #expect(try store.call(ref: first.id) == nil, "a placed leg made a call of its own")

        let legs = try store.legs(ofCall: call.id)
        #expect(legs.map(\.legRef) == [inbound.id, first.id, second.id])
        #expect(legs.map(\.fields.state) == [.closed, .closed, .open])
        #expect(legs[1].fields.cause == .userBusy && legs[1].fields.direction == .outbound)
        #expect(legs[2].fields.answeredAt != nil)

        let recorder = CDRRecorder(store: store) { problems.add($0) }
        // A new recorder does not know the call's legs: it keeps the record as a call of its own.
        recorder.record(.released(Legs.released(second, cause: .normalClearing, by: .local, at: 1_061)))
        await recorder.stop()
        call = try #require(try store.call(id: call.id))
        #expect(call.fields.state == .open)
        #expect(try store.call(ref: second.id)?.fields.state == .closed)

        let events = try store.events(ofCall: call.id)
        #expect(events.map(\.kind) == ["offered", "routed", "placed", "released", "placed", "alerting", "answered",
                                       "answered", "bridged", "released"])
        #expect(events.first { $0.kind == "placed" }?.detail.contains("\"placedFor\":\(inbound.id.value)") == true)
    }

    @Test("the call closes when its last leg goes, with the primary leg's cause and the last release time")
    func callClosesWithLastLeg() async throws {
        let dir = ScratchDirectory()
        let problems = ProblemLog()
        let inbound = Legs.inbound(at: 1_000)
        let out = Legs.outbound(called: "0401111", at: 1_001)
        let store = try await CallStore.recording(at: dir.storePath, problems: problems) { recorder in
            recorder.record(.offered(inbound))
            recorder.record(.placed(out, for: inbound.id))
            recorder.record(.released(Legs.released(inbound, cause: .noAnswer, by: .local, at: 1_030)))
            recorder.record(.released(Legs.released(out, cause: .normalClearing, by: .local, at: 1_031)))
        }
        defer { try? store.close() }
        #expect(problems.all.isEmpty, "\(problems.all)")
        let call = try #require(try store.call(ref: inbound.id))
        #expect(call.fields.state == .closed)
        #expect(call.fields.cause == .noAnswer && call.fields.releasedBy == .local)
        #expect(call.fields.releasedAt?.secondsSince1970 == 1_031)
    }

    @Test("a leg placed on request is a call of its own; overlap digits received late reach the CDR")
    func placedOnRequestAndOverlap() async throws {
        let dir = ScratchDirectory()
        let problems = ProblemLog()
        let out = Legs.outbound(called: "0409999", at: 2_000)
        var overlap = Legs.inbound(called: "20", at: 2_001)
        let store = try await CallStore.recording(at: dir.storePath, problems: problems) { recorder in
            recorder.record(.placed(out, for: nil))
            recorder.record(.released(Legs.released(out, cause: .userBusy, at: 2_003)))
            recorder.record(.offered(overlap))
            overlap.addDigits("01", complete: true)
            recorder.record(.released(Legs.released(overlap, at: 2_010)))
        }
        defer { try? store.close() }
        #expect(problems.all.isEmpty, "\(problems.all)")
        let own = try #require(try store.call(ref: out.id))
        #expect(own.fields.direction == .outbound && own.fields.state == .closed && own.fields.cause == .userBusy)
        #expect(try store.call(ref: overlap.id)?.fields.called == "2001")
    }

    @Test("events for a leg never offered are reported, and do not stop the events around them")
    func unknownLegReported() async throws {
        let dir = ScratchDirectory()
        let problems = ProblemLog()
        let leg = Legs.inbound(at: 3_000)
        let stranger = CallID.next()
        let store = try await CallStore.recording(at: dir.storePath, problems: problems) { recorder in
            recorder.record(.offered(leg))
            recorder.record(.answered(stranger))
            recorder.record(.dtmf(stranger, digit: "1", milliseconds: 40))
            recorder.record(.link(backend: "span1", up: false))
            recorder.record(.protocolError(backend: "span1", "garbage"))
            recorder.record(.released(Legs.released(leg, at: 3_010)))
        }
        defer { try? store.close() }
        #expect(problems.all.count == 2)
        #expect(problems.all.first?.operation == "record answered of \(stranger)")
        #expect(problems.all.first?.reason.contains("no open call has a leg \(stranger)") == true)
        #expect(try store.call(ref: leg.id)?.fields.state == .closed)
        #expect(try store.calls(matching: CDRQuery()).count == 1)
    }

    @Test("events recorded after stop are dropped, and flush after stop returns")
    func afterStop() async throws {
        let dir = ScratchDirectory()
        let store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        let recorder = CDRRecorder(store: store)
        await recorder.stop()
        recorder.record(.offered(Legs.inbound()))
        await recorder.flush()
        #expect(try store.calls(matching: CDRQuery()).isEmpty)
    }

    @Test("many calls from several threads at once are all written")
    func concurrentCalls() async throws {
        let dir = ScratchDirectory()
        let problems = ProblemLog()
        let store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        let recorder = CDRRecorder(store: store) { problems.add($0) }
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for n in 0..<50 {
                let leg = Legs.inbound(calling: "9\(thread)\(n)", at: Double(thread * 100 + n))
                recorder.record(.offered(leg))
                recorder.record(.answered(leg.id))
                recorder.record(.released(Legs.released(leg, at: Double(thread * 100 + n) + 0.5)))
            }
        }
        await recorder.stop()
        #expect(problems.all.isEmpty, "\(problems.all)")
        let calls = try store.calls(matching: CDRQuery())
        #expect(calls.count == 200)
        #expect(calls.allSatisfy { $0.fields.state == .closed && $0.fields.answeredAt != nil })
    }
}

@Suite("The queue log's memory of callers")
struct LastAgentTests {
    @Test("each caller's last agent comes from their calls' connected rows, the latest winning; calls without a number or before the window are left out")
    func lastAgents() async throws {
        let dir = ScratchDirectory()
        let problems = ProblemLog()
        let first = Legs.inbound(calling: "13800000001", called: "95501", at: 1_000)
        let again = Legs.inbound(calling: "13800000001", called: "95501", at: 2_000)
        let other = Legs.inbound(calling: "13900000002", called: "95501", at: 2_100)
        let anonymous = Legs.inbound(calling: nil, called: "95501", at: 2_200)
        let old = Legs.inbound(calling: "13700000003", called: "95501", at: 10)
        func connected(_ leg: CallLeg, _ agent: String, at: Double) -> QueueLogRecord {
            QueueLogRecord(call: leg.id, queue: "sales", event: "connected", agent: agent, position: nil, waitSeconds: 1,
                           detail: nil, at: WallTime(secondsSince1970: at))
        }
        let store = try await CallStore.recording(at: dir.storePath, problems: problems) { recorder in
            for leg in [first, again, other, anonymous, old] { recorder.record(.offered(leg)) }
            recorder.record(queueLog: connected(first, "1001", at: 1_001))
            recorder.record(queueLog: QueueLogRecord(call: again.id, queue: "sales", event: "offered", agent: "1003", position: nil,
                                                     waitSeconds: 0, detail: nil, at: WallTime(secondsSince1970: 2_001)))
            recorder.record(queueLog: connected(again, "1002", at: 2_002))
            recorder.record(queueLog: connected(other, "1003", at: 2_101))
            recorder.record(queueLog: connected(anonymous, "1004", at: 2_201))
            recorder.record(queueLog: connected(old, "1005", at: 11))
        }
        defer { try? store.close() }
        #expect(problems.all.isEmpty, "\(problems.all)")
        let last = try store.lastAgents(from: WallTime(secondsSince1970: 500))
        #expect(last == ["13800000001": "1002", "13900000002": "1003"])
    }
}
