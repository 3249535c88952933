import Glibc

/// Names of a Unix user and its groups, for mapping a control client to its role.
enum UnixAccounts {
    static func userName(_ uid: UInt32) -> String? {
        var pw = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &pw, &buffer, buffer.count, &result) == 0, result != nil, let name = pw.pw_name else { return nil }
        return String(cString: name)
    }

    static func groupName(_ gid: UInt32) -> String? {
        var gr = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrgid_r(gid, &gr, &buffer, buffer.count, &result) == 0, result != nil, let name = gr.gr_name else { return nil }
        return String(cString: name)
    }

    static func groupID(_ name: String) -> UInt32? {
        var gr = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrnam_r(name, &gr, &buffer, buffer.count, &result) == 0, result != nil else { return UInt32(name) }
        return gr.gr_gid
    }

    /// The names of every group `user` is in, its primary group `gid` among them.
    static func groupNames(user: String?, gid: UInt32) -> [String] {
        var names = [groupName(gid) ?? String(gid)]
        guard let user else { return names }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, gid, &groups, &count) == -1 {
            groups = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(user, gid, &groups, &count)
        }
        for g in groups.prefix(Int(max(0, count))) where g != gid {
            names.append(groupName(g) ?? String(g))
        }
        return names
    }
}

/// `struct ucred` as `SO_PEERCRED` fills it (glibc hides the type without `_GNU_SOURCE`).
struct SocketPeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
