import CallControl
import Foundation
import Glibc
import Synchronization

/// Two PRI spans, user and network side, joined by a SOCK_SEQPACKET socketpair (frame boundaries
/// kept), each on its own signalling thread; every indication is recorded for the test to wait on.
final class PRIPair: @unchecked Sendable {
    let user: SignallingLoop
    let network: SignallingLoop
    let userSide = Recorder()
    let networkSide = Recorder()
    let fds: [Int32]

    typealias Recorder = IndicationRecorder

    init(switchType: PRISpanConfiguration.SwitchType = .euroISDN, channels: Int = 30, overlap: Bool = false,
         capture: String? = nil) throws {
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue), 0, &pair) == 0 else { throw CallControlError("socketpair", "failed") }
        for fd in pair { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        fds = pair
        let bearers = Dictionary(uniqueKeysWithValues: (1...channels).map { c in (c > 15 && channels == 30 ? c + 1 : c, 100 + c) })
        let userSide = self.userSide
        let networkSide = self.networkSide
        user = try SignallingLoop { _, _, i in userSide.add(i) }
        network = try SignallingLoop { _, _, i in networkSide.add(i) }
        let u = PRISpan(PRISpanConfiguration(name: "user", dChannel: 0, bChannels: bearers, side: .user,
                                             switchType: switchType, overlapReceiving: overlap), descriptor: pair[0])
        let n = PRISpan(PRISpanConfiguration(name: "network", dChannel: 0, bChannels: bearers.mapValues { $0 + 100 },
                                             side: .network, switchType: switchType, overlapReceiving: overlap),
                        descriptor: pair[1])
        if getenv("PRI_PAIR_DEBUG") != nil {
            u.debugFlags = 0xffff
            u.log = { FileHandle.standardError.write(Data("U \($0)\n".utf8)) }
        }
        if let capture {
            let writer = try PcapWriter(path: capture, linkType: .linuxLAPD, networkSide: false)
            u.capture = { writer.write($1, direction: $0) }
        }
        try user.start()
        try network.start()
        user.add(u)
        network.add(n)
    }

    deinit {
        user.stop()
        network.stop()
        for fd in fds { close(fd) }
    }

    /// Wait until both D-channels are up and every channel is idle on both sides.
    func waitUntilReady(channels: Int = 30) -> Bool {
        func ready(_ r: Recorder) -> Bool {
            r.wait(15) { if case .link(_, true) = $0 { true } else { false } } != nil
        }
        guard ready(userSide), ready(networkSide) else { return false }
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if idleCount(user) == channels && idleCount(network) == channels { return true }
            usleep(20_000)
        }
        return false
    }

    func idleCount(_ loop: SignallingLoop) -> Int { loop.idleChannels() }

    func on(_ loop: SignallingLoop, _ body: @escaping @Sendable (any SignallingBackend) throws(CallControlError) -> Void) throws {
        try loop.onBackend(body)
    }
}
