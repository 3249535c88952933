import FaxService
import Testing

@Suite("Fax results")
struct FaxCompletionTests {
    @Test("success, retryable line problems and permanent document problems are told apart")
    func classification() {
        #expect(FaxCompletion.ok.succeeded)
        #expect(FaxCompletion.ok.nextStep == .done)
        #expect(FaxCompletion.ok.description == "OK")
        // T30_ERR_T0_EXPIRED: nobody answered with fax tones; try again later.
        #expect(FaxCompletion(code: 3).nextStep == .retry)
        #expect(FaxCompletion(code: 3).text.isEmpty == false)
    }

    @Test("a file problem is permanent")
    func fileError() throws {
        let fileError = try #require((0..<120).map(FaxCompletion.init(code:)).first { $0.text.contains("TIFF/F file cannot be opened") })
        #expect(fileError.nextStep == .fail)
    }

    @Test("a code spandsp does not know still has a description")
    func unknownCode() {
        #expect(!FaxCompletion(code: 9999).text.isEmpty)
        #expect(!FaxCompletion(code: -5).description.isEmpty)
    }
}
