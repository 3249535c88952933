import CSpanDSP
import Foundation

/// One T.30 fax session over audio (spandsp's `fax_state_t`): the sending or the receiving side
/// of a call. Fed the line's samples with `receive` and asked for what to send with `transmit`,
/// both from one thread at a time (the fax worker); never from the media thread.
public final class FaxSession: @unchecked Sendable {
    /// Which side of the fax this session is.
    public enum Role: Sendable, Equatable {
        /// Send the TIFF-F document at this path (the calling side unless `answering`).
        case send(document: String)
        /// Receive into a TIFF file at this path.
        case receive(into: String)
    }

    /// How the session presents itself and what it offers.
    public struct Options: Sendable, Equatable {
        /// Station ident (TSI/CSI), up to 20 characters of digits, space and +.
        public var ident: String
        /// The text at the top of each sent page, with date, time and page number; nil for none.
        public var headerInfo: String?
        public var ecm: Bool
        public var v17: Bool

        public init(ident: String = "", headerInfo: String? = nil, ecm: Bool = true, v17: Bool = true) {
            self.ident = ident
            self.headerInfo = headerInfo
            self.ecm = ecm
            self.v17 = v17
        }
    }

    public let role: Role
    private let state: OpaquePointer
    private let t30: OpaquePointer
    private var samples = 0
    private var finishedCode: Int32?

    /// `callingParty`: whether this side placed the call (it then waits for the answerer's
    /// tones rather than sending its own).
    public init(role: Role, callingParty: Bool, options: Options = Options()) throws(FaxError) {
        self.role = role
        if case let .send(document) = role {
            let pages = try FaxPages.count(path: document)
            guard pages > 0 else { throw FaxError("send", document, "the document has no pages") }
        }
        guard let state = fax_init(nil, callingParty ? 1 : 0), let t30 = fax_get_t30_state(state) else {
            throw FaxError("start a fax session", "", "spandsp could not allocate one")
        }
        self.state = state
        self.t30 = t30
        span_log_set_level(fax_get_logging_state(state), Int32(SPAN_LOG_NONE))
        span_log_set_level(t30_get_logging_state(t30), Int32(SPAN_LOG_NONE))
        fax_set_transmit_on_idle(state, 1)
        t30_set_tx_ident(t30, String(options.ident.prefix(20)))
        if let header = options.headerInfo { t30_set_tx_page_header_info(t30, String(header.prefix(50))) }
        t30_set_ecm_capability(t30, options.ecm ? 1 : 0)
        var modems = Int32(T30_SUPPORT_V27TER | T30_SUPPORT_V29)
        if options.v17 { modems |= Int32(T30_SUPPORT_V17) }
        t30_set_supported_modems(t30, modems)
        t30_set_supported_compressions(t30, Int32(T30_SUPPORT_T4_1D_COMPRESSION
                                                  | T30_SUPPORT_T4_2D_COMPRESSION
                                                  | T30_SUPPORT_T6_COMPRESSION))
        switch role {
        case let .send(document): t30_set_tx_file(t30, document, -1, -1)
        case let .receive(path): t30_set_rx_file(t30, path, -1)
        }
        t30_set_phase_e_handler(t30, { _, context, code in
            guard let context else { return }
            Unmanaged<FaxSession>.fromOpaque(context).takeUnretainedValue().finishedCode = code
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        // fax_free releases the T.30 state (closing its TIFF files) itself; fax_release first
        // would release it twice.
        fax_free(state)
    }

    /// Whether T.30 has ended (successfully or not): `outcome` is final.
    public var isFinished: Bool { finishedCode != nil }

    /// The far end's audio, in order.
    public func receive(_ audio: UnsafeBufferPointer<Int16>) {
        guard let base = audio.baseAddress, !audio.isEmpty else { return }
        _ = fax_rx(state, UnsafeMutablePointer(mutating: base), Int32(audio.count))
        samples += audio.count
    }

    /// Fill `output` with what to send next (silence while T.30 has nothing to say).
    public func transmit(into output: UnsafeMutableBufferPointer<Int16>) {
        guard let base = output.baseAddress, !output.isEmpty else { return }
        var done = 0
        while done < output.count {
            let got = Int(fax_tx(state, base + done, Int32(output.count - done)))
            if got <= 0 { break }
            done += got
        }
        if done < output.count { (base + done).update(repeating: 0, count: output.count - done) }
    }

    /// End the session now (the call dropped, or it ran too long): T.30 finishes with the
    /// result that fits where it stood, and a received file keeps the pages completed.
    public func terminate() {
        guard finishedCode == nil else { return }
        t30_terminate(t30)
        if finishedCode == nil { finishedCode = Int32(T30_ERR_CALLDROPPED) }
    }

    /// What the session did so far (final once `isFinished`).
    public var outcome: FaxOutcome {
        var stats = t30_stats_t()
        t30_get_transfer_statistics(t30, &stats)
        let code = finishedCode ?? Int32(stats.current_status)
        let ident = t30_get_rx_ident(t30).map { String(cString: $0).trimmingCharacters(in: .whitespaces) }
        let sending: Bool
        if case .send = role { sending = true } else { sending = false }
        return FaxOutcome(resultCode: code, resultText: FaxCompletion(code: code).text,
                          pages: Int(sending ? stats.pages_tx : stats.pages_rx),
                          pagesInDocument: sending && stats.pages_in_file >= 0 ? Int(stats.pages_in_file) : nil,
                          remoteIdent: ident?.isEmpty == false ? ident : nil,
                          bitRate: Int(stats.bit_rate), ecm: stats.error_correcting_mode != 0,
                          xDPI: Self.dpi(stats.x_resolution), yDPI: Self.dpi(stats.y_resolution),
                          seconds: Double(samples) / 8000)
    }

    /// Pixels per metre to dots per inch (T.4's 8.04 mm⁻¹ is 204 dpi, 3.85 line/mm is 98).
    static func dpi(_ perMetre: Int32) -> Int {
        Int((Double(perMetre) * 0.0254).rounded())
    }
}
