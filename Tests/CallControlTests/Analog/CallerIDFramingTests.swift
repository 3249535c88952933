@testable import CallControl
import Testing

@Suite("Analog caller ID framing")
struct CallerIDFramingTests {
    @Test("DTMF caller ID in the forms Asterisk accepts", arguments: [
        ("A1234567890C", CallerID(number: "1234567890")),
        ("D13800138000C", CallerID(number: "13800138000")),
        ("A5551234#", CallerID(number: "5551234")),
        ("B00C", CallerID(numberAbsence: .unavailable)),
        ("B10C", CallerID(numberAbsence: .restricted)),
        ("D1#", CallerID(numberAbsence: .restricted)),
        ("D3#", CallerID(numberAbsence: .unavailable)),
        ("0123456", CallerID(number: "0123456")),
    ])
    func dtmfForms(received: String, expected: CallerID) throws {
        #expect(try DTMFCallerID.parse(received) == expected)
        #expect(DTMFCallerID.isComplete(received) == !received.first!.isNumber)
    }

    @Test("malformed DTMF caller ID is refused with a reason", arguments: [
        "A123456", "AC", "A12B4C", "X123C", "B77C", "B00", "", "A", String(repeating: "1", count: 40), "D9#",
    ])
    func dtmfMalformed(received: String) {
        #expect(throws: CallerIDFormatError.self) { try DTMFCallerID.parse(received) }
    }

    @Test("DTMF caller ID encodes what it parses")
    func dtmfRoundTrip() throws {
        for callerID in [CallerID(number: "861012345678"), CallerID(numberAbsence: .restricted), CallerID(numberAbsence: .unavailable)] {
            #expect(try DTMFCallerID.parse(DTMFCallerID.encode(callerID)) == callerID)
        }
        #expect(DTMFCallerID.encode(CallerID(number: "12a4")) == "B00C", "a number that is not digits is not sent")
    }

    @Test("an MDMF / ETSI call setup message carries number and name")
    func mdmfRoundTrip() throws {
        let message = FSKCallerIDMessage.encode(CallerID(number: "5551234567", name: "ACME BANK"), dateTime: "11230845")
        #expect(message[0] == 0x80)
        #expect(Int(message[1]) == message.count - 2)
        #expect(try FSKCallerIDMessage.parse(message) == CallerID(number: "5551234567", name: "ACME BANK"))
        let withheld = FSKCallerIDMessage.encode(CallerID(numberAbsence: .restricted))
        #expect(try FSKCallerIDMessage.parse(withheld) == CallerID(numberAbsence: .restricted))
        // A trailing checksum byte after the declared length is ignored.
        #expect(try FSKCallerIDMessage.parse(message + [0x5A]).number == "5551234567")
    }

    @Test("a Bell SDMF message: date and time, then the number or O/P")
    func sdmf() throws {
        let body = Array("11230845".utf8) + Array("2125551212".utf8)
        #expect(try FSKCallerIDMessage.parse([0x04, UInt8(body.count)] + body) == CallerID(number: "2125551212"))
        let privateBody = Array("11230845".utf8) + [0x50]
        #expect(try FSKCallerIDMessage.parse([0x04, 9] + privateBody) == CallerID(numberAbsence: .restricted))
    }

    @Test("broken FSK messages are refused with a reason", arguments: [
        [UInt8](),
        [0x80],
        [0x80, 10, 0x02, 4, 0x31],           // shorter than its length
        [0x80, 4, 0x02, 9, 0x31, 0x32],      // parameter runs past the message
        [0x80, 3, 0x02, 1],                  // parameter header cut short
        [0x80, 3, 0x02, 1, 0x41],            // number that is not digits
        [0x82, 3, 0x0B, 1, 0xFF],            // message waiting, not caller ID
        [0x04, 4, 0x31, 0x31, 0x32, 0x33],   // SDMF without a number
        [0x80, 0],                           // nothing in it
    ])
    func fskMalformed(message: [UInt8]) {
        #expect(throws: CallerIDFormatError.self) { try FSKCallerIDMessage.parse(message) }
    }

    @Test("a name with control bytes is kept printable")
    func namePrintable() throws {
        let message: [UInt8] = [0x80, 8, 0x02, 2, 0x31, 0x32, 0x07, 2, 0x41, 0x07]
        #expect(try FSKCallerIDMessage.parse(message) == CallerID(number: "12", name: "A?"))
    }
}
