import CSpanDSP

/// How a T.30 fax session ended, as spandsp reports it (`T30_ERR_*`), with spandsp's own text
/// and what a send job should do next.
public struct FaxCompletion: Sendable, Equatable, CustomStringConvertible {
    /// The spandsp `t30_err_e` value.
    public let code: Int32

    public init(code: Int32) { self.code = code }

    public static let ok = FaxCompletion(code: Int32(T30_ERR_OK))

    public var succeeded: Bool { code == Int32(T30_ERR_OK) }

    /// spandsp's description of the result.
    public var text: String {
        guard let s = t30_completion_code_to_str(code) else { return "unknown fax result \(code)" }
        return String(cString: s)
    }

    public var description: String { succeeded ? "OK" : "\(text) (T.30 result \(code))" }

    /// What a send job does after this result.
    public enum NextStep: Sendable, Equatable {
        case done
        /// A line or far-end problem that another attempt may get past.
        case retry
        /// The document or the far end's capabilities make it fail every time.
        case fail
    }

    public var nextStep: NextStep {
        if succeeded { return .done }
        switch Int(code) {
        case T30_ERR_FILEERROR, T30_ERR_NOPAGE, T30_ERR_BADTIFF,
             T30_ERR_BADPAGE, T30_ERR_BADTAG, T30_ERR_BADTIFFHDR,
             T30_ERR_NOMEM, T30_ERR_RX_INCAPABLE, T30_ERR_INCOMPATIBLE,
             T30_ERR_NORESSUPPORT, T30_ERR_NOSIZESUPPORT:
            return .fail
        default:
            return .retry
        }
    }
}
