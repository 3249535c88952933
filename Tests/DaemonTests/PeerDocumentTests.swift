import CXattr
import Control
import Foundation
import Glibc
import Testing
@testable import Daemon

/// `fax.send` reads the document with the operator's rights: checked here with made-up
/// operators (uids no file belongs to) against files whose modes say who may read them.
@Suite("Documents read with the operator's rights")
struct PeerDocumentTests {
    let root: String
    let spool: String
    /// An operator who owns nothing here and is in no group the files are in.
    let stranger = ControlPeer(pid: 1, uid: 54_321, gid: 54_321, user: nil, role: .operator)

    init() throws {
        root = NSTemporaryDirectory() + "peer-document-\(UUID().uuidString.prefix(8))"
        spool = root + "/spool"
        try FileManager.default.createDirectory(atPath: root + "/open", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        try FileManager.default.createDirectory(atPath: root + "/closed", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        chmod(root, 0o755)
    }

    func file(_ path: String, mode: mode_t, owner: uid_t? = nil, group: gid_t? = nil) throws -> String {
        let full = root + "/" + path
        try Data("%PDF-1.4 \(path)".utf8).write(to: URL(fileURLWithPath: full))
        chmod(full, mode)
        if owner != nil || group != nil { chown(full, owner ?? getuid(), group ?? getgid()) }
        return full
    }

    func refusal(_ path: String, _ peer: ControlPeer) -> ControlFailure? {
        do {
            _ = try PeerDocument.copy(path, for: peer, into: spool)
            return nil
        } catch {
            return error
        }
    }

    @Test("a file everyone may read is copied, contents and name intact, into a folder of the daemon's own")
    func readable() throws {
        let path = try file("open/report.pdf", mode: 0o644)
        let copy = try PeerDocument.copy(path, for: stranger, into: spool)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(copy.hasPrefix(spool + "/") && copy.hasSuffix("/report.pdf"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data("%PDF-1.4 open/report.pdf".utf8))
    }

    @Test("a file only its owner may read, or one in a folder the operator may not enter, is refused; a link does not get round it")
    func refused() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let secret = try file("open/secret.pdf", mode: 0o600)
        let hidden = try file("closed/report.pdf", mode: 0o644)
        let link = root + "/open/link.pdf"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: secret)
        for (path, why) in [(secret, "may not read it"), (hidden, "may not enter \(root)/closed"), (link, "may not read it")] {
            let failure = refusal(path, stranger)
            #expect(failure?.code == .forbidden && failure?.message.contains(why) == true, "\(path): \(String(describing: failure))")
        }
        #expect((try? FileManager.default.contentsOfDirectory(atPath: spool))?.isEmpty ?? true, "nothing was copied")
    }

    @Test("the owner, the file's group and root may read what their mode bits give them")
    func ownerAndGroup() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try #require(getuid() == 0, "this test gives files to other owners: run it as root, as the lab tests are")
        let owned = try file("open/owned.pdf", mode: 0o400, owner: 54_321)
        let grouped = try file("open/grouped.pdf", mode: 0o040, group: 54_322)
        let member = ControlPeer(pid: 1, uid: 54_323, gid: 54_322, user: nil, role: .operator)
        #expect(refusal(owned, stranger) == nil, "the owner reads 0400")
        #expect(refusal(grouped, member) == nil, "the group reads 0040")
        #expect(refusal(grouped, stranger)?.code == .forbidden, "others do not")
        let root = ControlPeer(pid: 1, uid: 0, gid: 0, user: "root", role: .admin)
        #expect(refusal(grouped, root) == nil, "root reads anything")
    }

    /// Give `path` an access ACL; the test stops with the reason if the file system keeps none.
    func setACL(_ path: String, _ entries: [AccessControlList.Entry]) throws {
        let bytes = try AccessControlList(entries: entries).attribute
        let result = bytes.withUnsafeBytes { setxattr(path, AccessControlList.attributeName, $0.baseAddress, bytes.count, 0) }
        try #require(result == 0, "setting an ACL on \(path): \(String(cString: strerror(errno))) (the test needs a file system with POSIX ACLs)")
    }

