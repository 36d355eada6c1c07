// Planning: grids, ranges, log ranges, zipped axes, seeds and named points expand as
// documented; point ids are the hash of the sorted overrides and stay the same when a
// sweep is planned again; the sweep folder keeps its own copy of the base scenario.

import Experiments
import Foundation
import Testing

@Suite struct SweepPlanTests {
    func plan(_ sweep: String) throws -> SweepPlan {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try writeSweep(sweep, in: dir)
        return try SweepPlanner.plan(try SweepDecoder.load(path: path))
    }

    @Test func gridIsTheProductOfTheAxesLastFastest() throws {
        let p = try plan(tinySweep)
        #expect(p.points.count == 8)
        #expect(p.points.map { $0.axes.map(\.value) }.prefix(3) == [["1.5 kHz", "2 nS", "1"], ["1.5 kHz", "2 nS", "2"], ["1.5 kHz", "6 nS", "1"]])
        #expect(Set(p.points.map(\.id)).count == 8)
        #expect(p.points.allSatisfy { $0.id.count == 12 && $0.id.allSatisfy(\.isHexDigit) })
        #expect(p.points[0].runDir == "\(p.points[0].id)/sweep-tiny/run")
        #expect(p.populations == ["E", "I"])
    }

    @Test func idIsTheHashOfTheSortedOverrides() throws {
        let p = try plan(tinySweep)
        let lines = "drive.0.poisson.rate=1.5 kHz\nprojections.1.gaba_a=2 nS\nseed=1\n"
        #expect(p.points[0].id == String(SHA256.hex(lines).prefix(12)))
        // Reordering axes (same points) gives the same ids.
        let swapped = tinySweep.replacingOccurrences(of: "  - {seeds: [1, 2]}\n", with: "")
            .replacingOccurrences(of: "axes:\n", with: "axes:\n  - {seeds: [1, 2]}\n")
        #expect(Set(try plan(swapped).points.map(\.id)) == Set(p.points.map(\.id)))
    }

    @Test func rangesLogRangesZipAndNamedPoints() throws {
        let sweep = """
        sweep: 1
        name: shapes
        base: base.yaml
        set: {time.duration: 100 ms}
        axes:
          - {key: projections.0.connectivity.p, name: p, range: {start: 0.1, stop: 0.3, step: 0.1}}
          - {key: drive.1.poisson.rate, log: {start: 1, stop: 100, count: 3, unit: Hz}}
          - zip:
              - {key: projections.1.gaba_a, values: [2 nS, 4 nS]}
              - {key: populations.I.count, values: [10, 30]}
          - {seeds: {from: 7, count: 2}}
        points:
          - {name: control, set: {projections.1.gaba_a: 1 nS}}

        """
        let p = try plan(sweep)
        #expect(p.columns.map(\.name) == ["p", "drive.1.poisson.rate", "projections.1.gaba_a", "populations.I.count", "seed"])
        #expect(p.columns[0].values == ["0.1", "0.2", "0.3"])
        #expect(p.columns[1].values == ["1 Hz", "10 Hz", "100 Hz"])
        #expect(p.columns[1].unit == "Hz")
        #expect(p.points.count == 3 * 3 * 2 * 2 + 2)
        let zipped = Set(p.points.compactMap { q in q.value(of: "projections.1.gaba_a").map { $0 + "|" + (q.value(of: "populations.I.count") ?? "") } })
        #expect(zipped == ["2 nS|10", "4 nS|30"])
        let named = p.points.filter { $0.name == "control" }
        #expect(named.map { $0.value(of: "seed") } == ["7", "8"])
        #expect(named[0].overrides.first == PointOverride(key: "time.duration", value: "100 ms"))
    }

    @Test func replanningKeepsIdsAndRefusesAChangedBase() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try writeSweep(in: dir)
        let a = try CLI.run(["sweep", "plan", "sweep.yaml", "--out", "sw"], cwd: dir)
        #expect(a.status == 0, "\(a.err)")
        let first = try SweepManifest.read(SweepLayout(root: dir + "/sw"))
        let b = try CLI.run(["sweep", "plan", "sweep.yaml", "--out", "sw"], cwd: dir)
        #expect(b.status == 0, "\(b.err)")
        #expect(try SweepManifest.read(SweepLayout(root: dir + "/sw")).points.map(\.id) == first.points.map(\.id))
        #expect(try String(contentsOfFile: dir + "/sw/base.yaml", encoding: .utf8) == tinyBase)
        #expect(first.baseSha256 == SHA256.hex(tinyBase))
        try (tinyBase + "seed: 9\n").write(toFile: dir + "/base.yaml", atomically: true, encoding: .utf8)
        let c = try CLI.run(["sweep", "plan", "sweep.yaml", "--out", "sw"], cwd: dir)
        #expect(c.status == 64)
        #expect(c.err.contains("different base scenario"), "\(c.err)")
        #expect(a.out.contains("estimate"), "\(a.out)")
    }

    @Test func slurmScriptHasTheArrayRequeueAndSignal() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try writeSweep(in: dir)
        #expect(try CLI.run(["sweep", "plan", "sweep.yaml", "--out", "sw"], cwd: dir).status == 0)
        let r = try CLI.run(["sweep", "slurm", "sw", "--max-parallel", "2", "--points-per-task", "3", "--time", "00:10:00", "--partition", "short"], cwd: dir)
        #expect(r.status == 0, "\(r.err)")
        let s = try String(contentsOfFile: dir + "/sw/slurm/sweep.sbatch", encoding: .utf8)
        for line in ["#SBATCH --array=0-2%2", "#SBATCH --requeue", "#SBATCH --signal=B:USR1@60", "#SBATCH --time=00:10:00",
                     "#SBATCH --partition=short", "sweep run \"$SWEEP\" --array-task --points-per-task 3", "scontrol requeue"] {
            #expect(s.contains(line), "missing \(line)")
        }
    }
}
