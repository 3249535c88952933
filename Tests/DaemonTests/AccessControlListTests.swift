import Testing
@testable import Daemon

/// POSIX ACLs as the kernel stores and judges them, for documents read with an operator's rights.
@Suite struct AccessControlListTests {
    typealias Entry = AccessControlList.Entry

    /// owner rw-, user 1001 r--, group r--, group 2002 ---, mask r--, other ---.
    let acl = try! AccessControlList(entries: [
        Entry(tag: .owner, permissions: 6), Entry(tag: .user, permissions: 4, id: 1001),
        Entry(tag: .owningGroup, permissions: 4), Entry(tag: .group, permissions: 0, id: 2002),
        Entry(tag: .mask, permissions: 4), Entry(tag: .other, permissions: 0),
    ])

    @Test func roundTrip() throws {
        let bytes = acl.attribute
        #expect(bytes.count == 4 + 6 * 8)
        #expect(Array(bytes.prefix(4)) == [2, 0, 0, 0])
        #expect(try AccessControlList(attribute: bytes) == acl)
    }

    @Test func judgedAsTheKernelDoes() {
        func reads(_ uid: UInt32, _ groups: Set<UInt32>) -> Bool {
            acl.allows(uid: uid, groups: groups, owner: 500, group: 600, bit: 4)
        }
        #expect(reads(500, []), "the owner, by the owner entry")
        #expect(!acl.allows(uid: 500, groups: [], owner: 500, group: 600, bit: 1), "the owner has no search bit")
        #expect(reads(1001, []), "a named user, under the mask")
        #expect(reads(7, [600]), "the owning group")
        #expect(!reads(7, [2002]), "a named group that grants nothing denies, though others get nothing anyway")
        #expect(reads(7, [2002, 600]), "one matching group that grants is enough")
        #expect(!reads(7, [3003]), "others")
        var named = acl.entries
        named[3].permissions = 4  // group 2002 may read
        let grouped = try! AccessControlList(entries: named)
        #expect(grouped.allows(uid: 7, groups: [2002], owner: 500, group: 600, bit: 4), "a named group that grants")
        named[4].permissions = 1  // the mask takes read from every group entry
        #expect(!(try! AccessControlList(entries: named)).allows(uid: 7, groups: [2002], owner: 500, group: 600, bit: 4),
                "the mask limits named groups too")
        var widened = acl.entries
        widened[5].permissions = 4  // others may read
        let open = try! AccessControlList(entries: widened)
        #expect(!open.allows(uid: 7, groups: [2002], owner: 500, group: 600, bit: 4), "a matching group denies even where others may read")
        #expect(open.allows(uid: 7, groups: [3003], owner: 500, group: 600, bit: 4))
        var masked = acl.entries
        masked[4].permissions = 0
        #expect(!(try! AccessControlList(entries: masked)).allows(uid: 1001, groups: [], owner: 500, group: 600, bit: 4), "the mask takes it back")
    }

    @Test("malformed attributes are refused with the reason", arguments: [
        ([] as [UInt8], "bytes"), ([2, 0, 0], "bytes"), ([2, 0, 0, 0, 1, 0], "bytes"),
        ([3, 0, 0, 0], "version 3"),
        ([2, 0, 0, 0, 0x40, 0, 4, 0, 0, 0, 0, 0], "unknown tag 64"),
        ([2, 0, 0, 0, 1, 0, 6, 0, 0xff, 0xff, 0xff, 0xff, 4, 0, 4, 0, 0xff, 0xff, 0xff, 0xff], "0 other entries"),
        ([2, 0, 0, 0, 1, 0, 6, 0, 0xff, 0xff, 0xff, 0xff, 2, 0, 4, 0, 1, 0, 0, 0, 4, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,
          0x20, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], "named entries without a mask"),
        ([2, 0, 0, 0, 1, 0, 0x10, 0, 0xff, 0xff, 0xff, 0xff, 4, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,
          0x20, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], "permissions 16"),
    ])
    func malformed(bytes: [UInt8], reason: String) {
        #expect(throws: AccessControlList.Malformed.self) { try AccessControlList(attribute: bytes) }
        do {
            _ = try AccessControlList(attribute: bytes)
        } catch {
            #expect(error.description.contains(reason), "\(error.description)")
        }
    }

    @Test func twoMasksOrTwoOwners() {
        var twice = acl.entries
        twice.append(Entry(tag: .mask, permissions: 4))
        #expect(throws: AccessControlList.Malformed(reason: "2 mask entries")) { try AccessControlList(entries: twice) }
        twice = acl.entries
        twice.append(Entry(tag: .owner, permissions: 4))
        #expect(throws: AccessControlList.Malformed(reason: "2 owner entries")) { try AccessControlList(entries: twice) }
    }
}
