/// How a party takes part in a bridge or conference.
public enum ConferenceRole: Sendable, Equatable {
    /// Hears everyone heard, and is heard by everyone (a caller, an agent, a barging supervisor).
    case participant
    /// Hears everyone, heard by no one (a supervisor listening in).
    case listener
    /// Hears everyone; heard only by the party in slot `target` (a supervisor coaching an agent).
    case whisperer(target: Int)
    /// Hears only itself, heard by no one (a loopback test of a phone line).
    case echo
}

/// Mixes one chunk at a time for up to `capacity` parties: each party hears the sum of the
/// others it may hear, never itself. A two-party bridge is a conference of two. Buffers are
/// allocated at creation; `mix` allocates nothing.
public final class ConferenceMixer {
    public let capacity: Int
    public let chunk: Int
    private var roles: [ConferenceRole?]
    private let inputs: UnsafeMutablePointer<Int16>
    private let outputs: UnsafeMutablePointer<Int16>
    private let sum: UnsafeMutablePointer<Int32>

    public init(capacity: Int, chunk: Int) {
        self.capacity = max(1, capacity)
        self.chunk = max(1, chunk)
        roles = [ConferenceRole?](repeating: nil, count: self.capacity)
        inputs = .allocate(capacity: self.capacity * self.chunk)
        inputs.initialize(repeating: 0, count: self.capacity * self.chunk)
        outputs = .allocate(capacity: self.capacity * self.chunk)
        outputs.initialize(repeating: 0, count: self.capacity * self.chunk)
        sum = .allocate(capacity: self.chunk)
        sum.initialize(repeating: 0, count: self.chunk)
    }

    deinit {
        inputs.deallocate()
        outputs.deallocate()
        sum.deallocate()
    }

    /// Put a party in the first free slot; nil when the mixer is full.
    public func join(as role: ConferenceRole) -> Int? {
        guard let slot = roles.firstIndex(where: { $0 == nil }) else { return nil }
        roles[slot] = role
        (inputs + slot * chunk).update(repeating: 0, count: chunk)
        return slot
    }

    public func leave(_ slot: Int) {
        guard roles.indices.contains(slot) else { return }
        roles[slot] = nil
    }

    /// Change how a party takes part (listen -> whisper -> barge).
    public func setRole(_ role: ConferenceRole, of slot: Int) {
        guard roles.indices.contains(slot), roles[slot] != nil else { return }
        roles[slot] = role
    }

    public var parties: Int { roles.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// The buffer to write a party's next chunk of speech into.
    public func input(_ slot: Int) -> UnsafeMutableBufferPointer<Int16> {
        UnsafeMutableBufferPointer(start: inputs + slot * chunk, count: chunk)
    }

    /// What the party hears from the last `mix`.
    public func output(_ slot: Int) -> UnsafeBufferPointer<Int16> {
        UnsafeBufferPointer(start: outputs + slot * chunk, count: chunk)
    }

    /// Mix the chunk every party wrote.
    public func mix() {
        sum.update(repeating: 0, count: chunk)
        for slot in 0..<capacity where roles[slot] == .participant {
            let x = inputs + slot * chunk
            for i in 0..<chunk { sum[i] += Int32(x[i]) }
        }
        for slot in 0..<capacity {
            guard let role = roles[slot] else { continue }
            let own = inputs + slot * chunk
            let out = outputs + slot * chunk
            if role == .echo {
                out.update(from: own, count: chunk)
                continue
            }
            let heardSelf = role == .participant
            for i in 0..<chunk {
                out[i] = Int16(clamping: sum[i] - (heardSelf ? Int32(own[i]) : 0))
            }
        }
        // Whispers reach only their target.
        for slot in 0..<capacity {
            guard case let .whisperer(target)? = roles[slot], roles.indices.contains(target), roles[target] != nil,
                  target != slot else { continue }
            let whisper = inputs + slot * chunk
            let out = outputs + target * chunk
            for i in 0..<chunk { out[i] = Int16(clamping: Int32(out[i]) + Int32(whisper[i])) }
        }
    }
}
