import CallCenter
import CallControl
import Control
import FaxService
import Foundation
import Logging
import PSTNEngine
import Storage
import Synchronization

/// The daemon's faxes: receives calls routed to `{ app: fax }` (and IVR calls that turn out to
/// be fax machines), stores each as TIFF and PDF with what T.30 reported, and sends fax jobs
/// with retries inside the configured window. T.30 itself runs on the fax worker, off the
/// media thread.
final class FaxCenter: IVRFaxDesk {
    let options: FaxOptions
    private let store: CallStore
    private let calls: CallControl
    private let recorder: CDRRecorder
    private let log: Logger
    let worker: FaxWorker
    private let converter = FaxDocumentConverter()
    private let server = Mutex<ControlServer?>(nil)
    /// Calls placed for jobs, by call: the job, and the release cause once it came.
    private let attempts = Mutex<[CallID: Attempt]>([:])
    /// Calls a fax is being received or sent on, so a second session is never started on one.
    private let busy = Mutex<Set<CallID>>([])
    /// Jobs with an attempt under way.
    private let inFlight = Mutex<Set<Int64>>([])
    private let wake = LoopWakeup()
    /// Fax-on-demand's documents rendered into fax pages, by number.
    private let library = Mutex<[String: String]>([:])

    struct Attempt: Sendable {
        var job: Int64
        var answered = false
        var releasedWith: Q850Cause?
    }

    /// `sessionPriority`: SCHED_FIFO priority of the fax session threads (nil: ordinary).
    init(options: FaxOptions, store: CallStore, calls: CallControl, recorder: CDRRecorder, log: Logger,
         sessionPriority: Int32? = nil) {
        worker = FaxWorker(realtimePriority: sessionPriority)
        self.options = options
        self.store = store
        self.calls = calls
        self.recorder = recorder
        self.log = log
    }

    func publish(to server: ControlServer?) { self.server.withLock { $0 = server } }

    /// Render the fax-on-demand library into fax pages (a document that cannot be rendered is
    /// left out, with the reason in the log).
    func prepareLibrary() {
        let folder = options.dir + "/library"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var ready: [String: String] = [:]
        for (number, document) in (options.library ?? [:]).sorted(by: { $0.key < $1.key }) {
            let tiff = "\(folder)/\(number).tif"
            do {
                let pages = try converter.convert(document, to: tiff, resolution: options.documentResolution)
                ready[number] = tiff
                log.info("fax library \(number): \(pages) pages from \(document)")
            } catch {
                log.error("fax library \(number) left out: \(error)")
            }
        }
        library.withLock { $0 = ready }
    }

    /// Faxes and jobs the last run left in progress; then the job scheduler, until cancelled.
    func run() async {
        do {
            let recovered = try store.recoverFaxesLeftOpen { (try? FaxPages.count(path: $0)) ?? 0 }
            if recovered > 0 { log.warning("fax: \(recovered) faxes left in progress by the last run recovered") }
        } catch {
            log.error("fax: \(error)")
        }
        while !Task.isCancelled {
            let window = options.window.flatMap(SendWindow.init)
            if let due = try? store.queuedFaxJobs() {
                let now = WallTime.now().secondsSince1970
                for job in due where (job.nextAttemptAt?.secondsSince1970 ?? 0) <= now
                    && window?.contains(Date(), calendar: options.windowCalendar(jobTimeZone: job.timeZone)) ?? true
                    && inFlight.withLock({ $0.insert(job.id).inserted }) {
                    Task {
                        await self.attempt(job.id)
                        _ = self.inFlight.withLock { $0.remove(job.id) }
                    }
                }
            }
            await wake.wait(upTo: .seconds(1))
        }
        worker.stop()
    }

    /// Call events the fax center follows: its jobs' calls being answered or released.
    func deliver(_ event: CallEvent) {
        switch event {
        case let .answered(id):
            attempts.withLock { $0[id]?.answered = true }
        case let .released(leg):
            attempts.withLock { $0[leg.id]?.releasedWith = leg.cause ?? .normalClearing }
        default:
            break
        }
    }

