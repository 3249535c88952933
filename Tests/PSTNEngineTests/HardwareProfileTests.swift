import DAHDIEmulator
import Foundation
import LabTestSupport
import PSTNEngine
import Testing

/// The shipped `hw-profiles/` presets, the `system.conf` and channel map they produce, the
/// operator's overrides, and the errors for malformed profiles.
@Suite("Hardware profiles")
struct HardwareProfileTests {
    /// The package root, found from this file: Tests/PSTNEngineTests/HardwareProfileTests.swift.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let presets = packageRoot + "/hw-profiles"

    static func preset(_ name: String) throws -> HardwareProfile {
        try HardwareProfile.preset(named: name, in: presets)
    }

    // MARK: Presets

    @Test("hw-profiles holds the seven presets")
    func presetNames() throws {
        #expect(try HardwareProfile.presetNames(in: Self.presets)
            == ["demo-lab", "openvox-a400p", "openvox-d430", "sangoma-a104", "single-e1", "tdm410", "te420"])
    }

    @Test("every preset loads, and its system.conf is valid dahdi_cfg syntax matching its channel map",
          arguments: ["demo-lab", "openvox-a400p", "openvox-d430", "sangoma-a104", "single-e1", "tdm410", "te420"])
    func presetIsConsistent(name: String) throws {
        let profile = try Self.preset(name)
        #expect(profile.name == name)
        let conf = profile.systemConf()
        let configured = try SystemConfSyntax.check(conf)
        let map = profile.channelMap()
        #expect(configured == Dictionary(uniqueKeysWithValues: map.channels.map { ($0.number, $0.signalling.rawValue) }))
        #expect(!conf.split(separator: "\n").contains { $0.hasPrefix("echocanceller") })
        #expect(conf.contains("loadzone=\(profile.zone)\ndefaultzone=\(profile.zone)\n"))
        for span in map.spans where span.kind != .analog {
            #expect(conf.contains("\nspan=\(span.number),"), "no span line for span \(span.number)")
        }
    }

    @Test("quad E1/T1 presets: 124 channels as E1 with D-channels 16, 47, 78, 109",
          arguments: ["te420", "openvox-d430", "sangoma-a104"])
    func quadE1(name: String) throws {
        let map = try Self.preset(name).channelMap()
        #expect(map.channels.map(\.number) == Array(1...124))
        #expect(map.dChannels == [16, 47, 78, 109])
        #expect(map.spans.map(\.number) == [1, 2, 3, 4])
        #expect(map.spans.allSatisfy { $0.line == .e1 && $0.kind == .pri })
        #expect(map.bChannels(span: 2) == Array(32...46) + Array(48...62))
        #expect(map[channel: 47]?.role == .dChannel(span: 2))
        #expect(map[channel: 47]?.signalling == .hardHDLC)
        #expect(map[channel: 48]?.role == .bChannel(span: 2))
    }

    @Test("TE420 as E1: the exact system.conf")
    func te420SystemConf() throws {
        let body = try Self.preset("te420").systemConf().split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(body == [
            "span=1,1,0,ccs,hdb3,crc4", "bchan=1-15,17-31", "hardhdlc=16",
            "span=2,2,0,ccs,hdb3,crc4", "bchan=32-46,48-62", "hardhdlc=47",
            "span=3,3,0,ccs,hdb3,crc4", "bchan=63-77,79-93", "hardhdlc=78",
            "span=4,4,0,ccs,hdb3,crc4", "bchan=94-108,110-124", "hardhdlc=109",
            "loadzone=cn", "defaultzone=cn",
        ])
    }

    @Test("TE420 as T1 (North America): 96 channels, D-channels 24, 48, 72, 96, esf/b8zs, zone us")
    func te420AsT1() throws {
        let profile = try Self.preset("te420").applying(.init(line: .t1, zone: "us"))
        let map = profile.channelMap()
        #expect(map.channels.map(\.number) == Array(1...96))
        #expect(map.dChannels == [24, 48, 72, 96])
        #expect(map.spans.allSatisfy { $0.line == .t1 })
        #expect(map.bChannels(span: 4) == Array(73...95))
        let conf = profile.systemConf()
        _ = try SystemConfSyntax.check(conf)
        #expect(conf.contains("span=1,1,0,esf,b8zs\nbchan=1-23\nhardhdlc=24\n"))
        #expect(conf.contains("span=4,4,0,esf,b8zs\nbchan=73-95\nhardhdlc=96\n"))
        #expect(!conf.contains("crc4"))
        #expect(conf.hasSuffix("loadzone=us\ndefaultzone=us\n"))
    }

    @Test("Overrides: one span's line type, SS7 on a chosen timeslot, a clear span")
    func spanOverrides() throws {
        let profile = try Self.preset("te420").applying(.init(
            lines: [4: .t1], carries: [2: .ss7, 3: .clear], signallingTimeslots: [2: 1]))
        let map = profile.channelMap()
        #expect(map.channels.count == 31 * 3 + 24)
        #expect(map.signallingLinks == [32])
        #expect(map[channel: 32]?.role == .signallingLink(span: 2))
        #expect(map.span(3)?.kind == .clear)
        #expect(map.bChannels(span: 3) == Array(63...93))
        #expect(map.dChannels == [16, 117])
        let conf = profile.systemConf()
        _ = try SystemConfSyntax.check(conf)
        #expect(conf.contains("span=2,2,0,ccs,hdb3,crc4\nbchan=33-62\nmtp2=32\n"))
        #expect(conf.contains("span=3,3,0,ccs,hdb3,crc4\nbchan=63-93\nspan=4,4,0,esf,b8zs\nbchan=94-116\nhardhdlc=117\n"))
    }

    @Test("Single E1: 31 channels, D-channel 16")
    func singleE1() throws {
        let map = try Self.preset("single-e1").channelMap()
        #expect(map.channels.count == 31)
        #expect(map.dChannels == [16])
        #expect(map.bChannels(span: 1) == Array(1...15) + Array(17...31))
    }

    @Test("Analog presets: FXS stations in slots 1-2, FXO trunks in slots 3-4", arguments: ["tdm410", "openvox-a400p"])
    func analog(name: String) throws {
        let profile = try Self.preset(name)
        let map = profile.channelMap()
        #expect(map.fxsStations == [1, 2])
        #expect(map.fxoTrunks == [3, 4])
        #expect(map.spans.map(\.kind) == [.analog])
        #expect(map.spans.first?.line == nil)
        #expect(map[channel: 1]?.signalling == .fxoKewlstart)
        #expect(map[channel: 3]?.signalling == .fxsKewlstart)
        let body = profile.systemConf().split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(body == ["fxoks=1-2", "fxsks=3-4", "loadzone=cn", "defaultzone=cn"])
    }

    @Test("Analog module override: an empty slot keeps its number unconfigured")
    func analogPortsOverride() throws {
        let profile = try Self.preset("tdm410").applying(.init(ports: [1: [.fxo, .empty, .fxs, .fxo]]))
        let map = profile.channelMap()
        #expect(map.fxoTrunks == [1, 4])
        #expect(map.fxsStations == [3])
        #expect(map[channel: 2] == nil)
        #expect(map.span(1)?.channels == 1...4)
        #expect(profile.systemConf().contains("fxoks=3\nfxsks=1,4\n"))
    }

    // MARK: Demo lab

    @Test("demo-lab: the exact system.conf of the demo lab's engine side")
    func demoLabSystemConf() throws {
        let body = try Self.preset("demo-lab").systemConf().split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        #expect(body == """
            span=1,1,0,ccs,hdb3,crc4
            bchan=1-15,17-31
            hardhdlc=16
            span=2,2,0,ccs,hdb3,crc4
            bchan=32-46,48-62
            hardhdlc=47
            span=3,3,0,ccs,hdb3,crc4
            bchan=63-77,79-93
            mtp2=78
            span=4,4,0,ccs,hdb3,crc4
            bchan=94-108,110-124
            hardhdlc=109
            fxoks=249-250
            fxsks=251-252
            loadzone=cn
            defaultzone=cn

            """)
    }

    @Test("demo-lab matches labs/demo.yaml: the engine's cards, spans, channel numbers and signalling")
    func demoLabMatchesLabFile() throws {
        let lab = try LabDescription.load(path: Self.packageRoot + "/labs/demo.yaml")
        let map = try Self.preset("demo-lab").channelMap()
        var nextChannel = 1
        var nextSpan = 1
        for card in lab.cards {
            let spans = card.spans ?? []
            if card.name == "engine" {
                for (i, span) in spans.enumerated() {
                    let placed = try #require(map.span(nextSpan + i))
                    #expect(placed.line?.rawValue == span.type.rawValue)
                    #expect(placed.kind.rawValue == span.signalling)
                    let slot = try #require(span.dchannel)
                    let first = nextChannel + i * 31
                    #expect(placed.channels == first...(first + 30))
                    #expect(map[channel: first + slot - 1]?.signalling == (span.signalling == "ss7" ? .mtp2 : .hardHDLC))
                }
            }
            if card.name == "engine-analog", let ports = card.ports {
                let placed = try #require(map.span(nextSpan))
                #expect(placed.kind == .analog)
                for (i, port) in ports.enumerated() {
                    #expect(map[channel: nextChannel + i]?.role == (port == .fxs ? .fxsStation : .fxoTrunk))
                }
            }
            for span in spans { nextChannel += span.type == .E1 ? 31 : 24 }
            nextChannel += card.ports?.count ?? 0
            nextSpan += card.ports == nil ? spans.count : 1
        }
        #expect(map.spans.map(\.number) == [1, 2, 3, 4, 9])
        #expect(map.channels.count == 128)
    }

    @Test("demo-lab: Debian's dahdi_cfg applies the system.conf to the emulated demo lab")
    func demoLabDahdiCfg() throws {
        let lab = try LabInstance(lab: String(contentsOfFile: Self.packageRoot + "/labs/demo.yaml", encoding: .utf8))
        let profile = try Self.preset("demo-lab")
        let conf = lab.directory + "/system.conf"
        try profile.systemConf().write(toFile: conf, atomically: true, encoding: .utf8)
        let result = try lab.runWithDevDAHDI("/usr/sbin/dahdi_cfg -c '\(conf)'")
        #expect(result.status == 0, "dahdi_cfg: \(result.output)")
        let control = try DAHDIControl(directory: lab.dahdi)
        for channel in [1, 16, 47, 78, 109, 124, 249, 250, 251, 252] {
            let expected = try #require(profile.channelMap()[channel: channel]).signalling
            #expect(try control.channelParameters(channel).signalling == expected.dahdiValue, "channel \(channel)")
        }
    }

    // MARK: Malformed profiles

    static let valid = """
        name: test
        zone: cn
        cards:
          - name: quad
            line: E1
            spans:
              - { carries: pri, timing: 1 }
              - { carries: pri, timing: 2 }
        """

    static func error(_ yaml: String) -> HardwareProfileError? {
        do {
            _ = try HardwareProfile.parse(yaml, file: "bad.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test("the valid base of the malformed cases parses")
    func validBase() throws {
        let profile = try HardwareProfile.parse(Self.valid)
        #expect(profile.channelMap().dChannels == [16, 47])
    }

    @Test("malformed YAML: the parser's line and column")
    func badYAML() throws {
        let error = try #require(Self.error("name: test\nzone: cn\ncards:\n  - { name: quad, line: E1\n  - oops: [\n"))
        #expect(error.file == "bad.yaml")
        #expect(error.line == 5)
        #expect(error.column != nil)
        #expect(error.message.hasPrefix("YAML: "))
        #expect(error.description.hasPrefix("bad.yaml:5:"))
    }

    @Test("wrong types: a word for a number, a scalar for a list, a list for a string")
    func wrongTypes() throws {
        let timing = try #require(Self.error(Self.valid.replacingOccurrences(of: "timing: 2", with: "timing: fast")))
        #expect(timing.message.contains("timing: expected an integer, got 'fast'"), "\(timing)")
        #expect(timing.line == 8)
        #expect(timing.column == 33)
        let ports = try #require(Self.error("name: test\nzone: cn\ncards:\n  - ports: fxs\n"))
        #expect(ports.message.contains("ports: expected a list"), "\(ports)")
        #expect(ports.line == 4)
        let zone = try #require(Self.error(Self.valid.replacingOccurrences(of: "zone: cn", with: "zone: [cn]")))
        #expect(zone.message.contains("zone: expected a string, got a list"), "\(zone)")
        let cards = try #require(Self.error("name: test\nzone: cn\ncards: 4\n"))
        #expect(cards.message.contains("cards: expected a list"), "\(cards)")
    }

    @Test("T1 with hdb3 coding, CRC-4 or ccs framing")
    func t1Options() throws {
        let hdb3 = try #require(Self.error(Self.valid.replacingOccurrences(
            of: "{ carries: pri, timing: 2 }", with: "{ carries: pri, timing: 2, line: T1, coding: hdb3 }")))
        #expect(hdb3.message.contains("coding 'hdb3' is not valid for T1 (b8zs, ami)"), "\(hdb3)")
        #expect(hdb3.line == 8)
        let crc4 = try #require(Self.error(Self.valid.replacingOccurrences(of: "line: E1", with: "line: T1")
            .replacingOccurrences(of: "timing: 1 }", with: "timing: 1, crc4: true }")))
        #expect(crc4.message.contains("crc4"), "\(crc4)")
        let ccs = try #require(Self.error(Self.valid.replacingOccurrences(of: "line: E1", with: "line: T1")
            .replacingOccurrences(of: "timing: 1 }", with: "timing: 1, framing: ccs }")))
        #expect(ccs.message.contains("framing 'ccs' is not valid for T1"), "\(ccs)")
    }

    @Test("a D-channel timeslot outside the span")
    func dchannelOutside() throws {
        let e1 = try #require(Self.error(Self.valid.replacingOccurrences(of: "timing: 1 }", with: "timing: 1, dchannel: 40 }")))
        #expect(e1.message.contains("dchannel 40 is not a timeslot of an E1 span (1-31)"), "\(e1)")
        #expect(e1.line == 7)
        #expect(e1.column == 46)
        let t1 = try #require(Self.error(Self.valid.replacingOccurrences(of: "line: E1", with: "line: T1")
            .replacingOccurrences(of: "timing: 1 }", with: "timing: 1, dchannel: 31 }")))
        #expect(t1.message.contains("dchannel 31 is not a timeslot of an T1 span (1-24)"), "\(t1)")
        let clear = try #require(Self.error(Self.valid.replacingOccurrences(of: "carries: pri, timing: 1 }", with: "carries: clear, timing: 1, dchannel: 16 }")))
        #expect(clear.message.contains("clear span"), "\(clear)")
    }

    @Test("overlapping channel numbers and span numbers")
    func overlaps() throws {
        let channels = try #require(Self.error(Self.valid + "\n  - { name: fxs, first_span: 3, first_channel: 60, ports: [fxs] }\n"))
        #expect(channels.message.contains("channels 60 of span 3 (card 'fxs') overlap channels 32-62 of span 2 (card 'quad')"),
                "\(channels)")
        #expect(channels.line == 9)
        let spans = try #require(Self.error(Self.valid + "\n  - { name: fxs, first_span: 2, first_channel: 63, ports: [fxs] }\n"))
        #expect(spans.message.contains("span 2 of card 'fxs' is also span 2 of card 'quad'"), "\(spans)")
        let order = try #require(Self.error(
            Self.valid.replacingOccurrences(of: "  - name: quad", with: "  - name: quad\n    first_channel: 10")
                + "\n  - { name: fxs, first_span: 9, first_channel: 1, ports: [fxs] }\n"))
        #expect(order.message.contains("out of order"), "\(order)")
    }

    @Test("unknown signalling, keys, values, zone; empty ports; an echo canceller")
    func unknownNames() throws {
        let carries = try #require(Self.error(Self.valid.replacingOccurrences(of: "carries: pri, timing: 2", with: "carries: r2, timing: 2")))
        #expect(carries.message.contains("carries: unknown value 'r2' (expected one of pri, ss7, clear)"), "\(carries)")
        #expect(carries.line == 8)
        let port = try #require(Self.error("name: test\nzone: cn\ncards:\n  - ports: [fxs, fxx]\n"))
        #expect(port.message.contains("port 2: unknown value 'fxx'"), "\(port)")
        #expect(port.line == 4)
        #expect(port.column == 18)
        let key = try #require(Self.error(Self.valid.replacingOccurrences(of: "timing: 1 }", with: "timing: 1, framming: ccs }")))
        #expect(key.message.contains("unknown key 'framming'"), "\(key)")
        let line = try #require(Self.error(Self.valid.replacingOccurrences(of: "line: E1", with: "line: J1")))
        #expect(line.message.contains("line: unknown value 'J1'"), "\(line)")
        let zone = try #require(Self.error(Self.valid.replacingOccurrences(of: "zone: cn", with: "zone: xx")))
        #expect(zone.message.contains("zone 'xx' is not a libtonezone tone zone"), "\(zone)")
        #expect(zone.line == 2)
        let empty = try #require(Self.error("name: test\nzone: cn\ncards:\n  - name: a\n    ports: []\n"))
        #expect(empty.message.contains("card 'a' has an empty ports list"), "\(empty)")
        #expect(empty.line == 5)
        let echo = try #require(Self.error(Self.valid.replacingOccurrences(of: "line: E1", with: "line: E1\n    echocanceller: mg2")))
        #expect(echo.message.contains("echocanceller"), "\(echo)")
        let missing = try #require(Self.error(Self.valid.replacingOccurrences(of: "carries: pri, timing: 2", with: "timing: 2")))
        #expect(missing.message.contains("missing 'carries'"), "\(missing)")
        let duplicate = try #require(Self.error(Self.valid + "\nzone: us\n"))
        #expect(duplicate.message.contains("duplicated key 'zone'"), "\(duplicate)")
    }

    @Test("bad overrides and unknown presets")
    func badOverrides() throws {
        let te420 = try Self.preset("te420")
        #expect(throws: HardwareProfileError.self) { try te420.applying(.init(lines: [7: .t1])) }
        #expect(throws: HardwareProfileError.self) { try te420.applying(.init(zone: "klingon")) }
        do {
            _ = try te420.applying(.init(line: .t1, signallingTimeslots: [1: 30]))
            Issue.record("dchannel 30 on a T1 span was accepted")
        } catch {
            #expect(error.message.contains("dchannel 30 is not a timeslot of an T1 span"), "\(error)")
            #expect(error.message.hasPrefix("with the overrides: "), "\(error)")
            // The timeslot came from the override, so the error points at the span's entry in te420.yaml.
            #expect(error.line == 19)
        }
        #expect(throws: HardwareProfileError.self) { try Self.preset("tdm410").applying(.init(ports: [1: [.fxs]])) }
        #expect(throws: HardwareProfileError.self) { try Self.preset("tdm410").applying(.init(line: .t1, lines: [1: .e1])) }
        do {
            _ = try HardwareProfile.preset(named: "te999", in: Self.presets)
            Issue.record("an unknown preset loaded")
        } catch {
            #expect(error.message.contains("no hardware profile 'te999'") && error.message.contains("te420"), "\(error)")
        }
        #expect(throws: HardwareProfileError.self) { try Self.preset("../labs/demo") }
    }

    @Test("channel lists are compressed into ranges")
    func channelLists() {
        #expect(HardwareProfile.channelList(Array(1...15) + Array(17...31)) == "1-15,17-31")
        #expect(HardwareProfile.channelList([78]) == "78")
        #expect(HardwareProfile.channelList([251, 249, 252]) == "249,251-252")
        #expect(HardwareProfile.channelList([]) == "")
    }
}

/// A checker of `system.conf` lines as `dahdi_cfg` parses them; returns the signalling keyword of
/// every configured channel, refusing a channel configured twice.
enum SystemConfSyntax {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    static let channelKeywords: Set<String> = ["bchan", "hardhdlc", "dchan", "mtp2", "fxoks", "fxols", "fxsks", "fxsls"]

    static func check(_ text: String) throws -> [Int: String] {
        guard text.hasSuffix("\n") else { throw Invalid(description: "the text does not end with a newline") }
        var channels: [Int: String] = [:]
        var spans = Set<Int>()
        for line in text.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            func invalid(_ why: String) -> Invalid { Invalid(description: "'\(line)': \(why)") }
            if line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "="), !line.contains(" ") else { throw invalid("not keyword=value") }
            let key = String(line[..<eq])
            let value = line[line.index(after: eq)...]
            switch key {
            case "span":
                let f = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard f.count == 5 || (f.count == 6 && f[5] == "crc4") else { throw invalid("span needs 5 or 6 fields") }
                guard let n = Int(f[0]), n >= 1, spans.insert(n).inserted else { throw invalid("bad or repeated span number") }
                guard let timing = Int(f[1]), timing >= 0, let lbo = Int(f[2]), (0...7).contains(lbo) else {
                    throw invalid("bad timing or lbo")
                }
                let e1 = ["ccs", "cas"].contains(f[3])
                guard e1 || ["esf", "d4"].contains(f[3]) else { throw invalid("bad framing") }
                guard (e1 ? ["hdb3", "ami"] : ["b8zs", "ami"]).contains(f[4]) else { throw invalid("coding does not fit the framing") }
                guard e1 || f.count == 5 else { throw invalid("crc4 on a T1 span") }
            case "loadzone", "defaultzone":
                guard !value.isEmpty, value.allSatisfy({ $0.isLowercase || $0 == "-" }) else { throw invalid("bad zone") }
            case _ where channelKeywords.contains(key):
                for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let ends = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
                    guard (1...2).contains(ends.count), let low = ends[0], let high = ends.last!, low >= 1, low <= high,
                          ends.count == 1 || low < high else {
                        throw invalid("bad channel list part '\(part)'")
                    }
                    for n in low...high {
                        guard channels.updateValue(key, forKey: n) == nil else { throw invalid("channel \(n) configured twice") }
                    }
                }
            default:
                throw invalid("unknown keyword '\(key)'")
            }
        }
        return channels
    }
}