    @Test("a POSIX ACL decides over the mode bits: a named user reads a 0600 file, a named user denied cannot read a 0644 one, folders alike")
    func accessControlLists() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let me = UInt32(54_321)
        let granted = try file("open/granted.pdf", mode: 0o600)
        try setACL(granted, [.init(tag: .owner, permissions: 6), .init(tag: .user, permissions: 4, id: me),
                             .init(tag: .owningGroup, permissions: 0), .init(tag: .mask, permissions: 4),
                             .init(tag: .other, permissions: 0)])
        #expect(refusal(granted, stranger) == nil, "the ACL names the operator with read")
        let other = ControlPeer(pid: 1, uid: 54_329, gid: 54_329, user: nil, role: .operator)
        #expect(refusal(granted, other)?.code == .forbidden, "nobody else gets it")

        let denied = try file("open/denied.pdf", mode: 0o644)
        try setACL(denied, [.init(tag: .owner, permissions: 6), .init(tag: .user, permissions: 0, id: me),
                            .init(tag: .owningGroup, permissions: 4), .init(tag: .mask, permissions: 4),
                            .init(tag: .other, permissions: 4)])
        #expect(refusal(denied, stranger)?.message.contains("may not read it") == true, "the ACL denies the operator what others get")
        #expect(refusal(denied, other) == nil, "others still read it")

        let masked = try file("open/masked.pdf", mode: 0o600)
        try setACL(masked, [.init(tag: .owner, permissions: 6), .init(tag: .user, permissions: 4, id: me),
                            .init(tag: .owningGroup, permissions: 0), .init(tag: .mask, permissions: 0),
                            .init(tag: .other, permissions: 0)])
        #expect(refusal(masked, stranger)?.code == .forbidden, "the mask takes back what the named entry gives")

        // An empty mask leaves the ACL out, as the kernel does: others' bits decide.
        let emptyMask = try file("open/empty-mask.pdf", mode: 0o604)
        try setACL(emptyMask, [.init(tag: .owner, permissions: 6), .init(tag: .user, permissions: 0, id: me),
                               .init(tag: .owningGroup, permissions: 0), .init(tag: .mask, permissions: 0),
                               .init(tag: .other, permissions: 4)])
        #expect(refusal(emptyMask, stranger) == nil, "with no group bits the named entry is not consulted")

        let inClosed = try file("closed/inside.pdf", mode: 0o644)
        try setACL(root + "/closed", [.init(tag: .owner, permissions: 7), .init(tag: .user, permissions: 5, id: me),
                                      .init(tag: .owningGroup, permissions: 0), .init(tag: .mask, permissions: 5),
                                      .init(tag: .other, permissions: 0)])
        #expect(refusal(inClosed, stranger) == nil, "the folder's ACL lets the operator in")
        #expect(refusal(inClosed, other)?.message.contains("may not enter \(root)/closed") == true, "and nobody else")
    }

    @Test("a missing file, a folder, a device and a relative mess are refused with the reason", arguments: [
        ("/nonexistent/x.pdf", ControlErrorCode.notFound), ("/tmp", .invalidArguments), ("/dev/zero", .invalidArguments),
        ("/tmp/../nonexistent-\(UInt32.random(in: 0...UInt32.max)).pdf", .notFound),
    ])
    func malformed(path: String, code: ControlErrorCode) {
        let root = ControlPeer(pid: 1, uid: 0, gid: 0, user: "root", role: .admin)
        let failure = refusal(path, root)
        #expect(failure?.code == code, "\(path): \(String(describing: failure))")
        try? FileManager.default.removeItem(atPath: self.root)
    }
}
