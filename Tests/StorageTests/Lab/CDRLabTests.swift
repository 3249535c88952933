import CallControl
import Foundation
import LabTestSupport
import PSTNEngine
import Storage
import Testing

/// Calls made on an emulated analog line, through real call control, into the store.
@Suite("CDRs of calls on the lab", .serialized)
struct CDRLabTests {
    static let lab = """
    cards:
      - name: stations
        ports: [fxs]
      - name: phones
        ports: [fxo]
    cables:
      - { name: line, a: stations/port1, b: phones/port1 }
    """
    static let stationPort = 1
    static let phonePort = 2

    @Test("a phone lifted, answered by an application and hung up leaves one closed CDR with its event log")
    func liftAnswerHangUp() async throws {
        let lab = try LabInstance(lab: Self.lab)
        defer { lab.stop() }
        let dir = ScratchDirectory()
        let store = try CallStore.open(at: dir.storePath)
        defer { try? store.close() }
        let problems = ProblemLog()
        let recorder = CDRRecorder(store: store) { problems.add($0) }

        let routing = RoutingTable(routes: [
            .init(called: try NumberPattern("100"), destination: .application(name: "echo", argument: nil),
                  origin: "hotline"),
        ])
        let control = try CallControl(routing: routing, trunkGroups: [TrunkGroup(name: "stations", members: ["fxs"])])
        try control.start()
        defer { control.stop() }
        try await control.add(HotlineStationBackend(name: "fxs", port: Self.stationPort, dahdi: lab.dahdi, hotline: "100"))

        // The application's part: answer what is routed to it. Every event also goes to the store.
        let events = Task {
            for await event in control.events {
                recorder.record(event)
                if case let .routed(id, .application, _) = event { try? await control.answer(id) }
            }
        }
        defer { events.cancel() }

        let phone = try DAHDIChannel(number: Self.phonePort, in: lab.dahdi)
        try phone.hook(.offHook)
        let open = try await Self.waitFor(store, recorder) { $0.first { $0.fields.answeredAt != nil } }
        #expect(open.fields.state == .open)
        try phone.hook(.onHook)
        let closed = try await Self.waitFor(store, recorder) { $0.first { $0.fields.state == .closed } }

        #expect(problems.all.isEmpty, "\(problems.all)")
        #expect(closed.id == open.id)
        #expect(closed.fields.backend == "fxs" && closed.fields.trunkGroup == "stations")
        #expect(closed.fields.channel == Self.stationPort)
        #expect(closed.fields.called == "100" && closed.fields.application == "echo")
        #expect(closed.fields.cause == .normalClearing && closed.fields.releasedBy == .remote)
        let kinds = try store.events(ofCall: closed.id).map(\.kind)
        #expect(kinds == ["offered", "routed", "answered", "released"], "the log holds \(kinds)")
        #expect(try store.integrityCheck() == ["ok"])
        await recorder.stop()
    }

    /// Polls the store (flushing the recorder) until `found` picks a CDR; a generous minute at most.
    static func waitFor(_ store: CallStore, _ recorder: CDRRecorder,
                        _ found: ([CallRecord]) -> CallRecord?) async throws -> CallRecord {
        let deadline = ContinuousClock.now + .seconds(60)
        var seen: [CallRecord] = []
        while ContinuousClock.now < deadline {
            await recorder.flush()
            seen = try store.calls(matching: CDRQuery())
            if let record = found(seen) { return record }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the store never held the CDR looked for; it held \(seen)")
        throw CancellationError()
    }
}
