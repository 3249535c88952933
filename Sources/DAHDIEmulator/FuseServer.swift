import CFUSE3
import Foundation
import Glibc

/// Serves a `DeviceEmulator` as a FUSE filesystem (libfuse3 low-level API) on a mount point.
public final class FuseServer {
    let emulator: DeviceEmulator
    let tree: DeviceTree
    let mountPoint: String
    let group: gid_t

    /// Serve `emulator` on `mountPoint`; files belong to `group` with mode 0660, as udev/ sets up
    /// for real cards, and the kernel enforces that (`default_permissions`).
    public init(emulator: DeviceEmulator, mountPoint: String, group: gid_t = getgid()) {
        self.emulator = emulator
        self.mountPoint = mountPoint
        self.group = group
        self.tree = emulator.deviceTree()
    }

    /// Mount, call `ready`, serve until SIGINT/SIGTERM/SIGHUP or unmount, then unmount.
    public func run(ready: () -> Void) throws(EmulatorStartError) {
        var arguments = ["dahdi-emu", "-o", "fsname=dahdi-emu,subtype=dahdi,default_permissions"]
        if getuid() == 0 { arguments += ["-o", "allow_other"] }
        var cArgs = arguments.map { strdup($0) }
        defer { cArgs.forEach { free($0) } }
        var ops = Self.operations()
        let context = Unmanaged.passRetained(self)
        defer { context.release() }
        let session: OpaquePointer? = cArgs.withUnsafeMutableBufferPointer { argv in
            var args = fuse_args(argc: Int32(argv.count), argv: argv.baseAddress, allocated: 0)
            return fuse_session_new(&args, &ops, MemoryLayout<fuse_lowlevel_ops>.size, context.toOpaque())
        }
        guard let session else { throw EmulatorStartError(message: "fuse_session_new failed") }
        defer { fuse_session_destroy(session) }
        guard fuse_set_signal_handlers(session) == 0 else {
            throw EmulatorStartError(message: "cannot install signal handlers")
        }
        defer { fuse_remove_signal_handlers(session) }
        guard fuse_session_mount(session, mountPoint) == 0 else {
            throw EmulatorStartError(message: "cannot mount on \(mountPoint) (is /dev/fuse there, and is the directory empty and ours?)")
        }
        defer { fuse_session_unmount(session) }
        ready()
        var config = fuse_loop_config(clone_fd: 0, max_idle_threads: 16)
        let result = fuse_session_loop_mt_32(session, &config)
        // Nothing may answer a request or a poll handle once the session is gone.
        emulator.shutdown()
        if result < 0 {
            throw EmulatorStartError(message: "FUSE loop ended with error \(-result)")
        }
    }

    static func server(_ req: fuse_req_t?) -> FuseServer {
        Unmanaged<FuseServer>.fromOpaque(fuse_req_userdata(req)!).takeUnretainedValue()
    }

    func attributes(_ node: DeviceNode) -> stat {
        var st = stat()
        st.st_ino = UInt(tree.inode(node))
        if tree.isDirectory(node) {
            st.st_mode = S_IFDIR | 0o755
            st.st_nlink = 2
        } else {
            st.st_mode = S_IFREG | 0o660
            st.st_nlink = 1
        }
        st.st_uid = getuid()
        st.st_gid = group
        return st
    }

