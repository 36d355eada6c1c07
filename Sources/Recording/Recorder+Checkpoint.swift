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

    package func restore(_ s: RecorderState) {
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
