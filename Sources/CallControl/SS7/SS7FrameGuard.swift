/// The frame check in front of libss7 on one signalling link: every frame from the far end is
/// checked at MTP2 (Q.703), MTP3 (Q.704) and ISUP (Q.763) level before libss7 sees it, because
/// libss7 2.0 trusts lengths, pointers and sequence numbers and a malformed frame can corrupt
/// its heap. Frames libss7 sends are watched too, to know which sequence numbers the far end
/// may acknowledge. Frames carry DAHDI's 2 trailing FCS bytes both ways.
struct SS7FrameGuard {
    enum Verdict: Equatable {
        case pass
        case drop(String)
    }

    let ansi: Bool
    /// Our point code: the DPC of every MSU we accept.
    let ownPointCode: UInt32
    /// The adjacent point code: the OPC of every ISUP message we accept.
    let farPointCode: UInt32

    /// The FSN of the newest message signal unit libss7 sent.
    private var lastSentFSN: UInt8 = 127
    /// The newest BSN the far end sent that we passed.
    private var lastAckedBSN: UInt8 = 127
    /// The forward indicator bit libss7 sends now.
    private var ourFIB: UInt8 = 1
    /// After a negative acknowledgement: the newest FSN libss7 has sent again so far; the far
    /// end may not acknowledge beyond it until the retransmission is done (libss7 frees a
    /// buffer it is still about to retransmit if it is acknowledged early).
    private var retransmittedUpTo: UInt8?

    init(ansi: Bool, ownPointCode: UInt32, farPointCode: UInt32) {
        self.ansi = ansi
        self.ownPointCode = ownPointCode
        self.farPointCode = farPointCode
    }

    private var labelLength: Int { ansi ? 7 : 4 }

    /// `b` steps after `a` (mod 128), within the half of the sequence space ahead of it.
    private static func distance(from a: UInt8, to b: UInt8) -> Int { Int((b &- a) & 0x7f) }

    // MARK: Sent by libss7

    mutating func sent(_ frame: ArraySlice<UInt8>) {
        let f = Array(frame)
        guard f.count >= 5 else { return }
        let fsn = f[1] & 0x7f
        ourFIB = f[1] >> 7
        let li = f[2] & 0x3f
        if li == 1 || li == 2 {
            // Alignment (LSSU): libss7 starts its sequence numbers again.
            lastSentFSN = fsn
            lastAckedBSN = fsn
            retransmittedUpTo = nil
            return
        }
        guard li > 2 else { return }
        if (1..<64).contains(Self.distance(from: lastSentFSN, to: fsn)) {
            lastSentFSN = fsn
        }
        if let high = retransmittedUpTo, (1..<64).contains(Self.distance(from: high, to: fsn)) {
            retransmittedUpTo = fsn
        }
        if retransmittedUpTo == lastSentFSN { retransmittedUpTo = nil }
    }

    // MARK: Received from the far end

    mutating func received(_ frame: ArraySlice<UInt8>) -> Verdict {
        let f = Array(frame)
        guard f.count >= 5 else { return .drop("frame of \(f.count) bytes is shorter than a FISU") }
        guard f.count <= 3 + 1 + 272 + 2 else { return .drop("frame of \(f.count) bytes is longer than an MSU") }
        let n = f.count - 2
        let li = Int(f[2])
        guard li & 0xc0 == 0 else { return .drop("length indicator spare bits set") }
        switch li {
        case 0:
            guard n == 3 else { return .drop("FISU with \(n - 3) bytes after its header") }
        case 1, 2:
            guard n == 3 + li else { return .drop("LSSU length indicator \(li) on \(n - 3) bytes") }
            guard f[3] <= 5 else { return .drop("LSSU status \(f[3]) is not one Q.703 defines") }
            return .pass
        default:
            let payload = n - 3
            guard payload >= 3, li == min(payload, 63) else { return .drop("MSU length indicator \(li) on \(payload) bytes") }
            if let why = messageProblem(f[3..<n]) { return .drop(why) }
        }
        return acknowledgement(bsn: f[0] & 0x7f, bib: f[0] >> 7)
    }

