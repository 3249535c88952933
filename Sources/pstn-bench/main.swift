import Foundation
import PSTNEngine

/// `pstn-bench`: what the media layer costs, one JSON object per line: the machine, single
/// blocks, then the full pipeline against its DSP floor at 30, 120, 480 and 960 channels and
/// 20 ms and 1 ms chunks. Build with `swift build -c release`; debug figures mean nothing.
/// `pstn-bench blocks`, `pstn-bench pipeline` or `pstn-bench fax` runs one part; `--seconds S`
/// sets the pipeline run length (default 3), `--fax-seconds S` the fax-beside-voice runs' (20).

let arguments = Array(CommandLine.arguments.dropFirst())
let part = arguments.first { !$0.hasPrefix("-") && Double($0) == nil } ?? "all"
let seconds = arguments.firstIndex(of: "--seconds").flatMap { i in arguments.dropFirst(i + 1).first.flatMap(Double.init) } ?? 3
let faxSeconds = arguments.firstIndex(of: "--fax-seconds").flatMap { i in arguments.dropFirst(i + 1).first.flatMap(Double.init) } ?? 20
guard ["all", "blocks", "pipeline", "fax"].contains(part), seconds > 0, faxSeconds > 0 else {
    FileHandle.standardError.write(Data("usage: pstn-bench [all|blocks|pipeline|fax] [--seconds S] [--fax-seconds S]\n".utf8))
    exit(2)
}

emitMachine()
emit([("loop_threads", "1"), ("realtime", requestRealtime() ? "true" : "false")])
if part == "all" || part == "blocks" {
    BlockBenches.echoCanceller()
    BlockBenches.detectors()
    benchRecorders()
}
if part == "all" || part == "pipeline" || part == "fax" {
    let directory = NSTemporaryDirectory() + "pstn-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let writer = RecordingWriter()
    writer.start()
    for chunk in part == "fax" ? [] : [160, 8] {
        for channels in [30, 120, 480, 960] {
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
