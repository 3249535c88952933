/// A problem in a hardware profile (a file in `hw-profiles/`, or the operator's overrides of one):
/// the file, the line and column when the YAML parser can tell, and what is wrong.
public struct HardwareProfileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The profile file, or `<profile>` for text that did not come from a file.
    public let file: String
    /// 1-based line of the offending YAML node, when known.
    public let line: Int?
    /// 1-based column of the offending YAML node, when known.
    public let column: Int?
    /// What is wrong, naming the key or value at fault.
    public let message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, leaving out what is not known.
    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return "\(place): \(message)"
    }
}
