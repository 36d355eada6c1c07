// Structural interventions in whole runs, checked against connectome dumps taken around
// them: removing the spines that formed in a window removes exactly those still present, a
// lesion removes about its fraction, a formation block keeps the targets' inputs from
// growing, killing a region silences it and strips its synapses; on the slow clock the
// same keys act between windows; resume keeps the bytes.

import Foundation
import InputReading
import Testing
import Network
import Recording
@testable import Run

@Suite struct InterventionTests {
    /// `structural-homeostasis.yaml` shortened to 3 s at a tenth of its size, plus `extra`.
    static func structural(_ extra: String, sets: [String] = []) throws -> Scenario {
        let path = EngineFixtures.scenarioPath("structural-homeostasis.yaml")
        let text = try String(contentsOfFile: path, encoding: .utf8) + "\n" + extra + "\n"
        let all = ["time.duration=3 s", "time.transient=1 s", "drive.1.stop=1500 ms", "populations.0.count=140",
                   "populations.1.count=20", "populations.2.count=40"] + sets
        return try ScenarioLoader.load(text: text, file: path, overrides: all.enumerated().map { try Override.parse($0.element, index: $0.offset) })
    }

    static func edges(_ path: String) throws -> Set<[Int32]> {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        return Set(lines.map { l in l.split(separator: ",").prefix(2).map { Int32($0)! } })
    }

    static func run(_ sc: Scenario, _ root: String, shards: Int = 1) async throws -> RunResult {
        try await RunSession.run(sc, options: RunOptions(threads: shards > 1 ? 2 : 1, shards: shards, outputRoot: root, runID: "a", progress: false))
    }

    @Test func removingSpinesFormedInAWindowRemovesExactlyThose() async throws {
        let sc = try Self.structural("""
        interventions:
          - {name: erase, at: 2550 ms, population: E, remove_spines: {formed_from: 1500 ms, formed_to: 2550 ms}}
        """, sets: ["record.connectome=[1500 ms, 2550 ms, 2551 ms]"])
        let root = EngineFixtures.temporaryDirectory("spines")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await Self.run(sc, root)
        let a = try Self.edges(r.directory + "/connectome_1500ms.csv")
        let before = try Self.edges(r.directory + "/connectome_2550ms.csv")
        let after = try Self.edges(r.directory + "/connectome_2551ms.csv")
        let bp = Blueprint(scenario: sc)
        let E = bp.range(of: 0), excitatory = bp.range(of: 0).lowerBound..<bp.range(of: 1).upperBound
        let removed = before.subtracting(after)
        #expect(after.isSubset(of: before))
        // (Dumps and the intervention fall between structural updates, every 100 ms.) Only
        // excitatory synapses onto E, and every one onto E that is new since 1500 ms.
        #expect(removed.allSatisfy { E.contains(Int($0[1])) && excitatory.contains(Int($0[0])) })
        let new = before.subtracting(a).filter { E.contains(Int($0[1])) && excitatory.contains(Int($0[0])) }
        #expect(!new.isEmpty && new.isSubset(of: removed), "\(new.count) new, \(removed.count) removed")
        let rows = try StimulusRunTests.rows(r.directory + "/interventions.csv")
        #expect(rows.count == 1 && rows[0]["removed_synapses"] == String(removed.count), "\(rows), \(removed.count)")
        #expect(rows[0]["targets"] == String(E.count))
    }

    @Test func blockLesionAndKill() async throws {
        let sc = try Self.structural("""
        interventions:
          - {name: block, at: 1500 ms, population: I, block_formation: {until: 2500 ms}}
          - {name: cut, at: 2050 ms, lesion: {from: E, to: E, fraction: 0.5}}
        """, sets: ["record.connectome=[1500 ms, 2050 ms, 2051 ms, 2500 ms]"])
        let root = EngineFixtures.temporaryDirectory("block")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await Self.run(sc, root)
        let bp = Blueprint(scenario: sc)
        let I = bp.range(of: 2), E = bp.range(of: 0)
        func onto(_ s: Set<[Int32]>, _ r: Range<Int>) -> Set<[Int32]> { s.filter { r.contains(Int($0[1])) } }
        let start = try Self.edges(r.directory + "/connectome_1500ms.csv")
        let end = try Self.edges(r.directory + "/connectome_2500ms.csv")
        #expect(onto(end, I).isSubset(of: onto(start, I)), "synapses onto I formed during the block")
        let rows = try StimulusRunTests.rows(r.directory + "/interventions.csv")
        let prevented = try #require(Int(rows.first { $0["kind"] == "block_formation_end" }?["prevented_formations"] ?? ""))
        #expect(prevented > 0)
        // The lesion: about half of E→E, exactly what the file reports.
        let pre = onto(try Self.edges(r.directory + "/connectome_2050ms.csv"), E).filter { E.contains(Int($0[0])) }
        let post = onto(try Self.edges(r.directory + "/connectome_2051ms.csv"), E).filter { E.contains(Int($0[0])) }
        let cut = pre.count - post.count
        #expect(rows.first { $0["kind"] == "lesion" }?["removed_synapses"] == String(pre.subtracting(post).count))
        let sd = (Double(pre.count) * 0.25).squareRoot()
        #expect(abs(Double(cut) - 0.5 * Double(pre.count)) < 4 * sd + 1, "\(cut) of \(pre.count)")
    }

    @Test func killingARegionSilencesItAndStripsItsSynapses() async throws {
        let text = EngineFixtures.smallSheet
            .replacingOccurrences(of: "record: {spikes: true, raster_sample: 10}", with: "record: {spikes: true, raster_sample: 10, connectome: [150 ms]}")
            + "\ninterventions:\n  - {name: stroke, at: 100 ms, region: {center: [100 um, 100 um], radius: 80 um}, kill: true}\n"
        let sc = try ScenarioLoader.load(text: text, file: "kill.yaml")
        let root = EngineFixtures.temporaryDirectory("kill")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await Self.run(sc, root, shards: 2)
        let bp = Blueprint(scenario: sc)
        let dead = Set(bp.neurons(population: nil, region: .disc(x: 100, y: 100, radius: 80)))
        #expect(!dead.isEmpty)
        let edges = try Self.edges(r.directory + "/connectome_150ms.csv")
        #expect(!edges.contains { dead.contains($0[0]) || dead.contains($0[1]) })
        let data = try Data(contentsOf: URL(fileURLWithPath: r.directory + "/spikes.bin"))
        let late = stride(from: 32, to: data.count, by: 8).contains { o in
            let step = data[o..<o + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            let id = data[o + 4..<o + 8].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            return step > 1000 && dead.contains(Int32(id))
        }
        #expect(!late, "a killed neuron spiked after 100 ms")
        let rows = try StimulusRunTests.rows(r.directory + "/interventions.csv")
        #expect(rows.first?["killed_neurons"] == String(dead.count))
    }

    @Test func interventionsOnTheSlowClockResumeBitForBit() async throws {
        let sc = try SlowClockTests.small(appending: """
        interventions:
          - {name: erase, at: 4 h, population: pyr, remove_spines: {formed_from: 0 h, formed_to: 4 h}}
          - {name: cut, at: 2 h after dose 1, lesion: {from: pyr, to: pv, fraction: 0.3}}
        """)
        let plan = RunPlanner.plan(sc, frames: false, checkpointEvery: nil)
        #expect(plan.interventions.map(\.hours) == [2, 4])
        try await CheckpointTests.expectResumeEqualsWhole(sc, stopAt: 350, shards: 2, mustContain: ["interventions.csv", "slow.csv"],
                                                          garbage: ["interventions.csv"])
    }
}
