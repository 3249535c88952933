import CLibSS7
import Synchronization

/// libss7's process-wide callbacks carry only the `struct ss7 *`: the linksets register here so
/// that libss7's words, its hang-up requests and its freed calls reach the right linkset.
enum SS7Library {
    private static let linksets = Mutex<[UInt: UncheckedBox<SS7LinksetHandle>]>([:])
    private static let installed = Mutex(false)

    /// What a linkset offers libss7's callbacks; called on the signalling thread, inside libss7.
    final class SS7LinksetHandle {
        weak var linkset: SS7Linkset?
        let log: @Sendable (String) -> Void
        init(linkset: SS7Linkset, log: @escaping @Sendable (String) -> Void) {
            self.linkset = linkset
            self.log = log
        }
    }

    static func key(_ ss7: OpaquePointer?) -> UInt {
        ss7.map { UInt(bitPattern: Int(bitPattern: UnsafeRawPointer($0))) } ?? 0
    }

    static func install() {
        installed.withLock { done in
            guard !done else { return }
            done = true
            ss7_set_message { ss7, text in SS7Library.forward(ss7, text, "message") }
            ss7_set_error { ss7, text in SS7Library.forward(ss7, text, "error") }
            ss7_set_hangup { ss7, cic, dpc, cause, action in
                SS7Library.handle(ss7)?.linkset?.libraryHangup(cic: Int(cic), cause: Int(cause), action: action) ?? SS7_CIC_NOT_EXISTS
            }
            ss7_set_call_null { ss7, call, _ in
                if let call { SS7Library.handle(ss7)?.linkset?.libraryFreed(call) }
            }
            ss7_set_notinservice { ss7, cic, _ in
                SS7Library.handle(ss7)?.log("CIC \(cic) is not in service")
            }
        }
    }

    static func register(_ ss7: OpaquePointer, _ handle: SS7LinksetHandle) {
        linksets.withLock { $0[key(ss7)] = UncheckedBox(handle) }
    }

    static func unregister(_ ss7: OpaquePointer) {
        _ = linksets.withLock { $0.removeValue(forKey: key(ss7)) }
    }

    private static func handle(_ ss7: OpaquePointer?) -> SS7LinksetHandle? {
        linksets.withLock { $0[key(ss7)]?.value }
    }

    private static func forward(_ ss7: OpaquePointer?, _ text: UnsafeMutablePointer<CChar>?, _ kind: String) {
        guard let text, let h = handle(ss7) else { return }
        h.log("libss7 \(kind): \(String(cString: text).trimmingCharacters(in: "\n"))")
    }
}