    /// A FISU's or MSU's backward sequence number must acknowledge something libss7 sent and has
    /// not had acknowledged yet (Q.703 "abnormal BSN"), and, while libss7 retransmits, nothing
    /// it has not sent again yet.
    private mutating func acknowledgement(bsn: UInt8, bib: UInt8) -> Verdict {
        let step = Self.distance(from: lastAckedBSN, to: bsn)
        let limit = retransmittedUpTo.map { Self.distance(from: lastAckedBSN, to: $0) }
            ?? Self.distance(from: lastAckedBSN, to: lastSentFSN)
        guard step <= limit else {
            return .drop("BSN \(bsn) acknowledges what was not sent (acknowledged \(lastAckedBSN), sent \(lastSentFSN))")
        }
        lastAckedBSN = bsn
        if bib != ourFIB, bsn != lastSentFSN {
            retransmittedUpTo = bsn
        }
        return .pass
    }

    /// The service information octet and what follows it.
    private func messageProblem(_ sif: ArraySlice<UInt8>) -> String? {
        let m = Array(sif)
        let label = labelLength
        guard m.count >= 1 + label else { return "MSU of \(m.count) bytes has no routing label" }
        let si = m[0] & 0x0f
        let dpc: UInt32
        let opc: UInt32
        if ansi {
            dpc = UInt32(m[1]) | UInt32(m[2]) << 8 | UInt32(m[3]) << 16
            opc = UInt32(m[4]) | UInt32(m[5]) << 8 | UInt32(m[6]) << 16
        } else {
            dpc = UInt32(m[1]) | UInt32(m[2] & 0x3f) << 8
            opc = UInt32(m[2] >> 6) | UInt32(m[3]) << 2 | UInt32(m[4] & 0x0f) << 10
        }
        guard dpc == ownPointCode else { return "MSU for point code \(dpc), not ours (\(ownPointCode))" }
        let body = m[(1 + label)...]
        switch si {
        case 0:
            return managementProblem(body)
        case 1, 2:
            return testProblem(body)
        case 5:
            guard opc == farPointCode else { return "ISUP from point code \(opc), not the adjacent \(farPointCode)" }
            return ISUPMessageCheck.problem(body, ansi: ansi)
        default:
            return "service indicator \(si) is not one the engine serves"
        }
    }

    /// Signalling network management (Q.704 section 15): the heading, and the parameters libss7
    /// reads for it.
    private func managementProblem(_ body: ArraySlice<UInt8>) -> String? {
        guard let heading = body.first else { return "network management message without a heading" }
        let h0 = heading & 0x0f
        let needed: Int
        switch h0 {
        case 1, 2: needed = ansi ? 2 : 1 // changeover, changeback: FSN or code
        case 4: needed = ansi ? 3 : 2    // transfer prohibited/allowed: a point code
        case 6: needed = 1               // link inhibit
        default: needed = 0
        }
        return body.count - 1 >= needed ? nil : "network management heading 0x\(String(heading, radix: 16)) without its \(needed) bytes"
    }

    /// Signalling link test message or acknowledgement (Q.707): pattern length as stated.
    private func testProblem(_ body: ArraySlice<UInt8>) -> String? {
        let m = Array(body)
        guard m.count >= 2 else { return "link test message without its length" }
        guard m[0] & 0x0f == 1, (m[0] >> 4) == 1 || (m[0] >> 4) == 2 else {
            return "link test heading 0x\(String(m[0], radix: 16)) is neither SLTM nor SLTA"
        }
        let pattern = Int(m[1] >> 4)
        guard m.count == 2 + pattern else { return "link test pattern of \(pattern) bytes in \(m.count - 2)" }
        if m[0] >> 4 == 2, pattern > 11 { return "link test acknowledgement pattern of \(pattern) bytes" }
        return nil
    }
}
