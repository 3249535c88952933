import CallControl
import Foundation
import LabTestSupport
import Testing

@Suite("PRI D-channel capture", .serialized, .lab)
struct PRICaptureTests {
    @Test("a captured PRI call decodes in tshark: SETUP with both numbers, CONNECT, DISCONNECT with the cause")
    func captureDecodes() throws {
        let tshark = try #require(["/usr/bin/tshark", "/usr/local/bin/tshark"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                  "tshark is missing: run scripts/install-deps.sh (Debian package tshark)")
        let path = NSTemporaryDirectory() + "pri-capture-\(getpid()).pcap"
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let pair = try PRIPair(capture: path)
            #expect(pair.waitUntilReady())
            let out = CallID.next()
            let setup = CallSetup(calling: PartyNumber("13800138000", type: .national), called: PartyNumber("95588"))
            try pair.on(pair.network) { b throws(CallControlError) in try b.place(out, setup) }
            let id = try #require(pair.userSide.wait { if case .incoming = $0 { true } else { false } }.flatMap { i -> CallID? in
                if case let .incoming(id, _, _) = i { return id }
                return nil
            })
            try pair.on(pair.user) { $0.answer(id) }
            #expect(pair.networkSide.wait { $0 == .answered(out) } != nil)
            try pair.on(pair.user) { $0.release(id, cause: .userBusy) }
            #expect(pair.userSide.wait { if case .released(id, _, _) = $0 { true } else { false } } != nil)
        }
        let run = LabInstance.run(tshark, ["-r", path, "-V", "-Y", "q931"])
        #expect(run.status == 0, "\(run.output.prefix(2000))")
        let text = run.output
        #expect(text.contains("Message type: SETUP"), "\(text.prefix(3000))")
        #expect(text.contains("Message type: CONNECT"))
        #expect(text.contains("Message type: DISCONNECT"))
        #expect(text.contains("13800138000"), "calling number in the SETUP")
        #expect(text.contains("95588"), "called number in the SETUP")
        #expect(text.contains("User busy"), "the cause in the DISCONNECT")
    }
}
