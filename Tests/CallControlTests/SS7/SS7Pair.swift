import CallControl
import Foundation
import Glibc
import Synchronization

/// Two SS7 linksets, point codes 1 and 2, joined by `links` SOCK_SEQPACKET socketpairs, each on its
/// own signalling thread; every indication is recorded.
final class SS7Pair: @unchecked Sendable {
    let engine: SignallingLoop
    let far: SignallingLoop
    let engineSide = IndicationRecorder()
    let farSide = IndicationRecorder()
    var fds: [[Int32]] = []

    init(links: Int = 1, circuits: Int = 30, extraFarCircuit: Bool = false) throws {
        for _ in 0..<links {
            var pair: [Int32] = [0, 0]
            guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue), 0, &pair) == 0 else { throw CallControlError("socketpair", "failed") }
            for fd in pair { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            fds.append(pair)
        }
        let cics = Dictionary(uniqueKeysWithValues: (1...circuits).map { ($0, 100 + $0) })
        let engineSide = self.engineSide
        let farSide = self.farSide
        engine = try SignallingLoop { _, _, i in engineSide.add(i) }
        far = try SignallingLoop { _, _, i in farSide.add(i) }
        let a = SS7Linkset(SS7LinksetConfiguration(
            name: "engine", variant: .itu, networkIndicator: .national, originatingPointCode: 1, destinationPointCode: 2,
            links: (0..<links).map { .init(channel: 0, slc: $0) }, circuits: cics), descriptors: fds.map { $0[0] })
        let b = SS7Linkset(SS7LinksetConfiguration(
            name: "far", variant: .itu, networkIndicator: .national, originatingPointCode: 2, destinationPointCode: 1,
            links: (0..<links).map { .init(channel: 0, slc: $0) },
            circuits: cics.mapValues { $0 + 100 }.merging(extraFarCircuit ? [circuits + 1: 300] : [:]) { a, _ in a }),
            descriptors: fds.map { $0[1] })
        if getenv("SS7_PAIR_DEBUG") != nil {
            a.debugFlags = 0x7
            a.log = { FileHandle.standardError.write(Data("A \($0)\n".utf8)) }
        }
        try engine.start()
        try far.start()
        engine.add(a)
        far.add(b)
    }

    deinit {
        engine.stop()
        far.stop()
        for p in fds { for fd in p { close(fd) } }
    }

    func states(_ loop: SignallingLoop) -> [ChannelStatus] { loop.backendStates() }

    func idle(_ loop: SignallingLoop) -> Int { loop.idleChannels() }

    func waitUntilReady(circuits: Int = 30, seconds: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if idle(engine) == circuits && idle(far) == circuits { return true }
            usleep(50_000)
        }
        return false
    }

    func on(_ loop: SignallingLoop, _ body: @escaping @Sendable (any SignallingBackend) throws(CallControlError) -> Void) throws {
        try loop.onBackend(body)
    }
}
