// The recorder's part of a checkpoint: every accumulator a later interval or the run's
// summary reads (interval and whole-run ISI and synchrony windows, last spike times, counts,
// the series and raster behind frames and summary.png, the smoothed rates) and the byte
// lengths of the streamed files at the checkpoint.

import Foundation
import Network

package struct RecorderState: Codable {
    var intervalStart: Int
    var recentStep: PackedArray<Int>, recentNeuron: PackedArray<Int32>, recentISI: PackedArray<Double>
    var recentHead: Int
    var lastSpike: PackedArray<Int>
    var syncInterval: SynchronyWindow
    var intervalCounts: PackedArray<Int32>
    var isiRun: ISIWindow
    var syncRun: SynchronyWindow
    var runCounts: PackedArray<Int32>
    var totalSpikes: Int
    var series: [MetricSeries]
    var rasterTimes: PackedArray<Float>
    var rasterRows: PackedArray<Int32>
    var lastRates: PackedArray<Float>
    /// Bytes of spikes.bin.partial and metrics.csv.partial at the checkpoint.
    var spikeBytes: Int?
    var metricsBytes: Int
}

extension Recorder {
    /// The recorder's state; flushes the streamed files to disk first.
    package func captureState() throws -> RecorderState {
        RecorderState(intervalStart: intervalStart, recentStep: PackedArray(recentISIs.map(\.step)),
                      recentNeuron: PackedArray(recentISIs.map(\.neuron)), recentISI: PackedArray(recentISIs.map(\.isi)),
                      recentHead: recentHead, lastSpike: PackedArray(lastSpike), syncInterval: syncInterval,
                      intervalCounts: PackedArray(intervalCounts), isiRun: isiRun, syncRun: syncRun,
                      runCounts: PackedArray(runCounts), totalSpikes: totalSpikes, series: series,
                      rasterTimes: PackedArray(rasterTimes), rasterRows: PackedArray(rasterRows),
                      lastRates: PackedArray(lastRates), spikeBytes: try spikeFile?.sync(), metricsBytes: try metricsFile.sync())
    }

    /// Restores the accumulators of a checkpoint at `step`. Every length and index is checked
    /// against the freshly built recorder first (a checkpoint may come from anywhere).
    package func restore(_ s: RecorderState, step: Int) throws {
        let n = popOf.count
        func bad(_ what: String) -> CheckpointError { .corrupt("recorder state: \(what)") }
        guard (0...step).contains(s.intervalStart) else { throw bad("interval start \(s.intervalStart) after the checkpoint's step \(step)") }
        guard s.recentStep.values.count == s.recentNeuron.values.count, s.recentISI.values.count == s.recentStep.values.count,
              (0...s.recentStep.values.count).contains(s.recentHead),
              s.recentNeuron.values.allSatisfy({ $0 >= 0 && Int($0) < n }), s.recentStep.values.allSatisfy({ $0 <= step }) else {
            throw bad("recent inter-spike intervals of unequal lengths, neurons beyond \(n) or steps after the checkpoint")
        }
        guard s.lastSpike.values.count == n, s.lastSpike.values.allSatisfy({ $0 < step }),
              s.intervalCounts.values.count == n, s.runCounts.values.count == n, s.lastRates.values.count == n,
              s.isiRun.sum.count == n, s.isiRun.sumSq.count == n, s.isiRun.n.count == n,
              (s.intervalCounts.values + s.runCounts.values + s.isiRun.n).allSatisfy({ (0...(1 << 30)).contains($0) }) else {
            throw bad("per-neuron arrays not of the network's \(n) neurons")
        }
        let freshInterval = SynchronyWindow(start: s.intervalStart, length: syncInterval.bins * syncInterval.binSteps,
                                            binSteps: binSteps, neurons: n, populations: populations.count)
        guard s.syncInterval.fits(freshInterval), s.syncRun.fits(syncRun) else { throw bad("synchrony windows of another shape") }
        guard s.series.count == series.count, zip(s.series, series).allSatisfy({ $0.times.count == $0.values.count && $0.name == $1.name && $0.population == $1.population }) else {
            throw bad("metric series of another run, or with unequal times and values")
        }
        guard s.rasterTimes.values.count == s.rasterRows.values.count,
              s.rasterRows.values.allSatisfy({ $0 >= 0 && Int($0) < rasterRow.count }), (0...(1 << 50)).contains(s.totalSpikes) else {
            throw bad("raster of unequal lengths or rows beyond its \(rasterRow.count) sampled neurons")
        }
        intervalStart = s.intervalStart
        recentISIs = zip(zip(s.recentStep.values, s.recentNeuron.values), s.recentISI.values).map { ($0.0.0, $0.0.1, $0.1) }
        recentHead = s.recentHead
        lastSpike = s.lastSpike.values
        syncInterval = s.syncInterval
        intervalCounts = s.intervalCounts.values
        isiRun = s.isiRun
        syncRun = s.syncRun
        runCounts = s.runCounts.values
        totalSpikes = s.totalSpikes
        series = s.series
        rasterTimes = s.rasterTimes.values
        rasterRows = s.rasterRows.values
        lastRates = s.lastRates.values
    }
}
