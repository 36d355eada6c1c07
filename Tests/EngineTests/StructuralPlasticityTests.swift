// Structural plasticity in the running engine: a network with no synapses wires itself
// until calcium reaches the set-points (brief §5 target 9), with invariants checked after
// every update, and the same result for any shard count.

import Foundation
import InputReading
import Testing
import Network
import Run

@Suite struct StructuralPlasticityTests {
    /// The small version of Scenarios/structural-homeostasis.yaml (350 E + 50 Ez + 100 I, 12 s,
    /// lesion after the end unless moved).
    func small(_ extra: [String] = []) throws -> Scenario {
        try ScenarioLoader.load(path: EngineFixtures.scenarioPath("structural-homeostasis.yaml"),
                                overrides: try (["populations.E.count=350", "populations.Ez.count=50", "populations.I.count=100",
                                                 "time.duration=16 s", "time.transient=8 s", "time.record_interval=1 s"] + extra)
                                    .enumerated().map { try Override.parse($0.element, index: $0.offset) })
    }

    /// Rows of structure.csv for one scope/name: (time, columns).
    func rows(_ dir: String, _ scope: String, _ name: String) throws -> [(Double, [String])] {
        try String(contentsOfFile: dir + "/structure.csv", encoding: .utf8).split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return f[1] == scope && f[2] == name ? (Double(f[0]) ?? 0, f) : nil
        }
    }

    @Test func growsToSetPointAndSettles() async throws {
        let sc = try small()
        #expect(sc.projections.allSatisfy { $0.rule == .random(p: 0) && $0.structural })
        let root = EngineFixtures.temporaryDirectory("sp")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var opts = RunOptions(threads: 2, outputRoot: root, runID: "a", progress: false, frames: false)
        opts.checkInvariants = true
        let r = try await RunSession.run(sc, options: opts)
        // Calcium over the last 6 s within 10% of the set-points.
        for (pop, eps) in [("E", 0.005), ("Ez", 0.005), ("I", 0.010)] {
            let late = try rows(r.directory, "population", pop).filter { $0.0 >= 10000 }.compactMap { Double($0.1[8]) }
            let mean = late.reduce(0, +) / Double(late.count)
            #expect(abs(mean - eps) / eps < 0.10, "\(pop) calcium \(mean) vs set-point \(eps)")
        }
        // The E→E synapse count settles: grown from zero, then steady within 10%.
        let ee = try rows(r.directory, "projection", "E->E").map { ($0.0, Double($0.1[3]) ?? 0) }
        #expect(ee.first!.1 < ee.last!.1 && ee.last!.1 > 100)
        let a = ee.filter { (10000..<13000).contains($0.0) }.map(\.1), b = ee.filter { $0.0 >= 13000 }.map(\.1)
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        #expect(abs(mb - ma) / ma < 0.10, "E→E mean \(ma) then \(mb)")
    }

    /// Butz & van Ooyen 2013: silencing a region's input makes its neurons grow elements and
    /// be rewired from their surroundings — synapses from outside into the zone increase.
    @Test func lesionRewiresTowardsTheZone() async throws {
        let sc = try small(["time.duration=10 s", "drive.1.stop=5 s"])
        let root = EngineFixtures.temporaryDirectory("les")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: RunOptions(threads: 2, outputRoot: root, runID: "l", progress: false, frames: false))
        let into = try rows(r.directory, "projection", "E->Ez").map { ($0.0, Double($0.1[3]) ?? 0) }
        let before = into.filter { (3000..<5000).contains($0.0) }.map(\.1)
        let after = into.filter { $0.0 >= 9000 }.map(\.1)
        let b = before.reduce(0, +) / Double(before.count), a = after.reduce(0, +) / Double(after.count)
        #expect(a > 1.5 * b, "E→Ez synapses before the lesion \(b), after \(a)")
        #expect(r.summary["Ez"]!.rate < r.summary["E"]!.rate)
    }

    @Test func deterministicAcrossShards() async throws {
        let sc = try small(["time.duration=3 s", "time.transient=1 s"])
        let root = EngineFixtures.temporaryDirectory("spd")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let a = try await RunSession.run(sc, options: RunOptions(threads: 1, shards: 1, outputRoot: root, runID: "a", progress: false))
        let b = try await RunSession.run(sc, options: RunOptions(threads: 2, shards: 3, outputRoot: root, runID: "b", progress: false))
        for f in ["structure.csv", "metrics.csv"] {
            let da = FileManager.default.contents(atPath: a.directory + "/" + f)
            #expect(da != nil && da == FileManager.default.contents(atPath: b.directory + "/" + f), "\(f) differs")
        }
    }
}
