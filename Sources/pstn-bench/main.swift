import Foundation
import PSTNEngine

/// `pstn-bench`: what the media layer costs, one JSON object per line: the machine, single
/// blocks, then the full pipeline against its DSP floor at 30, 120, 480 and 960 channels and
/// 20 ms and 1 ms chunks. Build with `swift build -c release`; debug figures mean nothing.
/// `pstn-bench blocks`, `echo` (the echo canceller alone), `pipeline` or `fax` runs one part;
/// `--seconds S` sets the pipeline run length (default 3), `--channels N` and `--chunk SAMPLES`
/// run one pipeline size only, `--fax-seconds S` the fax-beside-voice runs' length (20).

let arguments = Array(CommandLine.arguments.dropFirst())
let part = arguments.first { !$0.hasPrefix("-") && Double($0) == nil } ?? "all"
let seconds = arguments.firstIndex(of: "--seconds").flatMap { i in arguments.dropFirst(i + 1).first.flatMap(Double.init) } ?? 3
let onlyChannels = arguments.firstIndex(of: "--channels").flatMap { i in arguments.dropFirst(i + 1).first.flatMap(Int.init) }
let onlyChunk = arguments.firstIndex(of: "--chunk").flatMap { i in arguments.dropFirst(i + 1).first.flatMap(Int.init) }
let faxSeconds = arguments.firstIndex(of: "--fax-seconds").flatMap { i in arguments.dropFirst(i + 1).first.flatMap(Double.init) } ?? 20
guard ["all", "blocks", "echo", "pipeline", "fax"].contains(part), seconds > 0, faxSeconds > 0,
      (onlyChannels ?? 1) > 0, (8...160).contains(onlyChunk ?? 8) else {
    FileHandle.standardError.write(Data("usage: pstn-bench [all|blocks|echo|pipeline|fax] [--seconds S] [--channels N] [--chunk SAMPLES] [--fax-seconds S]\n".utf8))
    exit(2)
}

emitMachine()
emit([("loop_threads", "1"), ("realtime", requestRealtime() ? "true" : "false")])
if part == "all" || part == "blocks" || part == "echo" {
    BlockBenches.echoCanceller()
}
if part == "all" || part == "blocks" {
    BlockBenches.detectors()
    benchRecorders()
}
if part == "all" || part == "pipeline" || part == "fax" {
    let directory = NSTemporaryDirectory() + "pstn-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let writer = RecordingWriter()
    writer.start()
    for chunk in part == "fax" ? [] : onlyChunk.map({ [$0] }) ?? [160, 8] {
        for channels in onlyChannels.map({ [$0] }) ?? [30, 120, 480, 960] {
            try PipelineBench(channels: channels, chunk: chunk, seconds: seconds, writer: writer, directory: directory).run()
            // The writer closes finished recordings; remove them as they close.
            while writer.nextClosed() != nil {}
            for f in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                try? FileManager.default.removeItem(atPath: directory + "/" + f)
            }
        }
    }
    if part != "pipeline" {
        for (channels, chunk) in [(240, 160), (120, 8)] {
            try FaxBench(voiceChannels: channels, voiceChunk: chunk, faxes: 30, seconds: faxSeconds, writer: writer, directory: directory).run()
            while writer.nextClosed() != nil {}
            for f in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                try? FileManager.default.removeItem(atPath: directory + "/" + f)
            }
        }
    }
    writer.stop()
}
