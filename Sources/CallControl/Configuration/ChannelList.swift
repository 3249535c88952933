/// A list of DAHDI channel numbers as operators write it in configuration: `1-15,17-31`.
public struct ChannelList: Sendable, Hashable, Codable, CustomStringConvertible {
    public let channels: [Int]

    public init(_ channels: [Int]) { self.channels = channels }

    /// Why a channel list could not be read.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public let text: String
        public let reason: String
        public var description: String { "channel list \"\(text)\": \(reason)" }
    }

    public init(parsing text: String) throws(SyntaxError) {
        var out: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = item.trimmingSpaces.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count), let lo = Int(ends[0]), let hi = Int(ends.last!), lo >= 1, lo <= hi,
                  hi <= 4096 else {
                throw SyntaxError(text: text, reason: "\"\(item)\" is not a channel (1-4096) or range a-b")
            }
            out.append(contentsOf: lo...hi)
        }
        guard Set(out).count == out.count else { throw SyntaxError(text: text, reason: "a channel is listed twice") }
        channels = out
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(Int.self) {
            try self.init(parsing: String(single))
        } else if let list = try? container.decode([Int].self) {
            try self.init(parsing: list.map(String.init).joined(separator: ","))
        } else {
            try self.init(parsing: try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String {
        var parts: [String] = []
        var i = 0
        while i < channels.count {
            var j = i
            while j + 1 < channels.count, channels[j + 1] == channels[j] + 1 { j += 1 }
            parts.append(i == j ? "\(channels[i])" : "\(channels[i])-\(channels[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
