@testable import CallControl
import Testing

/// ITU frames as the far end (point code 2) sends them to the engine (point code 1).
enum SS7Frames {
    static func mtp2(bsn: UInt8 = 127, bib: UInt8 = 1, fsn: UInt8 = 127, fib: UInt8 = 1, _ payload: [UInt8]) -> [UInt8] {
        [bsn | bib << 7, fsn | fib << 7, UInt8(min(payload.count, 63))] + payload + [0, 0]
    }

    /// SIO and routing label for service indicator `si`, national network.
    static func label(si: UInt8, dpc: UInt32 = 1, opc: UInt32 = 2) -> [UInt8] {
        [0x80 | si, UInt8(dpc & 0xff), UInt8((dpc >> 8) & 0x3f) | UInt8((opc & 0x3) << 6),
         UInt8((opc >> 2) & 0xff), UInt8((opc >> 10) & 0x0f)]
    }

    /// An IAM on `cic` to `called` (BCD digits), with `optional` parameters after it.
    static func iam(cic: UInt16 = 1, calledLength: Int = 4, optional: [UInt8] = [], opc: UInt32 = 2) -> [UInt8] {
        let called = Array(([0x03, 0x10] + [UInt8](repeating: 0x21, count: 64)).prefix(calledLength))
        var isup: [UInt8] = [UInt8(cic & 0xff), UInt8(cic >> 8), 0x01, 0x00, 0x60, 0x01, 0x0a, 0x00]
        isup += [2, optional.isEmpty ? 0 : UInt8(1 + 1 + called.count)]
        isup += [UInt8(called.count)] + called
        if !optional.isEmpty { isup += optional + [0] }
        return mtp2(label(si: 5, opc: opc) + isup)
    }

    static func rel(cause: [UInt8] = [0x80, 0x90]) -> [UInt8] {
        mtp2(label(si: 5) + [1, 0, 0x0c, 2, 0, UInt8(cause.count)] + cause)
    }
}

@Suite("SS7 frame check in front of libss7")
struct SS7FrameGuardTests {
    func fresh() -> SS7FrameGuard { SS7FrameGuard(ansi: false, ownPointCode: 1, farPointCode: 2) }

    func dropped(_ frame: [UInt8]) -> Bool {
        var g = fresh()
        if case .drop = g.received(frame[...]) { return true }
        return false
    }

    @Test("well-formed FISU, LSSU, IAM with a calling number, REL and SLTM pass")
    func wellFormed() {
        #expect(!dropped(SS7Frames.mtp2([])))
        #expect(!dropped([0xff, 0xff, 1, 2, 0, 0]), "SIE")
        #expect(!dropped(SS7Frames.iam()))
        #expect(!dropped(SS7Frames.iam(optional: [0x0a, 5, 0x03, 0x13, 0x21, 0x43, 0x05])))
        #expect(!dropped(SS7Frames.rel()))
        #expect(!dropped(SS7Frames.mtp2(SS7Frames.label(si: 1) + [0x11, 0x40, 1, 2, 3, 4])), "SLTM with a 4-byte pattern")
    }

