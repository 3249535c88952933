import Foundation
import Glibc

extension LabInstance {
    /// Run a shell command that expects DAHDI at `/dev/dahdi` (Debian's `dahdi_cfg`, `dahdi_test`
    /// open it by a fixed path) in a private mount namespace: a tmpfs over /dev (with /dev/shm for
    /// dahdi_cfg's semaphore) and this lab's mount bound onto /dev/dahdi, so nothing changes outside it.
    public func runWithDevDAHDI(_ command: String) throws -> (status: Int32, output: String) {
        guard getuid() == 0 else {
            throw LabError("running DAHDI tools against the lab bind-mounts onto /dev/dahdi and needs root (CI runs as root)")
        }
        for tool in ["/usr/sbin/dahdi_cfg", "/usr/sbin/dahdi_test", "/usr/bin/unshare"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw LabError("\(tool) is missing: install Debian's dahdi and util-linux (scripts/install-deps.sh)")
        }
        let script = "mount -t tmpfs none /dev && mkdir /dev/dahdi /dev/shm"
            + " && mount --bind '\(mountPoint)' /dev/dahdi && \(command)"
        return Self.run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script])
    }
}
