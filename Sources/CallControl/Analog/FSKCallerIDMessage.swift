/// The caller ID message FSK carries between the first and second ring: Bell SDMF (type 0x04)
/// and MDMF (type 0x80), and ETSI EN 300 659-3 call setup (type 0x80, the same parameter codes
/// for date, number, absence reason and name). Bytes are the message type, its length and its
/// body; the checksum is the modem's business (spandsp checks and adds it).
public enum FSKCallerIDMessage {
    static let singleDataMessage: UInt8 = 0x04
    static let multipleDataMessage: UInt8 = 0x80
    static let dateTime: UInt8 = 0x01
    static let callingNumber: UInt8 = 0x02
    static let numberAbsence: UInt8 = 0x04
    static let callingName: UInt8 = 0x07
    static let nameAbsence: UInt8 = 0x08

    /// Read a received message. Throws with a reason when it is not a caller ID message or its
    /// structure is broken (a parameter running past the end, a length that does not fit).
    public static func parse(_ message: [UInt8]) throws(CallerIDFormatError) -> CallerID {
        guard message.count >= 2 else {
            throw CallerIDFormatError("FSK caller ID message of \(message.count) bytes")
        }
        let length = Int(message[1])
        guard message.count >= 2 + length else {
            throw CallerIDFormatError("FSK caller ID message says \(length) bytes of body, has \(message.count - 2)")
        }
        let body = Array(message[2..<(2 + length)])
        switch message[0] {
        case singleDataMessage: return try parseSingle(body)
        case multipleDataMessage: return try parseMultiple(body)
        default:
            throw CallerIDFormatError("FSK message type 0x\(String(message[0], radix: 16)) is not caller ID")
        }
    }

    /// SDMF: 8 digits of date and time, then the number or "O" / "P".
    private static func parseSingle(_ body: [UInt8]) throws(CallerIDFormatError) -> CallerID {
        guard body.count > 8 else { throw CallerIDFormatError("SDMF caller ID of \(body.count) bytes has no number") }
        let rest = Array(body[8...])
        if rest == [0x4F] { return CallerID(numberAbsence: .unavailable) }
        if rest == [0x50] { return CallerID(numberAbsence: .restricted) }
        return CallerID(number: try digits(rest, "SDMF number"))
    }

    private static func parseMultiple(_ body: [UInt8]) throws(CallerIDFormatError) -> CallerID {
        var callerID = CallerID()
        var position = 0
        while position < body.count {
            guard position + 2 <= body.count else {
                throw CallerIDFormatError("MDMF parameter header cut short at byte \(position)")
            }
            let type = body[position]
            let length = Int(body[position + 1])
            let start = position + 2
            guard start + length <= body.count else {
                throw CallerIDFormatError("MDMF parameter 0x\(String(type, radix: 16)) runs past the message")
            }
            let value = Array(body[start..<(start + length)])
            switch type {
            case callingNumber: callerID.number = try digits(value, "calling number")
            case numberAbsence: callerID.numberAbsence = absence(value)
            case callingName: callerID.name = text(value)
            default: break // date, name absence and the rest do not reach the call
            }
            position = start + length
        }
        guard callerID.number != nil || callerID.numberAbsence != nil || callerID.name != nil else {
            throw CallerIDFormatError("MDMF caller ID holds neither a number, a reason for its absence nor a name")
        }
        return callerID
    }

    private static func digits(_ bytes: [UInt8], _ what: String) throws(CallerIDFormatError) -> String {
        guard !bytes.isEmpty, bytes.count <= 32,
              bytes.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2A || $0 == 0x23 }) else {
            throw CallerIDFormatError("\(what) is not digits: \(bytes)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func absence(_ bytes: [UInt8]) -> CallerID.Absence {
        bytes == [0x50] ? .restricted : .unavailable
    }

    /// Printable ASCII only; anything else becomes "?".
    private static func text(_ bytes: [UInt8]) -> String {
        String(bytes.map { (0x20...0x7E).contains($0) ? Character(Unicode.Scalar($0)) : "?" })
    }

    /// An MDMF / ETSI call setup message for `callerID`, dated `dateTime` ("MMDDhhmm").
    public static func encode(_ callerID: CallerID, dateTime: String = "01010000") -> [UInt8] {
        var body: [UInt8] = []
        func add(_ type: UInt8, _ value: [UInt8]) {
            let value = Array(value.prefix(255))
            body += [type, UInt8(value.count)] + value
        }
        add(Self.dateTime, Array(dateTime.utf8.prefix(8)))
        if let number = callerID.number, !number.isEmpty {
            add(callingNumber, Array(number.utf8.prefix(20)))
        } else {
            add(numberAbsence, callerID.numberAbsence == .restricted ? [0x50] : [0x4F])
        }
        if let name = callerID.name, !name.isEmpty {
            add(callingName, Array(name.utf8.filter { (0x20...0x7E).contains($0) }.prefix(50)))
        }
        return [multipleDataMessage, UInt8(body.count)] + body
    }
}
