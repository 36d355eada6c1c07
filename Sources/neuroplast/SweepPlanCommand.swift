// `neuroplast sweep plan SWEEP.yaml`: expand and validate every point (reporting all
// faults with file:line:column), write the sweep folder and print counts and estimates.

import ArgumentParser
import Experiments
import Foundation

struct SweepPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Validate a sweep file and write its sweep folder.")

    @Argument(help: "Sweep file (YAML).") var file: String
    @Option(help: "Sweep folder (default: Output/sweeps/<name>).") var out: String?

    func run() throws {
        let text: String
        let spec: SweepSpec
        let plan: SweepPlan
        do {
            spec = try SweepDecoder.load(path: file)
            text = try String(contentsOfFile: file, encoding: .utf8)
            plan = try SweepPlanner.plan(spec)
        } catch { throw SweepCLI.exitCode(for: error) }
        let layout = SweepLayout(root: out ?? "Output/sweeps/\(spec.name)")
        let m: SweepManifest
        do { m = try SweepFolder.write(plan, sweepText: text, to: layout) } catch { throw SweepCLI.exitCode(for: error) }
        let done = m.points.filter { layout.isComplete($0) }.count
        let grid = spec.axes.map { a in a.columns.map(\.name).joined(separator: "+") + " \(a.count)" }.joined(separator: " × ")
        print("planned sweep \(m.name): \(m.points.count) points → \(layout.root)")
        if !grid.isEmpty { print("  grid: \(grid)") }
        if !spec.named.isEmpty { print("  named points: \(spec.named.map(\.name).joined(separator: ", "))") }
        print("  base: \(spec.basePath) (copied to \(layout.base)), scenario \(m.scenarioName)")
        print("  estimate (rough, not measured): \(SweepCLI.hours(m.totalCoreSeconds)), disk ≈ \(SweepCLI.bytes(m.totalDiskBytes)) (spikes at an assumed \(Int(CostModel.assumedRateHz)) Hz)")
        if done > 0 { print("  \(done) of \(m.points.count) points are already done") }
        print("next: neuroplast sweep run \(layout.root) --jobs N   or   neuroplast sweep slurm \(layout.root) --submit")
    }
}
