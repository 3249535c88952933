import Testing
@testable import CallControl

@Suite("Number patterns")
struct NumberPatternTests {
    @Test("exact numbers match only themselves")
    func exact() throws {
        let p = try NumberPattern("95588")
        #expect(p.matches("95588"))
        #expect(!p.matches("955880"))
        #expect(!p.matches("9558"))
        #expect(p.couldMatch(afterMore: "955"))
        #expect(!p.couldMatch(afterMore: "95588"))
    }

    @Test("pattern letters, sets, ranges and the trailing wildcards")
    func letters() throws {
        let p = try NumberPattern("_NXX[1-3a]")
        #expect(p.matches("2001"))
        #expect(p.matches("999A"))
        #expect(!p.matches("1001"), "N is 2-9")
        #expect(!p.matches("2004"))
        let rest = try NumberPattern("_0086.")
        #expect(rest.matches("008613800000000"))
        #expect(!rest.matches("0086"), "'.' needs at least one more digit")
        let any = try NumberPattern("_9!")
        #expect(any.matches("9"))
        #expect(any.matches("95551234"))
        #expect(try NumberPattern("*").matches(""))
        #expect(try NumberPattern("_Z").couldMatch(afterMore: ""))
    }

    @Test("malformed patterns say where", arguments: ["", "_", "12a4!", "_12[", "_1.2", "_[]", "_[x]", "_1!2", "9 1"])
    func malformed(_ text: String) {
        #expect(throws: NumberPattern.SyntaxError.self) { try NumberPattern(text) }
    }
}
