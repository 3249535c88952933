import PSTNEngine

/// The media engine for a set of trunks: every bearer channel opened on the DAHDI directory and
/// named as call control names it, one media thread for up to `channelsPerThread` channels.
/// Bridges, conferences and supervisors' taps mix inside one thread's group, so the default keeps
/// every channel of a system in one group (one thread carries 960 channels at 20 ms chunks; see
/// bench/) until bridges can span threads.
public enum MediaPlan {
    /// Open the bearer channels of `trunks` (except those whose backend opens them itself, as
    /// analog lines do: `excluding`) and build the engine around them, not yet started.
    /// `law` nil: each trunk's own (mu-law on T1, A-law otherwise).
    public static func engine(for trunks: [TrunkConfiguration], dahdi: DAHDIDirectory, law: G711?, zone: ToneZone,
                              settings: MediaSettings, channelsPerThread: Int = 1024,
                              lines: [Int: DAHDIChannel] = [:]) throws(CallControlError) -> MediaEngine {
        var configurations: [MediaChannelConfiguration] = []
        for trunk in trunks {
            for number in trunk.bearerChannels {
                let line: DAHDIChannel
                if let given = lines[number] {
                    line = given
                } else {
                    do {
                        line = try DAHDIChannel(number: number, in: dahdi, nonBlocking: true)
                    } catch {
                        throw CallControlError("open bearer channel \(number) of trunk \(trunk.name)", error.description)
                    }
                }
                configurations.append(MediaChannelConfiguration(name: CallManager.mediaName(number), line: line,
                                                                law: law ?? trunk.law, zone: zone))
            }
        }
        var groups: [[MediaChannelConfiguration]] = []
        var rest = configurations[...]
        while !rest.isEmpty {
            groups.append(Array(rest.prefix(channelsPerThread)))
            rest = rest.dropFirst(channelsPerThread)
        }
        do {
            return try MediaEngine(groups: groups, settings: settings)
        } catch {
            throw CallControlError("create the media engine for \(configurations.count) channels", "\(error)")
        }
    }
}
