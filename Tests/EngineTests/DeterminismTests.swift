// Same scenario + seed ⇒ identical spikes whatever the shard and thread counts, and
// identical output files.

import Foundation
import Testing
import Network
import Run

@Suite struct DeterminismTests {
    @Test func spikesIndependentOfShardsAndThreads() async throws {
        let sc = try ScenarioLoader.load(text: EngineFixtures.smallSheet, file: "small.yaml")
        var hashes: [String: String] = [:]
        var counts: Set<Int> = []
        for shards in [1, 2, 4] {
            for threads in [1, 2] {
                let sim = try await Simulation(blueprint: Blueprint(scenario: sc),
                                           options: RunOptions(threads: threads, shards: shards, chunkSize: 64))
                let spikes = try await sim.advance(steps: sc.time.steps)
                hashes["\(shards)×\(threads)"] = EngineFixtures.hash(spikes)
                counts.insert(spikes.count)
                #expect(spikes.count > 500, "the sheet should be active")
            }
        }
        #expect(Set(hashes.values).count == 1, "\(hashes)")
        #expect(counts.count == 1)
    }

    @Test func synapsesIndependentOfShards() async throws {
        let sc = try ScenarioLoader.load(text: EngineFixtures.smallSheet, file: "small.yaml")
        var totals: Set<Int> = []
        for shards in [1, 3, 5] {
            let sim = try await Simulation(blueprint: Blueprint(scenario: sc), options: RunOptions(shards: shards))
            totals.insert(await sim.synapseCount)
        }
        #expect(totals.count == 1)
    }

    @Test func runFolderIdenticalAcrossShardCounts() async throws {
        let sc = try ScenarioLoader.load(text: EngineFixtures.smallSheet, file: "small.yaml")
        let root = EngineFixtures.temporaryDirectory("det")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let a = try await RunSession.run(sc, options: RunOptions(threads: 1, shards: 1, outputRoot: root, runID: "a", progress: false))
        let b = try await RunSession.run(sc, options: RunOptions(threads: 2, shards: 3, outputRoot: root, runID: "b", progress: false))
        for f in ["spikes.bin", "metrics.csv", "neurons.csv", "summary.json", "scenario.resolved.yaml"] {
            let da = FileManager.default.contents(atPath: a.directory + "/" + f)
            let db = FileManager.default.contents(atPath: b.directory + "/" + f)
            #expect(da != nil && da == db, "\(f) differs")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: a.directory)
        #expect(!files.contains { $0.hasSuffix(".partial") }, "\(files)")
        #expect(files.contains("manifest.json"))
    }
}
