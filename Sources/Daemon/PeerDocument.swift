import Control
import Foundation
import Glibc

/// A document an operator names in a command (`fax.send`), read with the operator's rights
/// rather than the daemon's: the daemon often runs as root, and an operator must not fax a file
/// they could not read themselves. The check uses the connection's credentials (user, primary
/// and supplementary groups) against the mode bits of every directory on the resolved path and
/// of the file, walking the real path one name at a time without following links so that
/// nothing on it can be swapped after its check; the file is then copied into a folder of the
/// daemon's own for the work that follows. Where a folder or the file has a POSIX access ACL, it
/// decides instead of the mode bits, as the kernel would (named users and groups, the mask); an
/// ACL that cannot be read or makes no sense refuses the document.
enum PeerDocument {
    /// Linux's O_PATH (a handle naming a file without opening it), which Swift's Glibc leaves out.
    private static let openPath: Int32 = 0o10_000_000
    /// The largest document taken.
    static let maximumBytes = 64 << 20

    /// Copy `path` into a new folder under `spool` if `peer` could read it; the copy's path (the
    /// same file name). The caller removes the copy's folder when done.
    static func copy(_ path: String, for peer: ControlPeer, into spool: String) throws(ControlFailure) -> String {
        func refuse(_ code: ControlErrorCode, _ why: String) -> ControlFailure {
            ControlFailure(id: .null, code: code, message: "\(path): \(why)")
        }
        let who = "user \(peer.user ?? String(peer.uid))"
        guard let resolvedC = realpath(path, nil) else { throw refuse(.notFound, "no such file (\(String(cString: strerror(errno))))") }
        let resolved = String(cString: resolvedC)
        free(resolvedC)
        let groups = Self.groups(of: peer)
        // Walk the real path one name at a time, refusing links, so that no folder on it can be
        // swapped between its check and the next step.
        var names = resolved.split(separator: "/").map(String.init)
        guard let fileName = names.popLast() else { throw refuse(.invalidArguments, "not a regular file") }
        var folder = open("/", openPath | O_DIRECTORY | O_CLOEXEC)
        var walked = ""
        defer { if folder >= 0 { close(folder) } }
        var st = stat()
        func rights(of handle: Int32) throws(ControlFailure) -> AccessControlList? {
            do {
                return try AccessControlList.read(path: "/proc/self/fd/\(handle)")
            } catch {
                throw refuse(.forbidden, "\(walked.isEmpty ? "/" : walked): \(error.description)")
            }
        }
        for name in names {
            guard fstat(folder, &st) == 0, allows(st, acl: try rights(of: folder), peer: peer, groups: groups, bit: 1) else {
                throw refuse(.forbidden, "\(who) may not enter \(walked.isEmpty ? "/" : walked)")
            }
            let next = openat(folder, name, openPath | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else { throw refuse(.notFound, "cannot look into \(walked)/\(name) (\(String(cString: strerror(errno))))") }
            close(folder)
            folder = next
            walked += "/" + name
        }
        guard fstat(folder, &st) == 0, allows(st, acl: try rights(of: folder), peer: peer, groups: groups, bit: 1) else {
            throw refuse(.forbidden, "\(who) may not enter \(walked.isEmpty ? "/" : walked)")
        }
        // The file itself: its type and rights from a handle that cannot read or trigger
        // anything, then opened for reading through that same handle.
        let handle = openat(folder, fileName, openPath | O_NOFOLLOW | O_CLOEXEC)
        guard handle >= 0 else { throw refuse(.notFound, "cannot open it (\(String(cString: strerror(errno))))") }
        defer { close(handle) }
        guard fstat(handle, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { throw refuse(.invalidArguments, "not a regular file") }
        walked += "/" + fileName
        guard allows(st, acl: try rights(of: handle), peer: peer, groups: groups, bit: 4) else {
            throw refuse(.forbidden, "\(who) may not read it")
        }
        guard st.st_size <= maximumBytes else { throw refuse(.invalidArguments, "larger than \(maximumBytes >> 20) MB") }
        let fd = open("/proc/self/fd/\(handle)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw refuse(.failed, "cannot read it (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        let copyFolder = "\(spool)/\(UUID().uuidString.prefix(12))"
        let copy = "\(copyFolder)/\(fileName)"
        do {
            try FileManager.default.createDirectory(atPath: copyFolder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let input = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
            var data = Data()
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                data.append(chunk)
                guard data.count <= maximumBytes else { throw refuse(.invalidArguments, "larger than \(maximumBytes >> 20) MB") }
            }
            try data.write(to: URL(fileURLWithPath: copy))
        } catch let failure as ControlFailure {
            try? FileManager.default.removeItem(atPath: copyFolder)
            throw failure
        } catch {
            try? FileManager.default.removeItem(atPath: copyFolder)
            throw refuse(.failed, "cannot copy it for the fax: \(error.localizedDescription)")
        }
        return copy
    }

    /// Whether permission `bit` (4 read, 1 search) is granted to `peer`: by the ACL if the file
    /// has one, else by the owner, group or other mode bits. As in the kernel
    /// (`acl_permission_check`), the ACL is not consulted for the owner, nor when the mode's
    /// group bits (the ACL's mask) are all clear.
    static func allows(_ st: stat, acl: AccessControlList?, peer: ControlPeer, groups: Set<UInt32>, bit: UInt32) -> Bool {
        if peer.uid == 0 { return true }
        if let acl, st.st_uid != peer.uid, UInt32(st.st_mode) & 0o070 != 0 {
            return acl.allows(uid: peer.uid, groups: groups, owner: st.st_uid, group: st.st_gid, bit: UInt16(bit))
        }
        let mode = UInt32(st.st_mode)
        if st.st_uid == peer.uid { return mode & (bit << 6) != 0 }
        if groups.contains(st.st_gid) { return mode & (bit << 3) != 0 }
        return mode & bit != 0
    }

    /// The groups the peer's process holds (its primary and supplementary groups, from
    /// /proc), else its user's groups from the user database, else its primary group alone.
    static func groups(of peer: ControlPeer) -> Set<UInt32> {
        var groups: Set<UInt32> = [peer.gid]
        if let status = try? String(contentsOfFile: "/proc/\(peer.pid)/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Groups:") }) {
            groups.formUnion(line.dropFirst("Groups:".count).split(separator: " ").compactMap { UInt32($0.trimmingCharacters(in: .whitespaces)) })
            return groups
        }
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
