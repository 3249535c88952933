import PSTNEngine
import Testing

@Suite("G.711")
struct G711Tests {
    @Test("A-law decodes as G.711 defines it, for every code")
    func aLawDecode() {
        for code in 0...255 {
            #expect(G711.aLaw.decode(UInt8(code)) == alawToLinear(UInt8(code)), "code \(code)")
        }
    }

    @Test("every code survives decode then encode, in both laws", arguments: [G711.aLaw, G711.muLaw])
    func roundTrip(law: G711) {
        for code in 0...255 {
            let back = law.encode(law.decode(UInt8(code)))
            // mu-law's two zeros (0x7F and 0xFF) both decode to 0 and come back as 0xFF.
            let expected = law == .muLaw && code == 0x7F ? 0xFF : code
            #expect(back == UInt8(expected), "code \(code)")
        }
    }

    @Test("silence is the idle byte and decodes near zero", arguments: [G711.aLaw, G711.muLaw])
    func silence(law: G711) {
        #expect(abs(Int(law.decode(law.silence))) <= 8)
    }

    @Test("chunk conversion matches sample conversion and quantises within one step")
    func chunks() {
        let samples: [Int16] = (0..<160).map { Int16(clamping: $0 * 397 - 31_000) }
        var bytes = [UInt8](repeating: 0, count: 160)
        var back = [Int16](repeating: 0, count: 160)
        samples.withUnsafeBufferPointer { s in bytes.withUnsafeMutableBufferPointer { G711.aLaw.encode(s, into: $0) } }
        bytes.withUnsafeBufferPointer { b in back.withUnsafeMutableBufferPointer { G711.aLaw.decode(b, into: $0) } }
        for (s, r) in zip(samples, back) {
            // The largest A-law step is 1024, so the error is at most half of it.
            #expect(abs(Int(s) - Int(r)) <= 512, "\(s) came back as \(r)")
        }
        #expect(bytes == samples.map { G711.aLaw.encode($0) })
    }
}
