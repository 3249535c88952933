/// What a finished T.30 session did: the result, and what was agreed and moved on the way.
public struct FaxOutcome: Sendable, Equatable, Codable {
    /// spandsp's `t30_err_e` (0 = OK).
    public var resultCode: Int32
    public var resultText: String
    /// Pages moved (received, or sent).
    public var pages: Int
    /// Pages in the document being sent (nil when receiving or unknown).
    public var pagesInDocument: Int?
    /// The far end's station ident (TSI or CSI), trimmed; nil when it sent none.
    public var remoteIdent: String?
    /// Modem bit rate of the last page, 0 when no page was trained for.
    public var bitRate: Int
    public var ecm: Bool
    /// Resolution of the last page in dots per inch, horizontally and vertically.
    public var xDPI: Int
    public var yDPI: Int
    /// Seconds of line audio the session ran for.
    public var seconds: Double
    /// Samples the line had to send as silence because the worker was late (set by the worker).
    public var underrunSamples: Int?

    public var succeeded: Bool { resultCode == 0 }
    /// Some pages arrived but the session failed.
    public var partial: Bool { !succeeded && pages > 0 }
    public var completion: FaxCompletion { FaxCompletion(code: resultCode) }
}