    // swiftlint:disable:next function_body_length
    static func operations() -> fuse_lowlevel_ops {
        var ops = fuse_lowlevel_ops()
        ops.lookup = { req, parent, name in
            let s = FuseServer.server(req)
            guard let parentNode = s.tree.node(parent), let name,
                  let node = s.tree.lookup(parent: parentNode, name: String(cString: name)) else {
                fuse_reply_err(req, ENOENT)
                return
            }
            var entry = fuse_entry_param()
            entry.ino = s.tree.inode(node)
            entry.attr = s.attributes(node)
            entry.attr_timeout = 3600
            entry.entry_timeout = 3600
            fuse_reply_entry(req, &entry)
        }
        ops.getattr = { req, ino, _ in
            let s = FuseServer.server(req)
            guard let node = s.tree.node(ino) else {
                fuse_reply_err(req, ENOENT)
                return
            }
            var st = s.attributes(node)
            fuse_reply_attr(req, &st, 3600)
        }
        ops.readdir = { req, ino, size, offset, _ in
            let s = FuseServer.server(req)
            guard let node = s.tree.node(ino), s.tree.isDirectory(node) else {
                fuse_reply_err(req, ENOTDIR)
                return
            }
            let entries = [(".", node), ("..", DeviceNode.root)] + s.tree.children(of: node).map { ($0.name, $0.node) }
            guard size > 0 else {
                fuse_reply_buf(req, nil, 0)
                return
            }
            var buffer = [CChar](repeating: 0, count: size)
            var used = 0
            var index = Int(offset)
            while index < entries.count {
                var st = s.attributes(entries[index].1)
                let needed = buffer.withUnsafeMutableBufferPointer { b in
                    fuse_add_direntry(req, b.baseAddress! + used, size - used, entries[index].0, &st, off_t(index + 1))
                }
                if needed > size - used { break }
                used += needed
                index += 1
            }
            buffer.withUnsafeBufferPointer { _ = fuse_reply_buf(req, $0.baseAddress, used) }
        }
        ops.open = { req, ino, fi in
            let s = FuseServer.server(req)
            guard let node = s.tree.node(ino), let fi else {
                fuse_reply_err(req, ENOENT)
                return
            }
            if s.tree.isDirectory(node) {
                fuse_reply_err(req, EISDIR)
                return
            }
            switch s.emulator.open(node) {
            case let .success(handle):
                fi.pointee.fh = handle
                fi.pointee.direct_io = 1
                fi.pointee.nonseekable = 1
                fi.pointee.keep_cache = 0
                fuse_reply_open(req, fi)
            case let .failure(e):
                fuse_reply_err(req, e.code)
            }
        }
        ops.release = { req, _, fi in
            if let fi { FuseServer.server(req).emulator.release(fi.pointee.fh) }
            fuse_reply_err(req, 0)
        }
        ops.read = { req, _, size, _, fi in
            guard let req, let fi else { return }
            let s = FuseServer.server(req)
            let reply = FuseReply(req)
            fuse_req_interrupt_func(req, fuseInterrupt, Unmanaged.passUnretained(s).toOpaque())
            s.emulator.read(fi.pointee.fh, size: size, nonBlocking: fi.pointee.flags & O_NONBLOCK != 0,
                            reply: reply, interrupted: { fuse_req_interrupted(req) != 0 })
        }
        ops.write = { req, _, buf, size, _, fi in
            guard let req, let fi else { return }
            let s = FuseServer.server(req)
            let data = buf.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
            let reply = FuseReply(req)
            fuse_req_interrupt_func(req, fuseInterrupt, Unmanaged.passUnretained(s).toOpaque())
            s.emulator.write(fi.pointee.fh, data: data, nonBlocking: fi.pointee.flags & O_NONBLOCK != 0,
                             reply: reply, interrupted: { fuse_req_interrupted(req) != 0 })
        }
        ops.ioctl = { req, _, cmd, _, fi, flags, inBuf, inSize, outSize in
            guard let fi else {
                fuse_reply_err(req, EBADF)
                return
            }
            if flags & UInt32(FUSE_IOCTL_COMPAT) != 0 {
                fuse_reply_err(req, ENOSYS)
                return
            }
            let input = inBuf.map { Array(UnsafeRawBufferPointer(start: $0, count: inSize)) } ?? []
            let nonBlocking = fi.pointee.flags & O_NONBLOCK != 0
            switch FuseServer.server(req).emulator.ioctl(fi.pointee.fh, command: cmd, input: input, nonBlocking: nonBlocking) {
            case let .success(result, output):
                let out = Array(output.prefix(outSize))
                out.withUnsafeBytes { _ = fuse_reply_ioctl(req, result, $0.baseAddress, out.count) }
            case let .failure(e):
                fuse_reply_err(req, e)
            }
        }
        ops.poll = { req, _, fi, ph in
            guard let fi else {
                fuse_reply_err(req, EBADF)
                return
            }
            // Kernels that do not pass the requested events (poll_events 0) get told of anything.
            let requested = fi.pointee.poll_events == 0 ? Int16(-1) : Int16(truncatingIfNeeded: fi.pointee.poll_events)
            let waiter = ph.map { FusePollWaiter($0, events: requested) }
            let mask = FuseServer.server(req).emulator.poll(fi.pointee.fh, waiter: waiter)
            fuse_reply_poll(req, UInt32(UInt16(bitPattern: mask)))
        }
        return ops
    }
}

/// libfuse calls this when the kernel interrupts a request (the client got a signal or was killed).
private func fuseInterrupt(_ req: fuse_req_t?, _ data: UnsafeMutableRawPointer?) {
    guard let req, let data else { return }
    let server = Unmanaged<FuseServer>.fromOpaque(data).takeUnretainedValue()
    server.emulator.interrupt(requestID: UInt(bitPattern: req))
}

/// A FUSE request answered later.
final class FuseReply: PendingReply {
    let request: fuse_req_t
    init(_ request: fuse_req_t) { self.request = request }

    var requestID: UInt { UInt(bitPattern: request) }

    func replyData(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = fuse_reply_buf(request, $0.baseAddress, bytes.count) }
    }

    func replyWritten(_ count: Int) { fuse_reply_write(request, count) }
    func replyError(_ errno: Int32) { fuse_reply_err(request, errno) }
}

/// A poll handle from the kernel, notified once.
final class FusePollWaiter: PollWaiter {
    private var handle: OpaquePointer?
    let events: Int16
    init(_ handle: OpaquePointer, events: Int16) {
        self.handle = handle
        self.events = events
    }

    func notify() {
        guard let handle else { return }
        fuse_lowlevel_notify_poll(handle)
        fuse_pollhandle_destroy(handle)
        self.handle = nil
    }

    deinit {
        if let handle { fuse_pollhandle_destroy(handle) }
    }
}

/// Why the emulator could not start serving.
public struct EmulatorStartError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

extension DeviceEmulator {
    /// The file tree for the current spans and channels.
    func deviceTree() -> DeviceTree {
        lock.withLock {
            var map: [Int: [Int: Int]] = [:]
            for span in spans {
                map[span.number] = Dictionary(uniqueKeysWithValues: span.channels.map { ($0.position, $0.number) })
            }
            return DeviceTree(spans: map)
        }
    }
}
