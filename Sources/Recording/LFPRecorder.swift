// The LFP's files: lfp.csv (the proxy at every electrode, one row per sample),
// lfp_electrodes.csv (where each electrode sits), bands.csv (band powers per record
// interval on the fast clock, per window on the slow clock) and spectrum.csv (the run's
// mean PSD), from the samples the simulation completes (`Simulation.takeLFPSamples`).
// Streamed files are `.partial` until the run ends, like every other stream.

import Foundation
import Network

package final class LFPRecorder {
    let electrodes: Int
    let rate: Double          // [Hz]
    let sampleMs: Double      // [ms] one sample's span
    let segment: Int?         // Welch segment [samples]; nil without `record.bands`
    let slowClock: Bool
    let settle: Double        // [ms] leading part of a slow window left out of its bands
    let transient: Double     // [ms] fast clock: intervals starting before it stay out of spectrum.csv
    let dir: String
    let lfpFile: StreamFile
    let bandsFile: StreamFile?
    /// Samples of the current band span (record interval or window), sample-major.
    var buffer: [Double] = []
    /// Network time [ms] where the current span began.
    var spanStart = 0.0
    /// Σ over estimated spans of (mean PSD × segments), and the segments: spectrum.csv.
    var spectrumSum: [Double] = []
    var spectrumSegments = 0

    package init(dir: String, scenario sc: Scenario, resume: LFPRecorderState? = nil) throws {
        guard let c = sc.record.lfp else { throw RunError.invalid("LFPRecorder without record.lfp") }
        self.dir = dir
        electrodes = c.electrodes.count
        rate = c.rate
        sampleMs = Double(c.stepsPerSample(dt: sc.time.dt)) * sc.time.dt
        segment = sc.record.bands?.segmentSamples(rate: c.rate)
        slowClock = sc.slow != nil
        settle = sc.slow?.clock.settle ?? 0
        transient = sc.time.transient
        let hours = slowClock ? "hours," : ""
        if let r = resume {
            lfpFile = try StreamFile(path: dir + "/lfp.csv", resumeAt: r.lfpBytes)
            bandsFile = try r.bandsBytes.map { try StreamFile(path: dir + "/bands.csv", resumeAt: $0) }
            // A checkpoint may come from anywhere: the span, the spectrum's bins and its
            // segment count must be ones this recorder could have made.
            let bins = segment.map { FFT.paddedLength($0) / 2 + 1 } ?? 0
            let spanLimit = 1 << 31
            guard electrodes > 0, r.buffer.values.count % electrodes == 0, r.buffer.values.count < spanLimit,
                  r.buffer.values.allSatisfy(\.isFinite),
                  r.spanStart.isFinite, r.spanStart >= 0,
                  r.spectrumSum.values.isEmpty || r.spectrumSum.values.count == bins,
                  r.spectrumSum.values.allSatisfy({ $0.isFinite && $0 >= 0 }),
                  (0..<spanLimit).contains(r.spectrumSegments),
                  r.spectrumSegments == 0 || !r.spectrumSum.values.isEmpty else {
                throw CheckpointError.corrupt("the checkpoint's LFP recorder state (a span of \(r.buffer.values.count) values for \(electrodes) electrodes, \(r.spectrumSum.values.count) spectrum bins of \(bins), \(r.spectrumSegments) segments) does not fit this scenario's `record.lfp`/`record.bands`")
            }
            buffer = r.buffer.values; spanStart = r.spanStart
            spectrumSum = r.spectrumSum.values; spectrumSegments = r.spectrumSegments
            return
        }
        lfpFile = try StreamFile(path: dir + "/lfp.csv")
        try lfpFile.write("time_ms," + hours + (0..<electrodes).map { "e\($0)" }.joined(separator: ",") + "\n")
        var positions = "electrode,x_um,y_um\n"
        for (e, p) in c.electrodes.enumerated() { positions += "e\(e),\(fmt(p.x, 2)),\(fmt(p.y, 2))\n" }
        try writeAtomically(Data(positions.utf8), to: dir + "/lfp_electrodes.csv")
        if segment != nil {
            let f = try StreamFile(path: dir + "/bands.csv")
            try f.write("time_ms," + hours + LFPBands.bands.map(\.name).joined(separator: ",") + ",peak_hz\n")
            bandsFile = f
        } else {
            bandsFile = nil
        }
    }

    /// A record boundary at network step time `now` [ms]: the samples completed since the last
    /// one go to lfp.csv and the band span; on the fast clock the interval's bands row follows.
    /// - Parameter hours: the slow clock's time [h] of the running window (nil on a fast run).
    package func record(_ s: LFPSamples, now: Double, hours: Double?) throws {
        var rows = ""
        let E = electrodes
        for k in 0..<s.count {
            let end = Double(s.first + k + 1) * sampleMs
            rows += fmt(end, 4)
            if let h = hours { rows += "," + fmt(h, 4) }
            for e in 0..<E { rows += "," + fmt(s.values[k * E + e], 5) }
            rows += "\n"
            if segment != nil, !slowClock || end > spanStart + settle + 1e-9 {
                buffer.append(contentsOf: s.values[(k * E)..<((k + 1) * E)])
            }
        }
        try lfpFile.write(rows)
        if !slowClock { try bandsRow(now: now, hours: nil, inSpectrum: spanStart >= transient - 1e-9) }
    }

    /// A slow-clock window begins at `now` [ms of network time].
    package func startWindow(now: Double) { spanStart = now; buffer = [] }

    /// A slow-clock window ends: its bands row.
    package func endWindow(now: Double, hours: Double) throws {
        guard slowClock else { return }
        try bandsRow(now: now, hours: hours, inSpectrum: true)
    }

    /// The Welch estimate of the span's samples (mean over electrodes of each electrode's
    /// PSD), its bands row, and its part of the run's spectrum; then a new span from `now`.
    func bandsRow(now: Double, hours: Double?, inSpectrum: Bool) throws {
        defer { buffer = []; spanStart = now }
        guard let L = segment, let f = bandsFile else { return }
        let s = meanSpectrum(buffer, segment: L)
        var row = fmt(now, 3)
        if let h = hours { row += "," + fmt(h, 4) }
        if s.segments > 0 {
            for p in LFPBands.powers(s) { row += "," + sci(p) }
            row += "," + (LFPBands.peak(s).map { fmt($0, 3) } ?? "")
            if inSpectrum {
                if spectrumSum.isEmpty { spectrumSum = [Double](repeating: 0, count: s.power.count) }
                for k in s.power.indices { spectrumSum[k] += s.power[k] * Double(s.segments) }
                spectrumSegments += s.segments
            }
        } else {
            row += String(repeating: ",", count: LFPBands.bands.count + 1)
        }
        try f.write(row + "\n")
    }

    /// The mean over electrodes of each electrode's Welch PSD of `samples` (sample-major).
    func meanSpectrum(_ samples: [Double], segment L: Int) -> Welch.Spectrum {
        let E = electrodes, n = E == 0 ? 0 : samples.count / E
        var mean: Welch.Spectrum?
        for e in 0..<E {
            let x = (0..<n).map { samples[$0 * E + e] }
            let s = Welch.psd(x, rate: rate, segment: L)
            if var m = mean {
                for k in m.power.indices { m.power[k] += s.power[k] }
                mean = m
            } else {
                mean = s
            }
        }
        guard var m = mean else { return Welch.psd([], rate: rate, segment: L) }
        m.power = m.power.map { $0 / Double(E) }
        return m
    }

    /// The run's mean PSD (frequencies [Hz], power [pA²/Hz]); nil before any segment.
    package var spectrum: (frequencies: [Double], power: [Double])? {
        guard let L = segment, spectrumSegments > 0 else { return nil }
        let freqs = Welch.psd([], rate: rate, segment: L).frequencies
        return (freqs, spectrumSum.map { $0 / Double(spectrumSegments) })
    }

    /// Commits the streams and writes spectrum.csv (with bands).
    package func finish() throws {
        try lfpFile.commit()
        try bandsFile?.commit()
        guard segment != nil else { return }
        var csv = "freq_hz,power\n"
        if let s = spectrum { for (f, p) in zip(s.frequencies, s.power) { csv += fmt(f, 4) + "," + sci(p) + "\n" } }
        try writeAtomically(Data(csv.utf8), to: dir + "/spectrum.csv")
    }

    package func abandon() {
        lfpFile.discard()
        bandsFile?.discard()
    }
}

/// Scientific notation with 6 significant digits after the point (powers span decades).
func sci(_ v: Double) -> String {
    guard v.isFinite else { return "" }
    return String(format: "%.6e", v)
}

/// The LFP recorder's part of a checkpoint: the streams' lengths, the band span's samples
/// and the spectrum's sums.
package struct LFPRecorderState: Codable {
    var lfpBytes: Int
    var bandsBytes: Int?
    var buffer: PackedArray<Double>
    var spanStart: Double
    var spectrumSum: PackedArray<Double>
    var spectrumSegments: Int
}

extension LFPRecorder {
    package func captureState() throws -> LFPRecorderState {
        LFPRecorderState(lfpBytes: try lfpFile.sync(), bandsBytes: try bandsFile?.sync(), buffer: PackedArray(buffer),
                         spanStart: spanStart, spectrumSum: PackedArray(spectrumSum), spectrumSegments: spectrumSegments)
    }
}
