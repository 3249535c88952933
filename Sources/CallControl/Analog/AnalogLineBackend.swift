import PSTNEngine

/// A group of analog ports of one kind as a `SignallingBackend`: routes call control's requests
/// to the port holding the call, polls every port's descriptor, runs their timers. The concrete
/// groups are `FXOTrunk`, `FXSStation`, `CentralOfficeLine` and `AnalogPhone`.
public class AnalogLineBackend: SignallingBackend {
    public let name: String
    private let directory: DAHDIDirectory
    let lines: [any AnalogLineMachine]
    /// Why a call finds every line taken: a trunk group has no circuit, a phone is busy.
    private let allBusyCause: Q850Cause
    /// Lines opened before start (so the media engine can share their descriptors), by channel.
    private var opened: [Int: AnalogLineIO] = [:]

    init(name: String, directory: DAHDIDirectory, lines: [any AnalogLineMachine], allBusyCause: Q850Cause) {
        self.name = name
        self.directory = directory
        self.lines = lines
        self.allBusyCause = allBusyCause
    }

    /// The open channel of DAHDI channel `number`, for the media engine to take its audio once
    /// a call on it is answered (the same descriptor: this backend keeps doing its ioctls).
    public func line(_ number: Int) -> DAHDIChannel? {
        opened[number]?.channel ?? lines.first { $0.channelNumber == number }?.io?.channel
    }

    /// Open every line now, before `start`, for a media engine that takes their audio once calls
    /// are answered: each line is kept in `format` whenever the backend is not using its audio.
    public func open(sharingWithMedia format: AnalogMediaFormat) throws(CallControlError) {
        for line in lines where line.io == nil && opened[line.channelNumber] == nil {
            opened[line.channelNumber] = try AnalogLineIO(channel: line.channelNumber, in: directory, handover: format)
        }
    }

    public func start(indicate: @escaping (SignallingIndication) -> Void) throws(CallControlError) {
        for line in lines where line.io == nil {
            let io: AnalogLineIO
            if let early = opened.removeValue(forKey: line.channelNumber) {
                io = early
            } else {
                io = try AnalogLineIO(channel: line.channelNumber, in: directory)
            }
            try line.start(io: io, indicate: indicate)
        }
    }

    public func stop(cause: Q850Cause) {
        for line in lines { line.stop(cause: cause) }
    }

    public func useDialPlan(_ settles: @escaping (String) -> Bool) {
        for line in lines { line.useDialPlan(settles) }
    }

    public func pollRequests() -> [PollRequest] {
        lines.compactMap { line in line.io.map { PollRequest(fd: $0.channel.fileDescriptor, events: $0.pollEvents) } }
    }

    public func handle(fd: Int32, events: Int16) {
        lines.first { $0.io?.channel.fileDescriptor == fd }?.handle(events: events)
    }

    public func nextDeadline() -> ContinuousClock.Instant? {
        lines.compactMap(\.deadline).min()
    }

    public func runTimers() {
        let now = ContinuousClock.now
        for line in lines {
            if let deadline = line.deadline, deadline <= now { line.runTimers(now: now) }
        }
    }

    public func place(_ call: CallID, _ setup: CallSetup) throws(CallControlError) {
        let line: any AnalogLineMachine
        if let wanted = setup.channel {
            guard let named = lines.first(where: { $0.channelNumber == wanted.channel }) else {
                throw CallControlError("place \(call) on channel \(wanted.channel) of \(name)", "no such channel here",
                                       cause: .channelDoesNotExist)
            }
            if named.isIdle || wanted.exclusive {
                line = named
            } else if let free = lines.first(where: \.isIdle) {
                line = free
            } else {
                line = named
            }
        } else {
            guard let free = lines.first(where: \.isIdle) else {
                throw CallControlError("place \(call) on \(name)", "every line is busy", cause: allBusyCause)
            }
            line = free
        }
        try line.place(call, setup)
    }

    private func line(holding call: CallID) -> (any AnalogLineMachine)? {
        lines.first { $0.call == call }
    }

