import Foundation
import Testing
@testable import Control

@Suite("Control protocol")
struct ControlProtocolTests {
    @Test("a request reads with its id, command and arguments")
    func request() throws {
        let r = try ControlRequest.parse(Array(#"{"id":7,"cmd":"calls.list","args":{"span":1,"state":"answered"}}"#.utf8)).get()
        #expect(r.id == .number(7))
        #expect(r.command == "calls.list")
        #expect(r.arguments["span"]?.intValue == 1)
        #expect(r.arguments["state"]?.stringValue == "answered")
    }

    @Test("malformed requests get their own error codes, with the id when it could be read",
          arguments: [
            (#"{"id":1,"cmd":"#, ControlErrorCode.invalidJSON),
            (#"[1,2]"#, .invalidRequest),
            (#"{"id":2}"#, .invalidRequest),
            (#"{"id":{"a":1},"cmd":"status"}"#, .invalidRequest),
            (#"{"id":3,"cmd":"status","args":[1]}"#, .invalidArguments),
            (#"{"id":4,"cmd":"status","extra":true}"#, .invalidRequest),
            ("\u{FF}\u{FE}", .invalidJSON),
          ])
    func malformed(_ text: String, _ code: ControlErrorCode) {
        switch ControlRequest.parse(Array(text.utf8)) {
        case .success(let r): Issue.record("accepted \(r)")
        case .failure(let f): #expect(f.code == code, "\(text)")
        }
    }

    @Test("responses are one line of JSON each")
    func responses() throws {
        let ok = ControlResponse.success(id: .string("a"), result: .object(["calls": .array([])])).line()
        #expect(ok.last == 0x0A)
        #expect(ok.dropLast().contains(0x0A) == false)
        #expect(String(decoding: ok, as: UTF8.self) == "{\"id\":\"a\",\"ok\":true,\"result\":{\"calls\":[]}}\n")
        let bad = ControlResponse.failure(ControlFailure(id: .number(9), code: .forbidden, message: "admin only\nreally")).line()
        #expect(bad.dropLast().contains(0x0A) == false, "a newline in a message is escaped")
        let parsed = try JSONDecoder().decode(JSONValue.self, from: Data(bad))
        #expect(parsed["error"]?["code"]?.stringValue == "forbidden")
    }

    @Test("lines are framed, CRLF tolerated, and an oversized line costs one error, not the connection")
    func framing() {
        var f = LineFramer(limit: 8)
        #expect(f.feed(Array("ab\r\ncd".utf8)) == [.line(Array("ab".utf8))])
        #expect(f.feed(Array("e\n\n".utf8)) == [.line(Array("cde".utf8))])
        #expect(f.feed(Array("0123456789".utf8)) == [.tooLong])
        #expect(f.feed(Array("xyz\nok\n".utf8)) == [.line(Array("ok".utf8))])
    }

    @Test("roles from users and groups: the strongest match wins, root is admin, strangers get none")
    func roles() {
        let map = RoleMap(users: ["alice": .supervisor, "1001": .operator], groups: ["pstn-admin": .admin, "pstn": .operator])
        #expect(map.role(uid: 0, userName: "root", groupNames: []) == .admin)
        #expect(map.role(uid: 1000, userName: "alice", groupNames: ["pstn"]) == .supervisor)
        #expect(map.role(uid: 1001, userName: nil, groupNames: ["pstn-admin"]) == .admin)
        #expect(map.role(uid: 2000, userName: "mallory", groupNames: ["users"]) == nil)
        #expect(Role.operator < .supervisor && Role.supervisor < .admin)
    }
}
