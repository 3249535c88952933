import Control
import Testing

@Suite("Campaign contact lists (CSV)")
struct ContactListTests {
    @Test("numbers with references; a header, comments, blank lines, CRLF, a BOM and number punctuation are handled")
    func reads() throws {
        let text = "\u{FEFF}Number,Reference\r\n138-0013-8000, ACC-1\r\n\r\n# skipped\n(021) 5555 0001\n\"13900000002\",\"Wang, Fang\"\n13900000003,\n"
        let contacts = try ContactList.parse(text)
        #expect(contacts.map { $0["number"]?.stringValue } == ["13800138000", "02155550001", "13900000002", "13900000003"])
        #expect(contacts.map { $0["reference"]?.stringValue } == ["ACC-1", nil, "Wang, Fang", nil])
        #expect(try ContactList.parse("# exported 2026-12-07\nnumber,reference\n13900000001,\"Li \"\"Wei\"\", VIP\"\n")
            .map { $0["reference"]?.stringValue } == ["Li \"Wei\", VIP"], "a header after a comment; a quoted reference")
        #expect(try ContactList.parse("").isEmpty)
        #expect(try ContactList.parse("number\n").isEmpty)
    }

    @Test("a line that is not a number is refused with its line number", arguments: [
        ("13800138000\nabc\n", 2), ("13800138000\n12a4\n", 2), ("+8613800138000\n", 1), ("1380013800013800138000138001380013\n", 1),
        ("13800138000\n,ACC-1\n", 2), ("１３８\n", 1),
    ])
    func refused(_ text: String, _ line: Int) {
        #expect(throws: ContactList.Problem.self) { try ContactList.parse(text) }
        do { _ = try ContactList.parse(text) } catch { #expect(error.line == line, "\(error)") }
    }

    @Test("a first line without digits is a header only when headers are expected; a long reference is refused")
    func headerAndReference() {
        #expect(throws: ContactList.Problem.self) { try ContactList.parse("number\n139", header: false) }
        #expect(throws: ContactList.Problem.self) { try ContactList.parse("139," + String(repeating: "x", count: 201)) }
    }
}
