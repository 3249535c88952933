// Opens a call store, records N calls as offered (every other one answered), waits until they
// are written, prints "ready" and sleeps until it is killed. The crash-recovery test SIGKILLs it
// with the calls still up and checks what the next open of the store finds.
import CallControl
import Glibc
import Storage

/// Writes a line straight to a file descriptor (unbuffered, so it is out before any kill).
func say(_ text: String, to fd: Int32 = STDERR_FILENO) {
    let line = text + "\n"
    _ = line.withCString { write(fd, $0, strlen($0)) }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]), count >= 0 else {
    say("usage: pstn-store-crashtest <store path> <number of calls>")
    exit(2)
}

do {
    let store = try CallStore.open(at: arguments[1])
    let recorder = CDRRecorder(store: store) { problem in say("problem: \(problem)") }
    for n in 0..<count {
        let id = CallID.next()
        let setup = CallSetup(calling: PartyNumber("55510\(n)"), called: PartyNumber("2000"))
        recorder.record(.offered(CallLeg(id: id, backend: "span1", trunkGroup: "pri", direction: .inbound,
                                         channel: n + 1, setup: setup, at: .now())))
        if n % 2 == 0 { recorder.record(.answered(id)) }
    }
    await recorder.flush()
    say("ready \(store.runID)", to: STDOUT_FILENO)
    while true { sleep(60) }
} catch {
    say("\(error)")
    exit(1)
}
