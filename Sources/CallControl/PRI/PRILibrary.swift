import CLibPRI
import Synchronization

/// libpri's process-wide hooks: its error and message callbacks carry only the `struct pri *`,
/// so the spans register there to have libpri's words reach their own log, never stdout.
enum PRILibrary {
    private static let sinks = Mutex<[UInt: (String, @Sendable (String) -> Void)]>([:])
    private static let installed = Mutex(false)

    static func installLogging() {
        installed.withLock { done in
            guard !done else { return }
            done = true
            pri_set_error { ctrl, text in PRILibrary.forward(ctrl, text, prefix: "error") }
            pri_set_message { ctrl, text in PRILibrary.forward(ctrl, text, prefix: "message") }
        }
    }

    static func register(_ pri: OpaquePointer, name: String, log: @escaping @Sendable (String) -> Void) {
        sinks.withLock { $0[UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(pri)))] = (name, log) }
    }

    static func unregister(_ pri: OpaquePointer) {
        _ = sinks.withLock { $0.removeValue(forKey: UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(pri)))) }
    }

    private static func forward(_ ctrl: OpaquePointer?, _ text: UnsafeMutablePointer<CChar>?, prefix: String) {
        guard let text else { return }
        let line = String(cString: text).trimmingCharacters(in: "\n")
        let key = ctrl.map { UInt(bitPattern: Int(bitPattern: UnsafeRawPointer($0))) } ?? 0
        guard let (name, log) = sinks.withLock({ $0[key] }) else { return }
        log("\(name): libpri \(prefix): \(line)")
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