    public func requestMoreDigits(_ call: CallID) {}
    public func proceeding(_ call: CallID) {}
    public func alert(_ call: CallID, inbandAudio: Bool) { line(holding: call)?.alert(inbandAudio: inbandAudio) }
    public func progress(_ call: CallID, inbandAudio: Bool) { line(holding: call)?.progress(inbandAudio: inbandAudio) }
    public func answer(_ call: CallID) { line(holding: call)?.answer() }
    public func sendDigits(_ call: CallID, _ digits: String) { line(holding: call)?.sendDigits(digits) }
    public func release(_ call: CallID, cause: Q850Cause) { line(holding: call)?.release(cause: cause) }

    public func maintain(_ action: MaintenanceAction) throws(CallControlError) {
        switch action {
        case let .reset(channels):
            for line in lines where channels.contains(line.channelNumber) { line.stop(cause: .normalUnspecified) }
        case .block, .unblock:
            throw CallControlError("\(action) on \(name)", "analog lines are not blocked by signalling",
                                   cause: .facilityNotImplemented)
        }
    }

    public func channelStates() -> [ChannelStatus] {
        lines.map { ChannelStatus(channel: $0.channelNumber, availability: $0.availability, call: $0.call, label: $0.label) }
    }
}

/// The engine's FXO trunks: loop-start lines from a central office. `lineNumbers` gives the
/// number each line answers to (the called number of its calls), by channel.
public final class FXOTrunk: AnalogLineBackend {
    public init(name: String, channels: [Int], options: FXOLineOptions, lineNumbers: [Int: String] = [:],
                directory: DAHDIDirectory = DAHDIDirectory()) {
        super.init(name: name, directory: directory, lines: channels.map { channel in
            var mine = options
            if let number = lineNumbers[channel] { mine.lineNumber = number }
            return FXOLine(channel: channel, options: mine)
        }, allBusyCause: .noCircuitAvailable)
    }
}

/// The engine's FXS stations: agents' phones. `ownNumbers` gives each port's number (the
/// calling number of the calls its phone makes), by channel.
public final class FXSStation: AnalogLineBackend {
    public init(name: String, channels: [Int], options: FXSLineOptions, ownNumbers: [Int: String] = [:],
                directory: DAHDIDirectory = DAHDIDirectory()) {
        super.init(name: name, directory: directory, lines: channels.map { channel in
            var mine = options
            if let number = ownNumbers[channel] { mine.ownNumber = number }
            return FXSLine(channel: channel, options: mine)
        }, allBusyCause: .userBusy)
    }
}

/// The carrier simulator's central-office lines (its FXS ports facing the engine's FXO ports):
/// rings the engine with caller ID, sees it answer, signals the far party's hang-up by battery
/// drop, polarity reversal or busy tone; for calls the engine places, gives dial tone and
/// collects the digits (`.incoming` with them as the called number).
public final class CentralOfficeLine: AnalogLineBackend {
    public init(name: String, channels: [Int], options: FXSLineOptions, directory: DAHDIDirectory = DAHDIDirectory()) {
        super.init(name: name, directory: directory, lines: channels.map { FXSLine(channel: $0, options: options) },
                   allBusyCause: .noCircuitAvailable)
    }
}

/// The simulator's phones (its FXO ports facing the engine's FXS stations): `place` goes off-hook,
/// waits for dial tone and dials; rings in as `.incoming` with the decoded caller ID; `answer`
/// goes off-hook; hangs up on busy tone from the engine; `flash` flashes the hook.
public final class AnalogPhone: AnalogLineBackend {
    /// `listensForBusyTone`: keep the audio after answer to hear the engine's busy tone; false
    /// when a media engine takes the audio (and call control supervises the tone).
    public init(name: String, channels: [Int], options: FXOLineOptions, listensForBusyTone: Bool = true,
                directory: DAHDIDirectory = DAHDIDirectory()) {
        var options = options
        options.hangUpOnBusyToneWhenAnswered = listensForBusyTone
        super.init(name: name, directory: directory, lines: channels.map { FXOLine(channel: $0, options: options) },
                   allBusyCause: .noCircuitAvailable)
    }

    /// Flash the hook during `call` (a transfer or call-waiting request to the engine).
    public func flash(_ call: CallID) throws(CallControlError) {
        guard let line = lines.first(where: { $0.call == call }), let io = line.io else {
            throw CallControlError("flash during \(call) on \(name)", "no such call here", cause: .invalidCallReference)
        }
        do {
            try io.channel.hook(.flash)
        } catch {
            throw CallControlError("flash during \(call) on \(line.label)", error.description)
        }
    }
}