    @Test("frames that would overrun libss7 are dropped with a reason", arguments: [
        ("too short", [UInt8]([0x80, 0x80, 0])),
        ("LI spare bits", [0xff, 0xff, 0x40, 0, 0]),
        ("LSSU status 9", [0xff, 0xff, 1, 9, 0, 0]),
        ("LSSU LI 2 on one byte", [0xff, 0xff, 2, 1, 0, 0]),
        ("MSU with LI lying", [0xff, 0xff, 20, 0x85, 1, 0, 0]),
        ("no routing label", SS7Frames.mtp2([0x85, 1, 0])),
        ("not our point code", SS7Frames.mtp2(SS7Frames.label(si: 5, dpc: 7) + [1, 0, 0x10, 0])),
        ("ISUP from a stranger", SS7Frames.iam(opc: 9)),
        ("called number of 60 bytes", SS7Frames.iam(calledLength: 60)),
        ("called number of 1 byte", SS7Frames.iam(calledLength: 1)),
        ("generic name of 40 bytes", SS7Frames.iam(optional: [0xc7, 40] + [UInt8](repeating: 0x41, count: 40))),
        ("redirection info of 5 bytes", SS7Frames.iam(optional: [0x13, 5, 1, 2, 3, 4, 5])),
        ("REL with a 1-byte cause", SS7Frames.rel(cause: [0x80])),
        ("REL pointer past the end", SS7Frames.mtp2(SS7Frames.label(si: 5) + [1, 0, 0x0c, 40, 0])),
        ("zero pointer", SS7Frames.mtp2(SS7Frames.label(si: 5) + [1, 0, 0x0c, 0, 0, 2, 0x80, 0x90])),
        ("optional part without end", SS7Frames.mtp2(SS7Frames.label(si: 5) + [1, 0, 0x09, 1, 0x12, 2, 0x80, 0x90])),
        ("CQR", SS7Frames.mtp2(SS7Frames.label(si: 5) + [1, 0, 0x2b, 2, 3, 1, 4, 1, 0])),
        ("unknown type", SS7Frames.mtp2(SS7Frames.label(si: 5) + [1, 0, 0x77])),
        ("CGB range 200", SS7Frames.mtp2(SS7Frames.label(si: 5) + [1, 0, 0x18, 0, 1, 2, 200, 0xff, 0xff, 0xff, 0xff])),
        ("CGB status shorter than its range", SS7Frames.mtp2(SS7Frames.label(si: 5) + [1, 0, 0x18, 0, 1, 2, 20, 0xff])),
        ("SLTM pattern length lies", SS7Frames.mtp2(SS7Frames.label(si: 1) + [0x11, 0xf0, 1, 2])),
        ("changeover without its FSN", SS7Frames.mtp2(SS7Frames.label(si: 0) + [0x11])),
        ("CIC spare bits", SS7Frames.mtp2(SS7Frames.label(si: 5) + [1, 0xf0, 0x10, 0])),
    ])
    func malformed(_ name: String, _ frame: [UInt8]) {
        var g = fresh()
        guard case let .drop(why) = g.received(frame[...]) else {
            Issue.record("\(name) passed")
            return
        }
        #expect(!why.isEmpty)
    }

    @Test("a BSN acknowledging what was never sent is dropped; one inside the window passes")
    func sequenceWindow() {
        var g = fresh()
        #expect(g.received(SS7Frames.mtp2(bsn: 5, [])[...]) != .pass, "nothing was sent yet")
        for fsn: UInt8 in 0...3 { g.sent(SS7Frames.mtp2(fsn: fsn, SS7Frames.label(si: 5) + [1, 0, 0x10, 0])[...]) }
        #expect(g.received(SS7Frames.mtp2(bsn: 2, [])[...]) == .pass)
        #expect(g.received(SS7Frames.mtp2(bsn: 9, [])[...]) != .pass)
        #expect(g.received(SS7Frames.mtp2(bsn: 3, [])[...]) == .pass)
    }

    @Test("after a negative acknowledgement nothing libss7 has not sent again may be acknowledged")
    func retransmission() {
        var g = fresh()
        for fsn: UInt8 in 0...5 { g.sent(SS7Frames.mtp2(fsn: fsn, SS7Frames.label(si: 5) + [1, 0, 0x10, 0])[...]) }
        // BIB 0 against our FIB 1: retransmit from 2 on.
        #expect(g.received(SS7Frames.mtp2(bsn: 1, bib: 0, [])[...]) == .pass)
        #expect(g.received(SS7Frames.mtp2(bsn: 4, bib: 0, [])[...]) != .pass, "3 and 4 are not sent again yet")
        for fsn: UInt8 in 2...4 { g.sent(SS7Frames.mtp2(fsn: fsn, fib: 0, SS7Frames.label(si: 5) + [1, 0, 0x10, 0])[...]) }
        #expect(g.received(SS7Frames.mtp2(bsn: 4, bib: 0, [])[...]) == .pass)
    }

    @Test("alignment starts the sequence numbers again")
    func realignment() {
        var g = fresh()
        for fsn: UInt8 in 0...10 { g.sent(SS7Frames.mtp2(fsn: fsn, SS7Frames.label(si: 5) + [1, 0, 0x10, 0])[...]) }
        #expect(g.received(SS7Frames.mtp2(bsn: 10, [])[...]) == .pass)
        g.sent([0xff, 0xff, 1, 1, 0, 0][...])
        #expect(g.received(SS7Frames.mtp2(bsn: 127, [])[...]) == .pass)
        #expect(g.received(SS7Frames.mtp2(bsn: 3, [])[...]) != .pass)
    }
}
