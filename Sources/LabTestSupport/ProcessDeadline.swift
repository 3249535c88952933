import Foundation
import Glibc

extension Process {
    /// Wait up to `seconds` for the process to end; past that, kill it and return false.
    public func finish(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { usleep(20_000) }
        guard isRunning else {
            waitUntilExit()
            return true
        }
        kill(processIdentifier, SIGKILL)
        waitUntilExit()
        return false
    }
}
