/// Lab files the process-level tests share.
public enum LabFiles {
    /// The engine's E1 span cabled to the carrier's, carrying `signalling` (`pri` or `ss7`) in
    /// timeslot 16, with the cable's `impairments` (YAML flow mapping) if any. Channels: the
    /// engine's 1-31 (16 signalling), the carrier's 32-62 (47 signalling).
    public static func e1Pair(signalling: String = "pri", impairments: String? = nil) -> String {
        let span = "{ type: E1, framing: ccs, coding: hdb3, crc4: true, dchannel: 16, signalling: \(signalling) }"
        return """
        cards:
          - name: engine
            spans:
              - \(span)
          - name: carrier
            spans:
              - \(span)
        cables:
          - { name: e1, a: engine/span1, b: carrier/span1\(impairments.map { ", impairments: \($0)" } ?? "") }
        """
    }
}
