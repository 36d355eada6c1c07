// A comparison run: every arm of a scenario (e.g. ketamine and an SSRI) runs in turn, as a
// run session of its own, into its own folder under one run folder; then `comparison.png`
// overlays the arms' slow-clock series (spines, formation, BDNF, block, rates) and
// `arms.json` lists them.

import Foundation
import Rendering
import Network
import Recording

enum ArmComparison {
    static func run(_ scenario: Scenario, options: RunOptions) async throws -> RunResult {
        let root = options.outputRoot ?? scenario.output.directory
        let dir = try RunDirectory.create(root: root, scenario: scenario.name, runID: options.runID, seed: scenario.seed)
        try writeAtomically(Data(scenario.resolvedYAML.utf8), to: dir + "/scenario.resolved.yaml")
        var results: [RunResult] = []
        var perArm: [(name: String, series: [MetricSeries])] = []
        for arm in scenario.arms {
            var o = options
            o.runDirectory = dir + "/" + arm.name
            let r = try await RunSession.run(arm.scenario, options: o)
            results.append(r)
            perArm.append((arm.name, arm.scenario.slow == nil ? r.series : r.slowSeries))
        }
        try writeComparison(dir: dir, scenario: scenario, arms: perArm)
        let list = scenario.arms.map { ["name": $0.name, "folder": $0.name] }
        let data = try JSONSerialization.data(withJSONObject: ["scenario": scenario.name, "arms": list], options: [.prettyPrinted, .sortedKeys])
        try writeAtomically(data, to: dir + "/arms.json")
        var total = results[0]
        total.directory = dir
        total.runSeconds = results.reduce(0) { $0 + $1.runSeconds }
        total.totalSeconds = results.reduce(0) { $0 + $1.totalSeconds }
        total.frames = results.reduce(0) { $0 + $1.frames }
        total.note = "arms: " + scenario.arms.map(\.name).joined(separator: ", ") + "; comparison.png"
        return total
    }

    /// Overlays the arms: one panel per quantity, one line per arm (coloured as populations).
    static func writeComparison(dir: String, scenario: Scenario, arms: [(name: String, series: [MetricSeries])]) throws {
        // Slow-clock arms: the slow series over biological time; fast arms: the recorded
        // series (rates, synchrony, structure) over network time.
        let wanted = scenario.slow == nil
            ? ["Firing rate", "Synchrony χ", "Spines per neuron", "Calcium (structural)"]
            : ["Spines per neuron", "Spine formation", "BDNF", "Synaptic proteins", "NMDA block", "Window rate"]
        var out: [MetricSeries] = []
        for name in wanted {
            for (k, arm) in arms.enumerated() {
                // Population-resolved series: the first population (pyramidal cells) stands for the arm.
                guard var s = arm.series.first(where: { $0.name == name && ($0.population ?? 0) == 0 }) else { continue }
                s.population = k
                out.append(s)
            }
        }
        let pops = arms.map { PopulationInfo(name: $0.name, cellClass: "other", excitatory: true) }
        let duration = scenario.slow.map { $0.clock.duration * 3_600_000 } ?? scenario.time.duration
        do {
            try SummaryRenderer(width: 1920, height: 1080, theme: .light)
                .writePNG(to: dir + "/comparison.png", scenarioName: scenario.name, duration: duration, populations: pops,
                          series: out, seed: scenario.seed, heading: "Arms compared: " + arms.map(\.name).joined(separator: " vs "))
        } catch {
            throw RunError.io("comparison.png: \(error)")
        }
    }
}
