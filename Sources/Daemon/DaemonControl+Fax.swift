import CallControl
import Control
import FaxService
import Foundation
import Storage

/// The control commands for faxes received and fax jobs.
extension DaemonControl {
    static let faxCommands: [String: ControlCommand] = [
        "fax.list": ControlCommand(.operator, "faxes received and fax jobs, newest first (args: direction = inbound|outbound, state, limit = 100)"),
        "fax.show": ControlCommand(.operator, "one fax or job with its files (args: id)"),
        "fax.send": ControlCommand(.operator,
            "queue a fax job: a PDF, PostScript, text, image or fax TIFF to a number (args: document, to, trunk_group, at = unix time, attempts, cover = a cover page's note)"),
        "fax.cancel": ControlCommand(.operator, "cancel a fax job that has not ended; a call in progress is hung up (args: id)"),
    ]

    /// The fax center, or `unavailable` when fax is not configured.
    private var faxCenter: FaxCenter {
        get throws(ControlFailure) {
            guard let f = daemon.faxes else {
                throw ControlFailure(id: .null, code: .unavailable, message: "this daemon has no fax (configure fax: and store:)")
            }
            return f
        }
    }

    func answerFax(_ request: ControlRequest, from client: ControlPeer) async throws(ControlFailure) -> JSONValue {
        switch request.command {
        case "fax.list":
            let a = try CommandArguments(request, allowed: ["direction", "state", "limit"])
            var query = FaxQuery(limit: try a.int("limit", in: 1...100_000) ?? 100)
            if let d = try a.string("direction") {
                guard let direction = FaxRecord.Direction(rawValue: d) else { throw a.failure("fax.list: direction is inbound or outbound, not \(d)") }
                query.direction = direction
            }
            if let s = try a.string("state") {
                guard let state = FaxRecord.State(rawValue: s) else {
                    throw a.failure("fax.list: state is one of \(FaxRecord.State.allCases.map(\.rawValue).joined(separator: ", ")), not \(s)")
                }
                query.state = state
            }
            _ = try faxCenter
            let store = try store
            return .array(try stored { () throws(StorageError) in try store.faxes(matching: query) }.map(Self.json))
        case "fax.show":
            let a = try CommandArguments(request, allowed: ["id"])
            let id = Int64(try a.requiredInt("id", in: 1...Int.max))
            _ = try faxCenter
            let store = try store
            guard let fax = try stored({ () throws(StorageError) in try store.fax(id: id) }) else {
                throw ControlFailure(id: .null, code: .notFound, message: "no fax \(id)")
            }
            return Self.json(fax)
        case "fax.send":
            let a = try CommandArguments(request, allowed: ["document", "to", "trunk_group", "at", "attempts", "cover", "time_zone"])
            let document = try a.requiredString("document")
            let to = try a.requiredString("to")
            guard !to.isEmpty, to.count <= 32, to.allSatisfy({ "0123456789*#".contains($0) }) else {
                throw a.failure("fax.send: to must be a number (digits, * and #), not \(to)")
            }
            let group = try a.requiredString("trunk_group")
            guard daemon.resolved.trunkGroups.contains(where: { $0.name == group }) else {
                throw ControlFailure(id: .null, code: .notFound, message: "fax.send: no trunk group \(group)")
            }
            guard document.hasPrefix("/") else { throw a.failure("fax.send: document must be an absolute path, not \(document)") }
            let at = try a.double("at", in: 0...4_102_444_800).map { Date(timeIntervalSince1970: $0) }
            let attempts = try a.int("attempts", in: 1...20)
            let cover = try a.string("cover")
            if let cover, cover.utf8.count > 4000 { throw a.failure("fax.send: a cover note is at most 4000 bytes") }
            let zone = try a.string("time_zone")
            if let zone, zone.utf8.count > 64 || TimeZone(identifier: zone) == nil {
                throw a.failure("fax.send: time_zone must be an IANA time zone such as America/New_York, not \(zone)")
            }
            let center = try faxCenter
            // Read with the operator's rights, not the daemon's.
            let copy = try PeerDocument.copy(document, for: client, into: center.spoolFolder)
            defer { try? FileManager.default.removeItem(atPath: (copy as NSString).deletingLastPathComponent) }
            guard let job = try stored({ () throws(StorageError) in
                try center.submit(document: copy, source: document, to: to, trunkGroup: group, notBefore: at,
                                  timeZone: zone, attempts: attempts, cover: cover)
            }) else { throw ControlFailure(id: .null, code: .failed, message: "fax.send: the job was not stored") }
            daemon.log.notice("control: \(client) queued fax job \(job.id) to \(to): \(job.state.rawValue)")
            return Self.json(job)
        case "fax.cancel":
            let a = try CommandArguments(request, allowed: ["id"])
            let id = Int64(try a.requiredInt("id", in: 1...Int.max))
            let center = try faxCenter
            let cancelled: Bool
            do { cancelled = try await center.cancel(id) } catch {
                throw ControlFailure(id: .null, code: .failed, message: error.description)
            }
            guard cancelled else { throw ControlFailure(id: .null, code: .notFound, message: "no fax job \(id) that has not ended") }
            daemon.log.notice("control: \(client) cancelled fax job \(id)")
            return .object(["id": .number(Double(id)), "state": .string("cancelled")])
        default:
            throw ControlFailure(id: .null, code: .unknownCommand, message: "no command \(request.command)")
        }
    }

    static func json(_ f: FaxRecord) -> JSONValue {
        func num(_ v: Int?) -> JSONValue { v.map { .number(Double($0)) } ?? .null }
        func str(_ v: String?) -> JSONValue { v.map(JSONValue.string) ?? .null }
        return .object([
            "id": .number(Double(f.id)), "direction": .string(f.direction.rawValue), "state": .string(f.state.rawValue),
            "call_id": f.callID.map { .number(Double($0)) } ?? .null, "call": f.callRef.map { .number(Double($0.value)) } ?? .null,
            "calling": str(f.calling), "called": str(f.called), "remote_ident": str(f.remoteIdent),
            "pages": .number(Double(f.pages)), "document_pages": num(f.documentPages), "x_dpi": num(f.xDPI), "y_dpi": num(f.yDPI),
            "bit_rate": num(f.bitRate), "ecm": f.ecm.map(JSONValue.bool) ?? .null, "seconds": f.seconds.map { .number($0) } ?? .null,
            "result_code": num(f.resultCode), "result": str(f.result), "tiff": str(f.tiffPath), "pdf": str(f.pdfPath),
            "source": str(f.source), "trunk_group": str(f.trunkGroup), "attempts": .number(Double(f.attempts)),
            "max_attempts": num(f.maxAttempts), "next_attempt_at": f.nextAttemptAt.map { .number($0.secondsSince1970) } ?? .null,
            "time_zone": str(f.timeZone),
            "created_at": .number(f.createdAt.secondsSince1970), "ended_at": f.endedAt.map { .number($0.secondsSince1970) } ?? .null,
        ])
    }
}