    // MARK: Receiving

    /// Receive a fax on `call`: answer it unless `answered`, run T.30, store the fax, hang up.
    func receive(_ call: CallID, calling: String?, called: String, answered: Bool) async {
        guard busy.withLock({ $0.insert(call).inserted }) else { return }
        defer { busy.withLock { _ = $0.remove(call) } }
        let folder = Self.folder(options.dir, "inbound")
        let stamp = Self.stamp()
        let tiff = "\(folder)/\(stamp)-\(call.value).tif"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if !answered { try await calls.answer(call) }
        } catch {
            log.error("fax: cannot receive on \(call): \(error)")
            try? await calls.release(call, cause: .temporaryFailure)
            return
        }
        await recorder.flush()
        let id: Int64
        let session: FaxSession
        do {
            id = try store.insertReceivedFax(call: call, calling: calling, called: called, tiffPath: tiff)
            session = try FaxSession(role: .receive(into: tiff), callingParty: false, options: options.sessionOptions)
        } catch {
            log.error("fax: cannot receive on \(call): \(error)")
            try? await calls.release(call, cause: .temporaryFailure)
            return
        }
        let outcome: FaxOutcome
        do {
            outcome = try await worker.run(session, on: call, calls: calls) {
                publishEvent("fax.receiving", ["id": .number(Double(id)), "call": .number(Double(call.value)),
                                               "calling": calling.map(JSONValue.string) ?? .null, "called": .string(called)])
            }
        } catch {
            log.error("fax: cannot receive on \(call): \(error)")
            try? store.finishFax(id, FaxResultUpdate(state: .failed, result: "the call's audio could not be taken: \(error)"))
            return
        }
        try? await calls.release(call, cause: .normalClearing)
        let state: FaxRecord.State = outcome.succeeded ? .received : (outcome.pages > 0 ? .partial : .failed)
        var pdf: String?
        if options.pdf != false, outcome.pages > 0 { pdf = makePDF(tiff) }
        try? store.finishFax(id, Self.update(state, call: call, outcome, pdf: pdf))
        log.notice("fax \(id) from \(calling ?? "unknown") on \(call): \(state.rawValue), \(outcome.pages) pages, \(outcome.resultText)\(Self.underrunNote(outcome))")
        publishEvent("fax.received", ["id": .number(Double(id)), "call": .number(Double(call.value)), "state": .string(state.rawValue),
                                      "pages": .number(Double(outcome.pages)), "result": .string(outcome.resultText),
                                      "remote_ident": outcome.remoteIdent.map(JSONValue.string) ?? .null,
                                      "calling": calling.map(JSONValue.string) ?? .null, "called": .string(called)])
    }

    /// The PDF beside `tiff` (tiff2pdf), nil when it could not be made.
    private func makePDF(_ tiff: String) -> String? {
        let pdf = String(tiff.dropLast(4)) + ".pdf"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tiff2pdf")
        process.arguments = ["-o", pdf, tiff]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            log.warning("fax: no PDF of \(tiff): tiff2pdf cannot run (\(error.localizedDescription))")
            return nil
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            log.warning("fax: no PDF of \(tiff): tiff2pdf exited with \(process.terminationStatus)")
            return nil
        }
        return pdf
    }

    // MARK: Sending

    /// Where documents operators send are copied while they are rendered (see `PeerDocument`).
    var spoolFolder: String { options.dir + "/spool" }

    /// Queue a job: `document` to `called` on `trunkGroup`. A document that cannot be converted
    /// makes a failed job with the reason (nothing is dialled). The job's row. `source` is the
    /// name operators gave the document (when `document` is the daemon's own copy of it), kept
    /// with the job and used in its messages. `timeZone`: the zone the send window is read in
    /// for this job (the recipient's), nil for the configured one.
    func submit(document: String, source: String? = nil, to called: String, trunkGroup: String, notBefore: Date? = nil,
                timeZone: String? = nil, attempts maxAttempts: Int? = nil,
                cover note: String? = nil) throws(StorageError) -> FaxRecord? {
        let source = source ?? document
        let folder = Self.folder(options.dir, "outbound")
        let tiff = "\(folder)/\(Self.stamp())-\(UUID().uuidString.prefix(8)).tif"
        var pages = 0
        var failure: String?
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if let note {
                pages = try converter.convert(document, to: tiff, resolution: options.documentResolution) { count in
                    coverPage(to: called, pages: count + 1, note: note)
                }
            } else {
                pages = try converter.convert(document, to: tiff, resolution: options.documentResolution)
            }
        } catch let error as FaxError {
            failure = error.description.replacingOccurrences(of: document, with: source)
        } catch {
            failure = "cannot make the folder \(folder): \(error.localizedDescription)"
        }
        let id = try store.insertFaxJob(called: called, trunkGroup: trunkGroup, source: source,
                                        tiffPath: failure == nil ? tiff : nil, pages: pages,
                                        maxAttempts: maxAttempts ?? options.attempts ?? 3,
                                        notBefore: WallTime(secondsSince1970: (notBefore ?? Date()).timeIntervalSince1970),
                                        timeZone: timeZone, failure: failure)
        if let failure {
            log.warning("fax job \(id) to \(called) failed: \(failure)")
            publishEvent("fax.failed", ["id": .number(Double(id)), "called": .string(called), "result": .string(failure)])
        } else {
            log.notice("fax job \(id): \(pages) pages of \(source) to \(called) on \(trunkGroup)")
            wake.signal()
        }
        return try store.fax(id: id)
    }

    /// Cancel a job; a call in progress for it is hung up. False when there is nothing to cancel.
    func cancel(_ id: Int64) async throws(StorageError) -> Bool {
        guard try store.cancelFaxJob(id) else { return false }
        let call = attempts.withLock { $0.first { $0.value.job == id }?.key }
        if let call { try? await calls.release(call, cause: .normalClearing) }
        return true
    }

    /// One attempt of a job: dial, wait for the answer, send, then decide what comes next.
    private func attempt(_ job: Int64 ) async {
        guard let fax = try? store.fax(id: job), fax.state == .queued, let tiff = fax.tiffPath,
              let called = fax.called, let group = fax.trunkGroup else { return }
        let setup: CallSetup = {
            var s = CallSetup(calling: options.ident.map { PartyNumber(String($0.filter(\.isNumber))) }, called: PartyNumber(called))
            s.numberComplete = true
            return s
        }()
        let call: CallID
        do {
            call = try await calls.place(trunkGroup: group, setup: setup)
        } catch {
            await ended(fax, call: nil, outcome: nil, cause: error.cause, note: error.description)
            return
        }
        attempts.withLock { $0[call] = Attempt(job: job) }
        defer { attempts.withLock { _ = $0.removeValue(forKey: call) } }
        guard (try? store.startFaxAttempt(job, call: call)) == true else {
            try? await calls.release(call, cause: .normalClearing)
            return
        }
        publishEvent("fax.sending", ["id": .number(Double(job)), "call": .number(Double(call.value)), "called": .string(called),
                                     "attempt": .number(Double(fax.attempts + 1))])
        let deadline = ContinuousClock.now + .milliseconds(Int((options.answer_timeout_s ?? 60) * 1000))
        while true {
            let seen = attempts.withLock { $0[call] }
            if let cause = seen?.releasedWith {
                await ended(fax, call: call, outcome: nil, cause: cause, note: nil)
                return
            }
            if seen?.answered == true { break }
            if ContinuousClock.now > deadline {
                try? await calls.release(call, cause: .noAnswer)
                await ended(fax, call: call, outcome: nil, cause: .noAnswer, note: "no answer within \(Int(options.answer_timeout_s ?? 60)) s")
                return
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let outcome: FaxOutcome
        do {
            let session = try FaxSession(role: .send(document: tiff), callingParty: true, options: options.sessionOptions)
            outcome = try await worker.run(session, on: call, calls: calls)
        } catch {
            try? await calls.release(call, cause: .normalClearing)
            await ended(fax, call: call, outcome: nil, cause: nil, note: "\(error)")
            return
        }
        try? await calls.release(call, cause: .normalClearing)
        await ended(fax, call: call, outcome: outcome, cause: nil, note: nil)
    }

    /// Record how an attempt ended and queue the next one, or end the job.
    private func ended(_ fax: FaxRecord, call: CallID?, outcome: FaxOutcome?, cause: Q850Cause?, note: String?) async {
        // A call that could not even be placed (no channel, the D-channel down) is an attempt too.
        let attemptsMade = fax.attempts + 1
        let why = outcome.map { $0.succeeded ? "OK" : $0.resultText } ?? note ?? cause.map { "call failed: \($0.name) (cause \($0.rawValue))" } ?? "call failed"
        let retry: Double? = {
            if let outcome { return outcome.succeeded || outcome.completion.nextStep == .fail ? nil : options.retryDelay(after: attemptsMade) }
            switch cause {
            case .userBusy?: return options.busy_retry_s ?? 30
            case .unallocatedNumber?, .invalidNumberFormat?, .callRejected?, .numberChanged?: return nil
            default: return options.retryDelay(after: attemptsMade)
            }
        }()
        let cancelled = (try? store.fax(id: fax.id))?.state == .cancelled
        let more = !cancelled && retry != nil && attemptsMade < (fax.maxAttempts ?? 1)
        let state: FaxRecord.State = outcome?.succeeded == true ? .sent : (cancelled ? .cancelled : (more ? .queued : .failed))
        var update = outcome.map { Self.update(state, call: call, $0, pdf: nil) } ?? FaxResultUpdate(state: state, call: call)
        update.result = cancelled ? "cancelled by an operator" : (more || state == .sent ? why : (retry == nil ? why : "\(why); gave up after \(attemptsMade) attempts"))
        if more, let retry {
            var next = Date().addingTimeInterval(retry)
            if let window = options.window.flatMap(SendWindow.init) {
                next = window.nextOpening(after: next, calendar: options.windowCalendar(jobTimeZone: fax.timeZone))
            }
            update.nextAttemptAt = WallTime(secondsSince1970: next.timeIntervalSince1970)
        }
        update.attempts = attemptsMade
        try? store.finishFax(fax.id, update)
        log.notice("fax job \(fax.id) to \(fax.called ?? "") attempt \(attemptsMade): \(state.rawValue), \(update.result ?? "")")
        let kind = state == .sent ? "fax.sent" : (state == .queued ? "fax.retry" : "fax.failed")
        var body: [String: JSONValue] = ["id": .number(Double(fax.id)), "called": .string(fax.called ?? ""), "state": .string(state.rawValue),
                                         "attempts": .number(Double(attemptsMade)), "result": .string(update.result ?? "")]
        if let outcome { body["pages"] = .number(Double(outcome.pages)) }
        if let next = update.nextAttemptAt { body["next_attempt_at"] = .number(next.secondsSince1970) }
        publishEvent(kind, body)
    }

    // MARK: Fax-on-demand

    func hasDocument(_ number: String) -> Bool { library.withLock { $0[number] != nil } }

    func sendOnCall(_ call: CallID, document number: String, caller: String?) {
        Task { await transmit(number, on: call, to: caller) }
    }

    func sendLater(document number: String, to destination: String, for call: CallID) throws -> Int64 {
        guard let tiff = library.withLock({ $0[number] }) else { throw FaxError("fax document", number, "not in the library") }
        guard let group = options.callback_trunk_group else {
            throw FaxError("fax document \(number) to", destination, "no fax.callback_trunk_group to dial it on")
        }
        let id = try store.insertFaxJob(called: destination, trunkGroup: group, source: "library \(number)", tiffPath: tiff,
                                        pages: (try? FaxPages.count(path: tiff)) ?? 0, maxAttempts: options.attempts ?? 3,
                                        notBefore: .now())
        log.notice("fax job \(id): library document \(number) to \(destination), asked for on \(call)")
        wake.signal()
        return id
    }

    /// Send library document `number` on the caller's own call, their machine receiving.
    private func transmit(_ number: String, on call: CallID, to caller: String?) async {
        guard let tiff = library.withLock({ $0[number] }), busy.withLock({ $0.insert(call).inserted }) else {
            try? await calls.release(call, cause: .normalClearing)
            return
        }
        defer { busy.withLock { _ = $0.remove(call) } }
        await recorder.flush()
        let id: Int64
        let session: FaxSession
        do {
            id = try store.insertFaxOnCall(call: call, called: caller, source: "library \(number)", tiffPath: tiff,
                                           pages: (try? FaxPages.count(path: tiff)) ?? 0)
            session = try FaxSession(role: .send(document: tiff), callingParty: true, options: options.sessionOptions)
        } catch {
            log.error("fax: cannot send document \(number) on \(call): \(error)")
            try? await calls.release(call, cause: .temporaryFailure)
            return
        }
        let outcome: FaxOutcome
        do {
            outcome = try await worker.run(session, on: call, calls: calls) {
                publishEvent("fax.sending", ["id": .number(Double(id)), "call": .number(Double(call.value)), "document": .string(number)])
            }
        } catch {
            try? store.finishFax(id, FaxResultUpdate(state: .failed, result: "the call's audio could not be taken: \(error)"))
            return
        }
        try? await calls.release(call, cause: .normalClearing)
        let state: FaxRecord.State = outcome.succeeded ? .sent : .failed
        try? store.finishFax(id, Self.update(state, call: call, outcome, pdf: nil))
        log.notice("fax \(id): library document \(number) on \(call): \(state.rawValue), \(outcome.pages) pages, \(outcome.resultText)")
        publishEvent(state == .sent ? "fax.sent" : "fax.failed",
                     ["id": .number(Double(id)), "call": .number(Double(call.value)), "state": .string(state.rawValue),
                      "pages": .number(Double(outcome.pages)), "result": .string(outcome.succeeded ? "OK" : outcome.resultText)])
    }

    /// The text of a cover page: who it is for and from, when, how many pages, the note.
    func coverPage(to called: String, pages: Int, note: String) -> String {
        let from = [options.header, options.ident].compactMap { $0 }.joined(separator: "  ")
        return """
        FAX / 传真

        To 收件:      \(called)
        From 发件:    \(from)
        Date 日期:    \(Self.now("yyyy-MM-dd HH:mm"))
        Pages 页数:   \(pages) (this page included 含本页)

        \(note)
        """
    }

    // MARK: Helpers

    private static func update(_ state: FaxRecord.State, call: CallID?, _ o: FaxOutcome, pdf: String?) -> FaxResultUpdate {
        FaxResultUpdate(state: state, call: call, remoteIdent: o.remoteIdent, pages: o.pages, xDPI: o.xDPI > 0 ? o.xDPI : nil,
                        yDPI: o.yDPI > 0 ? o.yDPI : nil, bitRate: o.bitRate > 0 ? o.bitRate : nil, ecm: o.ecm, seconds: o.seconds,
                        resultCode: Int(o.resultCode), result: o.succeeded ? "OK" : o.resultText, pdfPath: pdf)
    }

    private func publishEvent(_ kind: String, _ body: [String: JSONValue]) {
        server.withLock { $0 }?.publish(ControlEvent(kind: kind, body: .object(body)))
    }

    /// ", N ms of silence sent late" when the session's thread fell behind the line, else "".
    static func underrunNote(_ outcome: FaxOutcome) -> String {
        guard let samples = outcome.underrunSamples, samples > 0 else { return "" }
        return ", \(samples / 8) ms of silence sent while its thread was late"
    }

    private static func folder(_ dir: String, _ kind: String) -> String { "\(dir)/\(kind)/\(now("yyyyMMdd"))" }

    private static func stamp() -> String { now("HHmmss") }

    /// The local time now in `format`.
    private static func now(_ format: String) -> String {
        let f = DateFormatter()
        f.dateFormat = format
        f.locale = Locale(identifier: "en_US_POSIX")
        return f.string(from: Date())
    }
}
