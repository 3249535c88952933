import CSndFile

/// The writer thread's side of a session: moving the ring into the file, refreshing the
/// header, closing. Never called on the media thread.
extension RecordingSession {
    var isFinishRequested: Bool { finishRequested.load(ordering: .acquiring) }

    /// Write everything the ring holds now. After a write failure the audio is discarded and
    /// counted as dropped, and the session asks to be closed.
    func drain() {
        let (first, second) = ring.readableRegions()
        write(first)
        write(second)
    }

    private func write(_ region: UnsafeBufferPointer<Int16>) {
        let frames = region.count / channels
        guard frames > 0 else { return }
        defer { ring.commitRead(frames * channels) }
        guard let file, failure == nil else {
            dropped.add(frames, ordering: .relaxed)
            return
        }
        let done = writeFrames(file, region.baseAddress!, frames: frames)
        if done > 0 {
            written.add(done, ordering: .relaxed)
            framesSinceHeaderUpdate += done
        }
        // The MP3 encoder reports every frame taken even when the disk refused its bytes; the
        // handle's error says so.
        if done < frames || sf_error(file) != 0 {
            failure = "writing frames after \(writtenFrames) failed: \(String(cString: sf_strerror(file)))"
            dropped.add(frames - max(done, 0), ordering: .relaxed)
            finishRequested.store(true, ordering: .releasing)
        }
    }

    /// Write `frames` frames to libsndfile; returns how many it took.
    ///
    /// Stereo MP3 goes through `sf_writef_int`: libsndfile's 16-bit stereo MP3 path (up to at
    /// least 1.2.x, Debian 12 has 1.2.0) copies only half of each buffer (`memcpy` given a sample
    /// count as a byte count, libsndfile PR #1106), which replaces half the audio with noise.
    private func writeFrames(_ file: OpaquePointer, _ samples: UnsafePointer<Int16>, frames: Int) -> Int {
        guard let wide = wideScratch, let wideBase = wide.baseAddress else {
            return Int(sf_writef_short(file, samples, sf_count_t(frames)))
        }
        var done = 0
        while done < frames {
            let n = min(frames - done, wide.count / channels)
            let source = samples + done * channels
            for i in 0..<(n * channels) { wide[i] = Int32(source[i]) << 16 }
            let written = Int(sf_writef_int(file, wideBase, sf_count_t(n)))
            done += max(written, 0)
            if written < n { break }
        }
        return done
    }

    /// Rewrite the file's header for what has been written, so that a crash loses only the
    /// audio written since. `now` is the monotonic time in nanoseconds.
    func updateHeader(now: UInt64) {
        lastHeaderUpdate = now
        guard let file, framesSinceHeaderUpdate > 0 else { return }
        sf_command(file, Int32(SFC_UPDATE_HEADER_NOW), nil, 0)
        framesSinceHeaderUpdate = 0
    }

    /// Cut the last `frames` frames off the file (all of them if it holds fewer). Where the
    /// file cannot be cut it keeps them: the audio is whole, only longer.
    private func cut(_ file: OpaquePointer, frames: Int) {
        guard frames > 0 else { return }
        var keep = sf_count_t(max(0, writtenFrames - frames))
        if sf_command(file, Int32(SFC_FILE_TRUNCATE), &keep, Int32(MemoryLayout<sf_count_t>.size)) == 0 {
            written.store(Int(keep), ordering: .relaxed)
        }
    }

    /// Close the file (finishing the header, flushing the MP3 encoder) and describe the result.
    func close() -> RecordingClosed {
        finishRequested.store(true, ordering: .releasing)
        if let file, format.isWAV, failure == nil {
            cut(file, frames: trimRequested.load(ordering: .acquiring))
        }
        if let file {
            let status = sf_close(file)
            self.file = nil
            if status != 0 && failure == nil {
                failure = "closing the file failed: \(String(cString: sf_error_number(status)))"
            }
        }
        return RecordingClosed(id: id, path: path, frames: writtenFrames, droppedSamples: droppedSamples, error: failure)
    }
}
