import Foundation
import Glibc
import LabTestSupport
import Testing

/// What `pstnd` costs when nothing happens: its schedulers (fax jobs, campaigns) look for work
/// once a second and must sleep in between, or they take a core from the media loop.
@Suite("An idle pstnd", .labAlone)
struct IdleLabTests {
    @Test("with fax and a running campaign and nothing to do, pstnd stays nearly idle")
    func idleCPU() throws {
        let lab = try LabInstance(lab: LabFiles.e1Pair())
        let engine = try EngineProcess(lab: lab, config: """
        dahdi: DAHDI
        events: EVENTS
        store: STORE
        control: { socket: SOCKET }
        fax: { dir: \(lab.directory)/fax }
        trunks:
          - { name: e1, type: pri, group: carrier, dchannel: 16, bchannels: "1-15,17-31", side: user, switch: euroisdn, line: E1 }
        routes:
          - { called: "*", to: { reject: 1 } }
        acd:
          queues: [ { name: sales } ]
          campaigns: [ { name: idle, queue: sales, trunk_group: carrier, start: true } ]
        """)
        defer { engine.stop() }
        #expect(engine.waitForControl(), "\(engine.log)")
        sleep(2)  // the trunks started, and past each scheduler's first pause
        let pid = engine.process.processIdentifier
        let before = try #require(Self.cpuSeconds(pid))
        sleep(2)
        let used = try #require(Self.cpuSeconds(pid)) - before
        #expect(used < 0.5, "pstnd used \(used) s of CPU in 2 idle seconds")
    }

    /// User and system CPU time the process has used, from /proc.
    static func cpuSeconds(_ pid: pid_t) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // The fields after the command name (which may hold spaces) start with the 3rd, the
        // state; utime and stime are the 14th and 15th.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
