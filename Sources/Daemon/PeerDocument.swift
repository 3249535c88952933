import Control
import Foundation
import Glibc

/// A document an operator names in a command (`fax.send`), read with the operator's rights
/// rather than the daemon's: the daemon often runs as root, and an operator must not fax a file
/// they could not read themselves. The check uses the connection's credentials (user, primary
/// and supplementary groups) against the mode bits of every directory on the resolved path and
/// of the file, on the opened file itself so that it cannot be swapped after the check; the
/// file is then copied into a folder of the daemon's own for the work that follows. POSIX ACLs
/// are not consulted: a file readable only through an ACL is refused.
enum PeerDocument {
    /// The largest document taken.
    static let maximumBytes = 64 << 20

    /// Copy `path` into a new folder under `spool` if `peer` could read it; the copy's path (the
    /// same file name). The caller removes the copy's folder when done.
    static func copy(_ path: String, for peer: ControlPeer, into spool: String) throws(ControlFailure) -> String {
        func refuse(_ code: ControlErrorCode, _ why: String) -> ControlFailure {
            ControlFailure(id: .null, code: code, message: "\(path): \(why)")
        }
        guard let resolvedC = realpath(path, nil) else { throw refuse(.notFound, "no such file (\(String(cString: strerror(errno))))") }
        let resolved = String(cString: resolvedC)
        free(resolvedC)
        let groups = Self.groups(of: peer)
        var ancestor = ""
        for component in resolved.split(separator: "/").dropLast() {
            ancestor += "/" + component
            var st = stat()
            guard stat(ancestor, &st) == 0 else { throw refuse(.notFound, "cannot look into \(ancestor)") }
            guard allows(st, peer: peer, groups: groups, bit: 1) else {
                throw refuse(.forbidden, "user \(peer.user ?? String(peer.uid)) may not enter \(ancestor)")
            }
        }
        var st = stat()
        guard stat("/", &st) == 0, allows(st, peer: peer, groups: groups, bit: 1) else {
            throw refuse(.forbidden, "user \(peer.user ?? String(peer.uid)) may not enter /")
        }
        let fd = open(resolved, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw refuse(.notFound, "cannot open it (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { throw refuse(.invalidArguments, "not a regular file") }
        guard allows(st, peer: peer, groups: groups, bit: 4) else {
            throw refuse(.forbidden, "user \(peer.user ?? String(peer.uid)) may not read it")
        }
        guard st.st_size <= maximumBytes else { throw refuse(.invalidArguments, "larger than \(maximumBytes >> 20) MB") }
        let folder = "\(spool)/\(UUID().uuidString.prefix(12))"
        let copy = "\(folder)/\((resolved as NSString).lastPathComponent)"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let data = try FileHandle(fileDescriptor: fd, closeOnDealloc: false).readToEnd() ?? Data()
            guard data.count <= maximumBytes else { throw refuse(.invalidArguments, "larger than \(maximumBytes >> 20) MB") }
            try data.write(to: URL(fileURLWithPath: copy))
        } catch let failure as ControlFailure {
            try? FileManager.default.removeItem(atPath: folder)
            throw failure
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw refuse(.failed, "cannot copy it for the fax: \(error.localizedDescription)")
        }
        return copy
    }

    /// Whether mode bit `bit` (4 read, 1 search) is granted to `peer` by owner, group or other.
    static func allows(_ st: stat, peer: ControlPeer, groups: Set<UInt32>, bit: UInt32) -> Bool {
        if peer.uid == 0 { return true }
        let mode = UInt32(st.st_mode)
        if st.st_uid == peer.uid { return mode & (bit << 6) != 0 }
        if groups.contains(st.st_gid) { return mode & (bit << 3) != 0 }
        return mode & bit != 0
    }

    /// The peer's primary group and, when its user is known, its supplementary groups.
    static func groups(of peer: ControlPeer) -> Set<UInt32> {
        var groups: Set<UInt32> = [peer.gid]
        guard let user = peer.user else { return groups }
        var count: Int32 = 64
        var list = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, peer.gid, &list, &count) == -1 {
            list = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(user, peer.gid, &list, &count) != -1 else { return groups }
        }
        groups.formUnion(list.prefix(Int(count)))
        return groups
    }
}
