// summary.png: every metric series of the run in one figure, written for every run
// whether or not frames were asked for.

import Foundation
import Kernel
import Rendering
import Network

public enum SummaryFigure {
    /// - Parameter spectrum: the LFP's mean PSD [pA²/Hz] (`LFPRecorder.spectrum`), drawn as a panel.
    package static func write(dir: String, scenario: Scenario, series: [MetricSeries], populations: [PopulationInfo],
                              spectrum: (frequencies: [Double], power: [Double])? = nil) throws {
        let r = SummaryRenderer(width: 1920, height: 1080, theme: .light)
        do {
            try r.writePNG(to: dir + "/summary.png", scenarioName: scenario.name, duration: scenario.time.duration,
                           populations: populations, series: series, seed: scenario.seed,
                           spectrum: spectrum.map { PowerSpectrum(frequencies: $0.frequencies, power: $0.power, unit: "pA²/Hz") })
        } catch {
            throw RunError.io("summary.png: \(error)")
        }
    }
}

extension SummaryFigure {
    /// Re-draws `summary.png` of a finished run from its `metrics.csv` (and the populations
    /// listed there), with other figure options. Returns the path written.
    public static func redraw(runDirectory dir: String, output: String? = nil, width: Int, height: Int,
                              theme: String) throws -> String {
        let path = dir + "/metrics.csv"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RunError.invalid("\(path): cannot be read; expected a run folder written by `neuroplast run`")
        }
        var lines = text.split(separator: "\n").map(String.init)
        let header = "time_ms,population,rate_hz,v_mean_mv,g_ampa_ns,g_nmda_ns,g_gaba_ns,cv_isi,synchrony"
        guard lines.first == header else {
            throw RunError.invalid("\(path):1:1: expected the header \(header)")
        }
        lines.removeFirst()
        var popNames: [String] = []
        var series: [String: MetricSeries] = [:]
        let columns = [(2, "Firing rate", "Hz"), (3, "Mean membrane potential", "mV"), (7, "ISI CV", ""), (8, "Synchrony χ", "")]
        for (k, line) in lines.enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 9, let t = Double(f[0]) else {
                throw RunError.invalid("\(path):\(k + 2):1: expected 9 comma-separated fields starting with a time")
            }
            if !popNames.contains(f[1]) { popNames.append(f[1]) }
            let p = popNames.firstIndex(of: f[1])!
            for (col, name, unit) in columns {
                guard let v = Double(f[col]) else { continue }
                let key = "\(name)#\(p)"
                var s = series[key] ?? MetricSeries(name: name, unit: unit, population: p, times: [], values: [])
                s.times.append(t); s.values.append(v)
                series[key] = s
            }
        }
        let ordered = columns.flatMap { c in popNames.indices.compactMap { series["\(c.1)#\($0)"] } }
        let manifest = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/manifest.json")))) as? [String: Any]
        let name = ((manifest?["scenario"] as? [String: Any])?["name"] as? String) ?? (dir as NSString).lastPathComponent
        let duration = ordered.compactMap(\.times.last).max() ?? 0
        let pops = popNames.map { PopulationInfo(name: $0, cellClass: "other", excitatory: true) }
        let out = output ?? dir + "/summary.png"
        do {
            try SummaryRenderer(width: width, height: height, theme: theme == "dark" ? .dark : .light)
                .writePNG(to: out, scenarioName: name, duration: duration, populations: pops, series: ordered)
        } catch {
            throw RunError.io("\(out): \(error)")
        }
        return out
    }
}

/// slow.png: the slow clock's quantities against biological time (drug, block, BDNF,
/// synaptic proteins, spines and their turnover, window rates).
package enum SlowFigure {
    package static func write(dir: String, scenario: Scenario, series: [MetricSeries], populations: [PopulationInfo]) throws {
        guard let slow = scenario.slow else { return }
        let start = (series.compactMap { $0.times.first }.min() ?? 0)
        do {
            try SummaryRenderer(width: 1920, height: 1080, theme: .light)
                .writePNG(to: dir + "/slow.png", scenarioName: scenario.name, duration: slow.clock.duration * 3_600_000,
                          populations: populations, series: series, seed: scenario.seed, start: min(0, start),
                          heading: "Slow clock: biological time (windows of \(Int(slow.clock.window)) ms of spiking)")
        } catch {
            throw RunError.io("slow.png: \(error)")
        }
    }
}
