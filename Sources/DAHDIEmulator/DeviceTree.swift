import Foundation

/// The file tree `dahdi-emu` serves, with DAHDI's names: `ctl`, `channel`, `pseudo`, `timer`, and
/// `chan/SSS/CCC` for each channel (span number and position in span, as DAHDI's udev rules name them).
struct DeviceTree {
    static let rootInode: UInt64 = 1
    private static let fixed: [(String, UInt64, DeviceNode)] = [
        ("ctl", 2, .control), ("channel", 3, .channelDevice), ("pseudo", 4, .pseudo),
        ("timer", 5, .timer), ("chan", 6, .channelDirectory),
    ]
    private static let spanBase: UInt64 = 100
    private static let channelBase: UInt64 = 100_000

    /// Span number -> (position -> channel number).
    let spans: [Int: [Int: Int]]

    init(spans: [Int: [Int: Int]]) { self.spans = spans }

    func node(_ inode: UInt64) -> DeviceNode? {
        if inode == Self.rootInode { return .root }
        if let f = Self.fixed.first(where: { $0.1 == inode }) { return f.2 }
        if inode >= Self.channelBase { return .channel(Int(inode - Self.channelBase)) }
        if inode > Self.spanBase, spans[Int(inode - Self.spanBase)] != nil { return .spanDirectory(Int(inode - Self.spanBase)) }
        return nil
    }

    func inode(_ node: DeviceNode) -> UInt64 {
        switch node {
        case .root: return Self.rootInode
        case let .spanDirectory(s): return Self.spanBase + UInt64(s)
        case let .channel(c): return Self.channelBase + UInt64(c)
        default: return Self.fixed.first { $0.2 == node }!.1
        }
    }

    func isDirectory(_ node: DeviceNode) -> Bool {
        switch node {
        case .root, .channelDirectory, .spanDirectory: return true
        default: return false
        }
    }

    /// The entries of a directory, in order.
    func children(of node: DeviceNode) -> [(name: String, node: DeviceNode)] {
        switch node {
        case .root:
            return Self.fixed.map { ($0.0, $0.2) }
        case .channelDirectory:
            return spans.keys.sorted().map { (String(format: "%03d", $0), .spanDirectory($0)) }
        case let .spanDirectory(s):
            return (spans[s] ?? [:]).sorted { $0.key < $1.key }.map { (String(format: "%03d", $0.key), .channel($0.value)) }
        default:
            return []
        }
    }

    func lookup(parent: DeviceNode, name: String) -> DeviceNode? {
        children(of: parent).first { $0.name == name }?.node
    }
}
