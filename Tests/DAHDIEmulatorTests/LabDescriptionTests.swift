import DAHDIEmulator
import Testing

@Suite("Lab files")
struct LabDescriptionTests {
    static let valid = """
    cards:
      - name: a
        spans: [{ type: E1, dchannel: 16, signalling: pri }, { type: E1 }]
      - name: b
        spans: [{ type: E1, dchannel: 16 }]
      - name: s
        ports: [fxs, fxo]
      - name: p
        ports: [fxo, fxs]
    cables:
      - { name: t, a: a/span1, b: b/span1 }
      - name: l
        a: s/port1
        b: p/port1
        impairments: { echo: { model: 4, erl: 12, delay_ms: 2, at: a }, noise_dbm0: -60, delay_ms: 5 }
    """

    @Test("a valid lab parses with its cards, spans, ports and cables")
    func valid() throws {
        let lab = try LabDescription.parse(Self.valid)
        #expect(lab.cards.count == 4)
        #expect(lab.cards[0].spans?.count == 2)
        #expect(lab.cables?.count == 2)
        #expect(lab.cables?[1].impairments?.echo?.model == 4)
    }

    @Test("malformed labs are refused with the reason", arguments: [
        ("cards: [", "YAML"),
        ("cards: []", "no cards"),
        ("cards:\n  - name: x\n", "either spans"),
        ("cards:\n  - name: x\n    spans: [{ type: E3 }]", "type"),
        ("cards:\n  - name: x\n    spans: [{ type: E1, dchannel: 40 }]", "dchannel 40"),
        ("cards:\n  - name: x\n    spans: [{ type: T1, coding: hdb3 }]", "coding 'hdb3'"),
        ("cards:\n  - name: x\n    spans: [{ type: E1, signalling: isdn }]", "signalling 'isdn'"),
        ("cards:\n  - name: x\n    ports: [fxs]\n  - name: x\n    ports: [fxo]", "defined twice"),
        ("cards:\n  - name: x\n    ports: [fxs, fxs]\ncables: [{ name: c, a: x/port1, b: x/port2 }]", "two FXS"),
        ("cards:\n  - name: x\n    ports: [fxs]\ncables: [{ name: c, a: x/port1, b: y/port1 }]", "no card named 'y'"),
        ("cards:\n  - name: x\n    ports: [fxs]\ncables: [{ name: c, a: x/port1, b: x/port9 }]", "no port 9"),
        ("cards:\n  - name: x\n    ports: [fxs]\ncables: [{ name: c, a: x/port1, b: x/wire }]", "not CARD/spanN"),
        ("cards:\n  - name: x\n    spans: [{ type: E1 }, { type: T1 }]\ncables: [{ name: c, a: x/span1, b: x/span2 }]", "E1 span to a T1"),
        ("cards:\n  - name: x\n    spans: [{ type: E1 }]\n  - name: y\n    ports: [fxo]\ncables: [{ name: c, a: x/span1, b: y/port1 }]", "span to an analog"),
        ("cards:\n  - name: x\n    ports: [fxs, fxo]\ncables: [{ name: c, a: x/port1, b: x/port2, impairments: { echo: { model: 1, erl: 10 } } }]", "G.168 model"),
        ("cards:\n  - name: x\n    ports: [fxs, fxo]\ncables: [{ name: c, a: x/port1, b: x/port2, impairments: { noise_dbm0: 5 } }]", "noise_dbm0"),
    ])
    func malformed(text: String, reason: String) {
        do {
            _ = try LabDescription.parse(text, file: "lab.yaml")
            Issue.record("accepted a malformed lab: \(text)")
        } catch {
            #expect(error.description.contains(reason), "\(error.description) does not say '\(reason)'")
            #expect(error.description.hasPrefix("lab.yaml"))
        }
    }

    @Test("a YAML syntax error points at its line")
    func yamlLine() {
        do {
            _ = try LabDescription.parse("cards:\n  - name: x\n    ports: [fxs\n", file: "f.yaml")
            Issue.record("accepted broken YAML")
        } catch {
            #expect(error.line != nil)
        }
    }

    @Test("the demo lab shipped in labs/ is valid")
    func demoLab() throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let lab = try LabDescription.load(path: "/" + root + "/labs/demo.yaml")
        #expect(lab.cards.count == 4)
    }
}

@Suite("Fault commands")
struct LabCommandTests {
    @Test("well-formed commands parse")
    func parse() throws {
        #expect(try LabCommand.parse(["pull", "t"]) == .pull(cable: "t"))
        #expect(try LabCommand.parse(["break", "t", "b"]) == .breakPath(cable: "t", towards: "b"))
        #expect(try LabCommand.parse(["drop-frames", "t", "0.25"]) == .dropFrames(cable: "t", rate: 0.25))
        #expect(try LabCommand.parse(["stop-clock", "3"]) == .stopClock(span: 3))
    }

    @Test("malformed commands say why", arguments: [
        [String](), ["pull"], ["pull", "a", "b"], ["break", "t", "x"], ["drop-frames", "t", "2"],
        ["corrupt-frames", "t", "abc"], ["stop-clock", "0"], ["fly"],
    ])
    func malformed(words: [String]) {
        #expect(throws: LabCommandError.self) { try LabCommand.parse(words) }
    }
}
