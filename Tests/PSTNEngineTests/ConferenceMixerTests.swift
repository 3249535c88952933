import PSTNEngine
import Testing

/// Fill a party's input with one value.
func say(_ mixer: ConferenceMixer, _ slot: Int, _ value: Int16) {
    let buffer = mixer.input(slot)
    for i in buffer.indices { buffer[i] = value }
}

func heard(_ mixer: ConferenceMixer, _ slot: Int) -> Int16 {
    let out = mixer.output(slot)
    #expect(out.allSatisfy { $0 == out[0] })
    return out[0]
}

@Suite("Bridges and conferences")
struct ConferenceMixerTests {
    @Test("a two-party bridge passes each side to the other, not back to itself")
    func bridge() throws {
        let mixer = ConferenceMixer(capacity: 2, chunk: 160)
        let caller = try #require(mixer.join(as: .participant))
        let agent = try #require(mixer.join(as: .participant))
        #expect(mixer.join(as: .participant) == nil, "the bridge is full")
        say(mixer, caller, 1000)
        say(mixer, agent, -300)
        mixer.mix()
        #expect(heard(mixer, caller) == -300)
        #expect(heard(mixer, agent) == 1000)
    }

    @Test("an echo party hears only itself and is heard by no one (a line loopback)")
    func echo() throws {
        let mixer = ConferenceMixer(capacity: 2, chunk: 160)
        let line = try #require(mixer.join(as: .echo))
        let other = try #require(mixer.join(as: .participant))
        say(mixer, line, 1234)
        say(mixer, other, -50)
        mixer.mix()
        #expect(heard(mixer, line) == 1234)
        #expect(heard(mixer, other) == 0)
    }

    @Test("32 parties each hear the sum of the other 31")
    func conference() throws {
        let mixer = ConferenceMixer(capacity: 32, chunk: 8)
        let slots = try (0..<32).map { _ in try #require(mixer.join(as: .participant)) }
        for (n, s) in slots.enumerated() { say(mixer, s, Int16(n * 10)) }
        mixer.mix()
        let total = (0..<32).reduce(0) { $0 + $1 * 10 }
        for (n, s) in slots.enumerated() { #expect(Int(heard(mixer, s)) == total - n * 10) }
    }

    @Test("a listener hears all and is heard by none; a whisper reaches the agent only; barge joins")
    func supervisorTaps() throws {
        let mixer = ConferenceMixer(capacity: 4, chunk: 80)
        let caller = try #require(mixer.join(as: .participant))
        let agent = try #require(mixer.join(as: .participant))
        let supervisor = try #require(mixer.join(as: .listener))
        say(mixer, caller, 100)
        say(mixer, agent, 20)
        say(mixer, supervisor, 7)
        mixer.mix()
        #expect(heard(mixer, supervisor) == 120)
        #expect(heard(mixer, caller) == 20)
        #expect(heard(mixer, agent) == 100)

        mixer.setRole(.whisperer(target: agent), of: supervisor)
        mixer.mix()
        #expect(heard(mixer, agent) == 107, "the agent hears the caller and the whisper")
        #expect(heard(mixer, caller) == 20, "the caller does not hear the whisper")

        mixer.setRole(.participant, of: supervisor)
        mixer.mix()
        #expect(heard(mixer, caller) == 27)
        #expect(heard(mixer, agent) == 107)

        mixer.leave(supervisor)
        mixer.mix()
        #expect(heard(mixer, caller) == 20)
        #expect(mixer.parties == 2)
    }

    @Test("loud mixes clip instead of wrapping")
    func clipping() throws {
        let mixer = ConferenceMixer(capacity: 3, chunk: 8)
        let a = try #require(mixer.join(as: .participant))
        let b = try #require(mixer.join(as: .participant))
        let c = try #require(mixer.join(as: .participant))
        say(mixer, a, 30_000)
        say(mixer, b, 30_000)
        say(mixer, c, 0)
        mixer.mix()
        #expect(heard(mixer, c) == Int16.max)
    }
}
