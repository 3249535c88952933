import CallControl

/// Where the IVR's `fax` nodes get documents faxed from (fax-on-demand). The daemon implements
/// it over its fax center; the IVR only asks.
public protocol IVRFaxDesk: Sendable {
    /// Whether the library has a document with this number.
    func hasDocument(_ number: String) -> Bool
    /// Transmit document `number` on `call` now, the caller's fax machine receiving; the fax
    /// center takes the call from here (and hangs up when done).
    func sendOnCall(_ call: CallID, document number: String, caller: String?)
    /// Queue a job faxing document `number` to `destination` (a callback); the job's id.
    func sendLater(document number: String, to destination: String, for call: CallID) throws -> Int64
}

/// A `fax` node: fax a library document to the caller, on this call (they press start on their
/// fax machine) or by calling `to` back. Values may use `{variable}`.
public struct IVRFax: Sendable, Equatable {
    /// The document's number in the fax library.
    public var document: String
    /// The number to fax it to by a callback; nil: on this call.
    public var to: String?
    /// Played first ("press start now", or "your fax will be sent").
    public var prompts: [String]
    /// The variable that gets the callback job's id.
    public var variable: String?
    /// Where to go after a callback is queued (a same-call fax ends the flow).
    public var next: String?
    /// Where to go when there is no such document or the number is not usable.
    public var onError: String
}
