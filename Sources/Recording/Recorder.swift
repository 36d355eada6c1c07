// The recorder: the actor that turns the sorted spike stream and per-neuron state means
// into the run's files — spikes.bin, metrics.csv, neurons.csv, summary.json — and keeps
// the series and raster sample that frames and the summary figure are drawn from.
// It runs concurrently with the simulation; the simulation keeps at most one interval in
// flight to it (back-pressure instead of unbounded memory).

import Foundation
import Network

public actor Recorder {
    struct Population { let name: String; let range: Range<Int>; let info: PopulationInfo }

    let dir: String
    let dt: Double
    let populations: [Population]
    let popOf: [UInt8]
    let transientSteps: Int
    let binSteps: Int
    let writeSpikes: Bool
    let spikeFile: StreamFile?
    /// spikes.h5, the SONATA copy of spikes.bin (`record.sonata`).
    let sonataFile: SonataSpikeFile?
    let metricsFile: StreamFile
    // interval state
    var intervalStart = 0
    /// ISIs ending in the trailing CV window: (step of the later spike, neuron, ISI [ms]).
    var recentISIs: [(step: Int, neuron: Int32, isi: Double)] = []
    var recentHead = 0
    let cvWindowSteps: Int
    var lastSpike: [Int]
    var syncInterval: SynchronyWindow
    var intervalCounts: [Int32]
    // whole-run state (after the transient)
    var isiRun: ISIWindow
    var syncRun: SynchronyWindow
    var runCounts: [Int32]
    public internal(set) var totalSpikes = 0
    // frames and summary
    var series: [MetricSeries] = []
    let rasterIds: [Int32]
    var rasterRow: [Int32: Int32] = [:]
    var rasterTimes: [Float] = []
    var rasterRows: [Int32] = []
    let rasterWindow: Double // [ms]
    var lastRates: [Float]

    /// - Parameter resume: a checkpoint's recorder state; the streamed files are then
    ///   reopened at the lengths it recorded instead of being created.
    package init(dir: String, blueprint bp: Blueprint, totalSteps: Int, rasterWindow: Double, resume: RecorderState? = nil) throws {
        let sc = bp.scenario
        self.dir = dir
        dt = sc.time.dt
        populations = sc.populations.indices.map { p in
            let pop = sc.populations[p]
            return Population(name: pop.name, range: bp.range(of: p),
                              info: PopulationInfo(name: pop.name, cellClass: pop.cellClass, excitatory: pop.excitatory))
        }
        popOf = bp.populationOf
        transientSteps = Int((sc.time.transient / dt).rounded())
        binSteps = max(1, Int((1.0 / dt).rounded()))
        writeSpikes = sc.record.spikes
        let n = bp.neuronCount, P = populations.count
        cvWindowSteps = max(intervalStepsFor(sc), Int((1000 / sc.time.dt).rounded()))
        isiRun = ISIWindow(neurons: n)
        lastSpike = [Int](repeating: -1, count: n)
        let intervalSteps = max(1, Int((sc.time.recordInterval / dt).rounded()))
        // An interval never outlasts the run: a `record_interval` longer than the duration
        // (2³¹ ms, from the fuzzer) sized its synchrony bins for the whole interval — gigabytes
        // — and its χ counted empty bins after the end.
        syncInterval = SynchronyWindow(start: 0, length: min(intervalSteps, max(1, totalSteps)), binSteps: binSteps,
                                       neurons: n, populations: P)
        syncRun = SynchronyWindow(start: transientSteps, length: max(1, totalSteps - transientSteps),
                                  binSteps: binSteps, neurons: n, populations: P)
        intervalCounts = [Int32](repeating: 0, count: n)
        runCounts = [Int32](repeating: 0, count: n)
        lastRates = [Float](repeating: 0, count: n)
        var sample: [Int32] = []
        for p in populations {
            let k = min(sc.record.rasterSample, p.range.count)
            for j in 0..<k { sample.append(Int32(p.range.lowerBound + j * p.range.count / max(k, 1))) }
        }
        rasterIds = sample
        for (row, g) in sample.enumerated() { rasterRow[g] = Int32(row) }
        self.rasterWindow = rasterWindow
        // Series drawn in frames and summary.png, grouped by name: one line per population.
        for name in Recorder.seriesNames {
            for i in populations.indices {
                series.append(MetricSeries(name: name.0, unit: name.1, population: i, times: [], values: []))
            }
        }
        if let r = resume {
            spikeFile = try writeSpikes ? StreamFile(path: dir + "/spikes.bin", resumeAt: r.spikeBytes ?? 0) : nil
            sonataFile = try writeSpikes && sc.record.sonata
                ? SonataSpikeFile.rebuilding(path: dir + "/spikes.h5", dt: dt, from: dir + "/spikes.bin.partial") : nil
            metricsFile = try StreamFile(path: dir + "/metrics.csv", resumeAt: r.metricsBytes)
            return  // the caller restores the accumulators (`restore(_:)`)
        }
        if writeSpikes {
            let file = try StreamFile(path: dir + "/spikes.bin")
            var header = Data("NPSPIKE1".utf8)
            withUnsafeBytes(of: UInt32(1).littleEndian) { header.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt32(0).littleEndian) { header.append(contentsOf: $0) }
            withUnsafeBytes(of: dt.bitPattern.littleEndian) { header.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt64(n).littleEndian) { header.append(contentsOf: $0) }
            try header.withUnsafeBytes { try file.write($0) }
            spikeFile = file
        } else {
            spikeFile = nil
        }
        sonataFile = writeSpikes && sc.record.sonata ? try SonataSpikeFile(path: dir + "/spikes.h5", dt: dt) : nil
        let metrics = try StreamFile(path: dir + "/metrics.csv")
        metricsFile = metrics
        try metrics.write("time_ms,population,rate_hz,v_mean_mv,g_ampa_ns,g_nmda_ns,g_gaba_ns,cv_isi,synchrony\n")
        var csv = "id,population,x_um,y_um\n"
        for g in 0..<n {
            csv += "\(g),\(populations[Int(popOf[g])].name),\(fmt(bp.x[g], 2)),\(fmt(bp.y[g], 2))\n"
        }
        try writeAtomically(Data(csv.utf8), to: dir + "/neurons.csv")
    }

    /// Records one interval ending at `endStep`: its spikes (sorted) and per-neuron state
    /// means in global order.
    package func interval(endStep: Int, spikes: [Spike], means: GlobalState) throws {
        // spikes
        if let f = spikeFile, !spikes.isEmpty {
            var buf = [UInt32](); buf.reserveCapacity(spikes.count * 2)
            for s in spikes { buf.append(UInt32(truncatingIfNeeded: s.step).littleEndian); buf.append(UInt32(s.source).littleEndian) }
            try buf.withUnsafeBytes { try f.write($0) }
        }
        try sonataFile?.append(spikes)
        totalSpikes += spikes.count
        let windowStart = Double(endStep) * dt - rasterWindow
        for s in spikes {
            let i = Int(s.source), p = Int(popOf[i])
            intervalCounts[i] += 1
            syncInterval.add(step: s.step, neuron: i, population: p)
            let last = lastSpike[i]
            if last >= 0 {
                recentISIs.append((s.step, s.source, Double(s.step - last) * dt))
            }
            if s.step >= transientSteps {
                runCounts[i] += 1
                syncRun.add(step: s.step, neuron: i, population: p)
                if last >= transientSteps { isiRun.add(neuron: i, isi: Double(s.step - last) * dt) }
            }
            lastSpike[i] = s.step
            if let row = rasterRow[s.source] {
                rasterTimes.append(Float(Double(s.step) * dt)); rasterRows.append(row)
            }
        }
        if let cut = rasterTimes.firstIndex(where: { Double($0) >= windowStart }), cut > 0 {
            rasterTimes.removeFirst(cut); rasterRows.removeFirst(cut)
        } else if let last = rasterTimes.last, Double(last) < windowStart {
            rasterTimes.removeAll(); rasterRows.removeAll()
        }
        // CV of ISI over the trailing window (≥ 1 s): a short interval alone holds too few ISIs.
        while recentHead < recentISIs.count, recentISIs[recentHead].step < endStep - cvWindowSteps { recentHead += 1 }
        if recentHead > 4096 && recentHead * 2 > recentISIs.count {
            recentISIs.removeFirst(recentHead); recentHead = 0
        }
        var isiWindow = ISIWindow(neurons: popOf.count)
        for k in recentHead..<recentISIs.count { isiWindow.add(neuron: Int(recentISIs[k].neuron), isi: recentISIs[k].isi) }
        // metrics rows
        let seconds = Double(endStep - intervalStart) * dt / 1000
        let tEnd = Double(endStep) * dt
        var rows = ""
        for (p, pop) in populations.enumerated() {
            let r = pop.range
            var spikesP = 0
            var vs = 0.0, ga = 0.0, gn = 0.0, gg = 0.0
            for i in r {
                spikesP += Int(intervalCounts[i])
                vs += means.v[i]; ga += means.gAMPA[i]; gn += means.gNMDA[i]; gg += means.gGABA[i]
            }
            let N = Double(r.count)
            // A state that left the finite numbers never recovers and makes every later value
            // meaningless: stop the run here, naming the population and the time.
            for (what, sum) in [("membrane potential", vs), ("AMPA conductance", ga), ("NMDA conductance", gn), ("GABA_A conductance", gg)]
            where !sum.isFinite {
                throw RunError.invalid("the \(what) of population `\(pop.name)` became \(sum.isNaN ? "NaN" : "infinite") in the interval ending at \(fmt(tEnd, 3)) ms of network time: the scenario's parameters drive the model beyond the numbers it can represent (check conductances, reversal potentials, the AdEx slope factor and drive rates)")
            }
            let rate = Double(spikesP) / N / seconds
            let cv = isiWindow.meanCV(members: r)
            let chi = syncInterval.chi(population: p, members: r)
            rows += "\(fmt(tEnd, 3)),\(pop.name),\(fmt(rate, 4)),\(fmt(vs / N, 4)),\(fmt(ga / N, 4)),\(fmt(gn / N, 4)),\(fmt(gg / N, 4)),\(cv.map { fmt($0, 4) } ?? ""),\(chi.map { fmt($0, 4) } ?? "")\n"
            let P = populations.count
            for (k, value) in [rate, vs / N, cv ?? .nan, chi ?? .nan].enumerated() where value.isFinite {
                series[k * P + p].times.append(tEnd); series[k * P + p].values.append(value)
            }
        }
        try metricsFile.write(rows)
        // Per-neuron rate for frames: exponential moving average, τ = 500 ms, so the sheet
        // shows a readable rate rather than 0-or-1 spike counts of a short interval.
        let keep = exp(-seconds / 0.5)
        for i in 0..<lastRates.count {
            lastRates[i] = Float(Double(lastRates[i]) * keep + Double(intervalCounts[i]) / seconds * (1 - keep))
        }
        // reset interval accumulators
        intervalStart = endStep
        syncInterval = SynchronyWindow(start: endStep, length: syncInterval.bins * syncInterval.binSteps,
                                       binSteps: binSteps, neurons: popOf.count, populations: populations.count)
        intervalCounts = [Int32](repeating: 0, count: popOf.count)
    }

    /// Whole-run statistics after the transient, per population.
    package func runSummary(endStep: Int) -> [String: FiringStats] {
        let seconds = Double(endStep - transientSteps) * dt / 1000
        var out: [String: FiringStats] = [:]
        for (p, pop) in populations.enumerated() {
            let r = pop.range
            let spikes = r.reduce(0) { $0 + Int(runCounts[$1]) }
            out[pop.name] = FiringStats(rate: seconds > 0 ? Double(spikes) / Double(r.count) / seconds : 0,
                                        cv: isiRun.meanCV(members: r), synchrony: syncRun.chi(population: p, members: r))
        }
        return out
    }

    static let seriesNames = [("Firing rate", "Hz"), ("Mean membrane potential", "mV"), ("ISI CV", ""), ("Synchrony χ", "")]

    /// The metric series so far (per population: rate, mean V, CV of ISI, synchrony).
    package func currentSeries() -> [MetricSeries] { series }

    /// Raster sample of the recent window, and the rows' populations.
    func raster(now: Double) -> RasterSample {
        RasterSample(rowPopulation: rasterIds.map { UInt16(popOf[Int($0)]) }, spikeTimes: rasterTimes,
                     spikeRows: rasterRows, window: Float(max(0, now - rasterWindow))...Float(max(now, rasterWindow)))
    }

    /// Per-neuron rate, smoothed over about the last 500 ms [Hz].
    func recentRates() -> [Float] { lastRates }

    package var populationInfo: [PopulationInfo] { populations.map(\.info) }

    /// Commits the streamed files to their final names.
    package func finish() throws {
        try spikeFile?.commit()
        try sonataFile?.commit()
        try metricsFile.commit()
    }

    /// Removes partial files after a failure.
    package func abandon() {
        spikeFile?.discard()
        sonataFile?.discard()
        metricsFile.discard()
    }
}

func intervalStepsFor(_ sc: Scenario) -> Int { max(1, Int((sc.time.recordInterval / sc.time.dt).rounded())) }

/// Fixed-point decimal text of a Double (locale-independent, deterministic). A non-finite
/// value is written as `nan`, `inf` or `-inf` (which pandas and numpy read), never as an
/// empty cell, which the files reserve for "no value" (a CV without ISIs).
package func fmt(_ v: Double, _ digits: Int) -> String {
    guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
    return String(format: "%.\(digits)f", v)
}
