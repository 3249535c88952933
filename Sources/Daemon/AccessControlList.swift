import CXattr
import Glibc

/// A file's POSIX access ACL, read from its `system.posix_acl_access` attribute in the kernel's
/// binary layout (linux/posix_acl_xattr.h: a 4-byte version 2, then 8-byte entries of tag,
/// permissions and id, little-endian), and judged as the kernel judges it (fs/posix_acl.c): the
/// owner by the owner entry, a named user by its entry under the mask, then the owning group
/// and named groups under the mask (a matching group that grants nothing denies), else others.
/// Whether the ACL applies at all (not for the owner, not when the mask is empty) is the
/// caller's part, as it is the kernel's `acl_permission_check`.
struct AccessControlList: Equatable {
    /// The kernel's entry tags.
    enum Tag: UInt16 {
        case owner = 0x01, user = 0x02, owningGroup = 0x04, group = 0x08, mask = 0x10, other = 0x20
    }

    struct Entry: Equatable {
        var tag: Tag
        /// rwx bits: 4 read, 2 write, 1 search/execute.
        var permissions: UInt16
        /// The user or group of a named entry; unused by the others.
        var id: UInt32 = UInt32.max
    }

    /// Why an attribute is not an ACL the kernel would have stored.
    struct Malformed: Error, Equatable, CustomStringConvertible {
        let reason: String
        var description: String { "malformed POSIX ACL: \(reason)" }
    }

    static let attributeName = "system.posix_acl_access"
    private static let version: UInt32 = 2

    let entries: [Entry]

    init(entries: [Entry]) throws(Malformed) {
        func count(_ tag: Tag) -> Int { entries.filter { $0.tag == tag }.count }
        for tag in [Tag.owner, .owningGroup, .other] where count(tag) != 1 {
            throw Malformed(reason: "\(count(tag)) \(tag) entries")
        }
        if count(.mask) > 1 { throw Malformed(reason: "\(count(.mask)) mask entries") }
        if count(.mask) == 0, count(.user) + count(.group) > 0 { throw Malformed(reason: "named entries without a mask") }
        if let bad = entries.first(where: { $0.permissions & ~0o7 != 0 }) {
            throw Malformed(reason: "permissions \(bad.permissions) in a \(bad.tag) entry")
        }
        self.entries = entries
    }

    /// Parse the attribute's bytes.
    init(attribute bytes: [UInt8]) throws(Malformed) {
        guard bytes.count >= 4, (bytes.count - 4) % 8 == 0 else {
            throw Malformed(reason: "\(bytes.count) bytes is not a header and whole entries")
        }
        func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
        guard u32(0) == Self.version else { throw Malformed(reason: "version \(u32(0))") }
        var entries: [Entry] = []
        for at in stride(from: 4, to: bytes.count, by: 8) {
            guard let tag = Tag(rawValue: u16(at)) else { throw Malformed(reason: "unknown tag \(u16(at))") }
            entries.append(Entry(tag: tag, permissions: u16(at + 2), id: u32(at + 4)))
        }
        try self.init(entries: entries)
    }

    /// The attribute's bytes (what `init(attribute:)` reads).
    var attribute: [UInt8] {
        var bytes: [UInt8] = []
        func put(_ value: UInt32, _ size: Int) { for i in 0..<size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) } }
        put(Self.version, 4)
        for e in entries {
            put(UInt32(e.tag.rawValue), 2)
            put(UInt32(e.permissions), 2)
            put(e.id, 4)
        }
        return bytes
    }

    /// Whether permission `bit` (4 read, 1 search) is granted to `uid` holding `groups` on a
    /// file owned by `owner` and `group`.
    func allows(uid: UInt32, groups: Set<UInt32>, owner: UInt32, group: UInt32, bit: UInt16) -> Bool {
        let mask = entries.first { $0.tag == .mask }?.permissions ?? 0o7
        if uid == owner { return entries.contains { $0.tag == .owner && $0.permissions & bit != 0 } }
        if let named = entries.first(where: { $0.tag == .user && $0.id == uid }) {
            return named.permissions & mask & bit != 0
        }
        let matching = entries.filter {
            ($0.tag == .owningGroup && groups.contains(group)) || ($0.tag == .group && groups.contains($0.id))
        }
        if !matching.isEmpty { return matching.contains { $0.permissions & mask & bit != 0 } }
        return entries.contains { $0.tag == .other && $0.permissions & bit != 0 }
    }

    /// The access ACL of the file `path` names (followed if a link, as /proc/self/fd/N must
    /// be), nil when it has none or its file system keeps none.
    static func read(path: String) throws(Malformed) -> AccessControlList? {
        for _ in 0..<3 {
            let size = getxattr(path, attributeName, nil, 0)
            if size < 0 {
                if errno == ENODATA || errno == EOPNOTSUPP { return nil }
                throw Malformed(reason: "cannot read it (\(String(cString: strerror(errno))))")
            }
            var bytes = [UInt8](repeating: 0, count: size)
            let got = bytes.withUnsafeMutableBytes { getxattr(path, attributeName, $0.baseAddress, size) }
            if got < 0, errno == ERANGE { continue }  // it grew between the two calls
            if got < 0, errno == ENODATA || errno == EOPNOTSUPP { return nil }  // removed meanwhile
            if got < 0 { throw Malformed(reason: "cannot read it (\(String(cString: strerror(errno))))") }
            return try AccessControlList(attribute: Array(bytes.prefix(got)))
        }
        throw Malformed(reason: "it kept changing while read")
    }
}
