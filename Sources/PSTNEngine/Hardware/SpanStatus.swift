import CDAHDI

/// The alarm bits DAHDI reports for a span (`DAHDI_ALARM_*`).
public struct SpanAlarms: OptionSet, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let recovering = SpanAlarms(rawValue: Int32(DAHDI_ALARM_RECOVER))
    public static let loopback = SpanAlarms(rawValue: Int32(DAHDI_ALARM_LOOPBACK))
    public static let yellow = SpanAlarms(rawValue: Int32(DAHDI_ALARM_YELLOW))
    public static let red = SpanAlarms(rawValue: Int32(DAHDI_ALARM_RED))
    public static let blue = SpanAlarms(rawValue: Int32(DAHDI_ALARM_BLUE))
    public static let notOpen = SpanAlarms(rawValue: Int32(DAHDI_ALARM_NOTOPEN))
    public static let lossOfSignal = SpanAlarms(rawValue: Int32(DAHDI_ALARM_LOS))
    public static let lossOfFrameAlignment = SpanAlarms(rawValue: Int32(DAHDI_ALARM_LFA))
    public static let lossOfMultiframeAlignment = SpanAlarms(rawValue: Int32(DAHDI_ALARM_LMFA))

    public var description: String {
        if isEmpty { return "OK" }
        var names: [String] = []
        if contains(.red) { names.append("RED") }
        if contains(.yellow) { names.append("YELLOW") }
        if contains(.blue) { names.append("BLUE") }
        if contains(.recovering) { names.append("RECOVERING") }
        if contains(.loopback) { names.append("LOOPBACK") }
        if contains(.notOpen) { names.append("NOTOPEN") }
        if contains(.lossOfSignal) { names.append("LOS") }
        if contains(.lossOfFrameAlignment) { names.append("LFA") }
        if contains(.lossOfMultiframeAlignment) { names.append("LMFA") }
        return names.joined(separator: ",")
    }
}

/// A span as `DAHDI_SPANSTAT` describes it.
public struct SpanStatus: Sendable, Equatable {
    public var number: Int
    public var name: String
    public var description: String
    public var alarms: SpanAlarms
    public var totalChannels: Int
    public var configuredChannels: Int
    public var totalSpans: Int
    public var lineConfig: Int32
    public var lineBuildOut: Int
    public var manufacturer: String
    public var deviceType: String
    public var location: String
    public var spanType: String
    public var bipolarViolations: Int
    public var crc4Errors: Int
    public var syncSource: Int

    public static func == (lhs: SpanStatus, rhs: SpanStatus) -> Bool {
        lhs.number == rhs.number && lhs.name == rhs.name && lhs.alarms == rhs.alarms
            && lhs.totalChannels == rhs.totalChannels && lhs.spanType == rhs.spanType
    }

    init(_ raw: cdahdi_span_status) {
        number = Int(raw.spanno)
        name = cString(raw.name)
        description = cString(raw.desc)
        alarms = SpanAlarms(rawValue: raw.alarms)
        totalChannels = Int(raw.totalchans)
        configuredChannels = Int(raw.numchans)
        totalSpans = Int(raw.totalspans)
        lineConfig = raw.lineconfig
        lineBuildOut = Int(raw.lbo)
        manufacturer = cString(raw.manufacturer)
        deviceType = cString(raw.devicetype)
        location = cString(raw.location)
        spanType = cString(raw.spantype)
        bipolarViolations = Int(raw.bpvcount)
        crc4Errors = Int(raw.crc4count)
        syncSource = Int(raw.syncsrc)
    }
}

/// Read a fixed-size C `char` array (imported as a tuple) as a String, stopping at NUL or its end.
package func cString<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
}

/// Copy a String into a fixed C `char` array (a tuple), NUL-terminated and truncated to fit.
package func setCString<T>(_ tuple: inout T, _ string: String) {
    withUnsafeMutableBytes(of: &tuple) { raw in
        for i in 0..<raw.count { raw[i] = 0 }
        for (i, b) in string.utf8.prefix(raw.count - 1).enumerated() { raw[i] = b }
    }
}
