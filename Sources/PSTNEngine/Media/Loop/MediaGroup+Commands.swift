import Foundation

/// Carrying out commands inside the loop. Nothing here allocates: objects arrive already built
/// and leave through the retire queue.
extension MediaGroup {
    func execute(_ command: MediaCommand) {
        let slot = Int(command.channel)
        guard channels.indices.contains(slot) else {
            reject(command, .noSuchChannel)
            if let carried = command.action.carried { sink.retire(carried) }
            return
        }
        let ch = channels[slot]
        switch command.action {
        case .activate:
            ch.activate()
        case .deactivate:
            stopEverything(on: ch)
            ch.isActive = false
            ch.ready = false
        case let .play(request):
            endPlayback(on: ch, reason: .replaced)
            let r = request.object
            ch.player.play(r.prompts, loop: r.loop, stopOnDTMF: r.stopOnDTMF)
            ch.play = request
        case .stopPlayback:
            endPlayback(on: ch, reason: .stopped)
        case .queryPlayback:
            if let p = ch.play {
                sink.post(ch.slot, .playPosition(id: p.object.id, samples: Int32(clamping: ch.player.position)))
            }
        case let .playTone(request):
            endTone(on: ch)
            ch.tone = request
        case .stopTone:
            endTone(on: ch)
        case let .sendDigits(digits):
            let accepted = digits.withCString { ch.digitSender.queue(cString: $0) }
            if accepted { ch.sendingDigits = true } else { reject(command, .digitsQueueFull) }
        case let .record(session):
            endRecording(on: ch)
            ch.recording = session
        case .stopRecording:
            endRecording(on: ch)
        case let .stopRecordingDropping(last):
            endRecording(on: ch, droppingLast: Int(last))
        case let .stream(stream):
            endStream(on: ch)
            ch.stream = stream
        case .stopStream:
            endStream(on: ch)
        case let .join(conference, role):
            join(ch, conference: Int(conference), role: role, command: command)
        case let .setRole(role):
            guard ch.conference >= 0 else { return reject(command, .notInConference) }
            ch.role = role
            conferences[Int(ch.conference)].setRole(mixerRole(role, in: Int(ch.conference)), of: ch.conferenceSlot)
        case .leave:
            guard ch.conference >= 0 else { return reject(command, .notInConference) }
            leaveConference(ch)
        case let .detectors(set):
            ch.detectors = set
        case let .gain(receive, transmit):
            ch.receiveGain = Self.linear(tenthsDB: receive)
            ch.transmitGain = Self.linear(tenthsDB: transmit)
        case let .echoCanceller(on):
            ch.echoCancellerWanted = on
            ch.echoCanceller.isEnabled = on
        case let .watchSilence(milliseconds):
            ch.silenceWatch.arm(milliseconds: Int(milliseconds))
        }
    }

    private func reject(_ command: MediaCommand, _ why: CommandRejection) {
        sink.post(command.channel, .commandRejected(why))
    }

    private func join(_ ch: MediaChannel, conference c: Int, role: MediaRole, command: MediaCommand) {
        guard conferences.indices.contains(c) else { return reject(command, .noSuchConference) }
        if ch.conference >= 0 { leaveConference(ch) }
        guard let mixerSlot = conferences[c].join(as: mixerRole(role, in: c)) else {
            return reject(command, .conferenceFull)
        }
        ch.conference = Int32(c)
        ch.conferenceSlot = mixerSlot
        ch.role = role
        members[c] += 1
    }

    private func leaveConference(_ ch: MediaChannel) {
        let c = Int(ch.conference)
        conferences[c].leave(ch.conferenceSlot)
        members[c] -= 1
        ch.conference = -1
        ch.conferenceSlot = -1
    }

    /// The mixer speaks in its own slots; a whisper names a channel, so translate.
    private func mixerRole(_ role: MediaRole, in conference: Int) -> ConferenceRole {
        switch role {
        case .participant: return .participant
        case .listener: return .listener
        case .echo: return .echo
        case let .whisperer(target):
            let t = Int(target)
            guard channels.indices.contains(t), channels[t].conference == Int32(conference) else { return .listener }
            return .whisperer(target: channels[t].conferenceSlot)
        }
    }

    private func endPlayback(on ch: MediaChannel, reason: PlayEnd) {
        guard let p = ch.play else { return }
        ch.player.stop()
        sink.post(ch.slot, .playFinished(id: p.object.id, samples: Int32(clamping: ch.player.position), reason: reason))
        sink.retire(p.retired)
        ch.play = nil
    }

    private func endTone(on ch: MediaChannel) {
        guard let t = ch.tone else { return }
        sink.post(ch.slot, .toneFinished(id: t.object.id))
        sink.retire(t.retired)
        ch.tone = nil
    }

    private func endRecording(on ch: MediaChannel, droppingLast dropped: Int = 0) {
        guard let r = ch.recording else { return }
        let session = r.object
        session.finish(droppingLast: dropped)
        sink.post(ch.slot, .recordingFinished(id: Int32(truncatingIfNeeded: session.id),
                                               droppedSamples: Int32(clamping: session.droppedSamples)))
        sink.retire(r.retired)
        ch.recording = nil
    }

    private func endStream(on ch: MediaChannel) {
        guard let s = ch.stream else { return }
        s.object.detach()
        sink.retire(s.retired)
        ch.stream = nil
    }

    func stopEverything(on ch: MediaChannel) {
        endPlayback(on: ch, reason: .deactivated)
        endTone(on: ch)
        endRecording(on: ch)
        endStream(on: ch)
        ch.sendingDigits = false
        if ch.conference >= 0 { leaveConference(ch) }
    }

    static func linear(tenthsDB: Int16) -> Float {
        tenthsDB == 0 ? 1 : Float(pow(10.0, Double(tenthsDB) / 200.0))
    }
}
