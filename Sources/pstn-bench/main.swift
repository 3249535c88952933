import Foundation
import PSTNEngine

/// `pstn-bench`: what the media layer costs, one JSON object per line: the machine, single
/// blocks, then the full pipeline against its DSP floor at 30, 120, 480 and 960 channels and
/// 20 ms and 1 ms chunks. Build with `swift build -c release`; debug figures mean nothing.
/// `pstn-bench blocks` or `pstn-bench pipeline` runs one part; `--seconds S` sets the pipeline
/// run length (default 3).

let arguments = Array(CommandLine.arguments.dropFirst())
let part = arguments.first { !$0.hasPrefix("-") && Double($0) == nil } ?? "all"
let seconds = arguments.firstIndex(of: "--seconds").flatMap { i in arguments.dropFirst(i + 1).first.flatMap(Double.init) } ?? 3
guard ["all", "blocks", "pipeline"].contains(part), seconds > 0 else {
    FileHandle.standardError.write(Data("usage: pstn-bench [all|blocks|pipeline] [--seconds S]\n".utf8))
    exit(2)
}

emitMachine()
emit([("loop_threads", "1"), ("realtime", requestRealtime() ? "true" : "false")])
if part != "pipeline" {
    BlockBenches.echoCanceller()
    BlockBenches.detectors()
    benchRecorders()
}
if part != "blocks" {
    let directory = NSTemporaryDirectory() + "pstn-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let writer = RecordingWriter()
    writer.start()
    for chunk in [160, 8] {
        for channels in [30, 120, 480, 960] {
            try PipelineBench(channels: channels, chunk: chunk, seconds: seconds, writer: writer, directory: directory).run()
            // The writer closes finished recordings; remove them as they close.
            while writer.nextClosed() != nil {}
            for f in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                try? FileManager.default.removeItem(atPath: directory + "/" + f)
            }
        }
    }
    writer.stop()
}
