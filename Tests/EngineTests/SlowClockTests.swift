// The two-clock run end to end on a small version of the human ketamine scenario: the run
// folder is identical across shard and thread counts, the drug acts through the slow state
// (block, BDNF, spines), a stress protocol before the run removes spines, and arms write a
// comparison.

import Foundation
import InputReading
import Testing
import Network
import Run

@Suite struct SlowClockTests {
    /// `Scenarios/ketamine-infusion-human.yaml`, shrunk: 300 neurons, 8 h, a 100 ms window every hour.
    /// `appending`: YAML added at the end of the file (sections `--set` cannot create).
    static func small(_ extra: [String] = [], appending: String = "") throws -> Scenario {
        let sets = ["populations.pyr.count=240", "populations.pv.count=36", "populations.sst.count=24",
                    "sheet.width=400 um", "sheet.height=400 um", "slow_clock.duration=8 h", "slow_clock.step=20 min",
                    "slow_clock.windows=[{until: 8 h, every: 1 h}]", "slow_clock.window=100 ms", "slow_clock.settle=20 ms",
                    "time.record_interval=50 ms"] + extra
        let overrides = try sets.enumerated().map { try Override.parse($0.element, index: $0.offset) }
        let path = "Scenarios/ketamine-infusion-human.yaml"
        if appending.isEmpty { return try ScenarioLoader.load(path: path, overrides: overrides) }
        let text = try String(contentsOfFile: path, encoding: .utf8) + "\n" + appending + "\n"
        return try ScenarioLoader.load(text: text, file: path, overrides: overrides)
    }

    static func column(_ csv: String, _ name: String) -> [Double] {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let k = lines.first?.firstIndex(of: name) else { return [] }
        return lines.dropFirst().compactMap { k < $0.count ? Double($0[k]) : nil }
    }

    @Test func runFolderIdenticalAcrossShardsAndThreads() async throws {
        let sc = try Self.small()
        let root = EngineFixtures.temporaryDirectory("slow-det")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let a = try await RunSession.run(sc, options: RunOptions(threads: 1, shards: 1, outputRoot: root, runID: "a", progress: false, frames: false))
        let b = try await RunSession.run(sc, options: RunOptions(threads: 2, shards: 3, outputRoot: root, runID: "b", progress: false, frames: false))
        for f in ["slow.csv", "spikes.bin", "metrics.csv", "summary.json"] {
            let da = FileManager.default.contents(atPath: a.directory + "/" + f)
            let db = FileManager.default.contents(atPath: b.directory + "/" + f)
            #expect(da != nil && da == db, "\(f) differs between 1×1 and 3 shards × 2 threads")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: a.directory)
        #expect(files.contains("slow.png") && files.contains("manifest.json"), "\(files)")
        #expect(!files.contains { $0.hasSuffix(".partial") }, "\(files)")
    }

    @Test func theDrugActsThroughTheSlowState() async throws {
        let sc = try Self.small()
        #expect(sc.slow?.clock.windowTimes().count == 8)
        #expect(abs(sc.time.duration - 800) < 1e-9, "8 windows × 100 ms of network time")
        let root = EngineFixtures.temporaryDirectory("slow-drug")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: RunOptions(outputRoot: root, runID: "a", progress: false, frames: false))
        let csv = try String(contentsOfFile: r.directory + "/slow.csv", encoding: .utf8)
        let plasma = Self.column(csv, "ketamine_plasma_ng_ml"), block = Self.column(csv, "block_pyr")
        let bdnf = Self.column(csv, "bdnf"), proteins = Self.column(csv, "proteins")
        #expect(plasma.count == 24, "one row per 20-min step over 8 h")
        // The infusion ends at 40 min (row 2): the plasma peak lies there, 150–220 ng/mL.
        let peak = plasma.indices.max { plasma[$0] < plasma[$1] } ?? -1
        #expect(peak == 1, "peak at the end of the infusion (row 1 = 40 min); got row \(peak)")
        #expect((150...220).contains(plasma.max() ?? 0), "\(plasma.max() ?? 0)")
        #expect((block.max() ?? 0) > 0.3 && (block.last ?? 1) < (block.max() ?? 0), "block rises and falls: \(block)")
        #expect((bdnf.max() ?? 0) > 1.3, "BDNF rises with block at rest: \(bdnf)")
        #expect((proteins.last ?? 0) > 0.1, "synaptic proteins build up: \(proteins)")
        // Windows see the block: the SST cells (largest NMDA share) slow down.
        let sst = Self.column(csv, "rate_sst_hz")
        // Rows hold the last window's rates: row 0 the window at 0 h (no drug), row 3 the one at 1 h.
        #expect(sst[3] < sst[0], "SST rate under block \(sst[3]) vs before \(sst[0])")
        let manifest = try String(contentsOfFile: r.directory + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"windows\" : 8") && manifest.contains("quasi-steady state"))
    }

    @Test func stressBeforeTheRunRemovesSpines() async throws {
        let sc = try Self.small(["stress=[{start: -10 d, stop: 0 d, level: 1}]", "pharmacology.doses=[]"])
        let root = EngineFixtures.temporaryDirectory("slow-stress")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: RunOptions(outputRoot: root, runID: "a", progress: false, frames: false))
        let csv = try String(contentsOfFile: r.directory + "/slow.csv", encoding: .utf8)
        let t = Self.column(csv, "time_h"), spines = Self.column(csv, "spines_per_neuron")
        #expect((t.first ?? 0) < -239, "the protocol runs from −10 d")
        let first = spines.first ?? 0, atZero = spines[t.firstIndex { $0 >= 0 } ?? 0]
        #expect(atZero < first * 0.95, "10 days of stress remove spines: \(first) → \(atZero)")
        #expect(Self.column(csv, "glucocorticoid").max() ?? 0 > 0.9)
    }

    @Test func armsRunSideBySide() async throws {
        var sc = try Self.small(["slow_clock.duration=2 h",
                                 "arms=[{name: drug, set: {}}, {name: none, set: {pharmacology.doses: []}}]"])
        #expect(sc.arms.map(\.name) == ["drug", "none"])
        #expect(sc.arms[1].scenario.slow?.pharmacology?.doses.isEmpty == true)
        sc.frames = nil
        let root = EngineFixtures.temporaryDirectory("slow-arms")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: RunOptions(outputRoot: root, runID: "a", progress: false, frames: false))
        let files = try FileManager.default.contentsOfDirectory(atPath: r.directory)
        #expect(files.contains("comparison.png") && files.contains("arms.json") && files.contains("drug") && files.contains("none"), "\(files)")
        let none = try String(contentsOfFile: r.directory + "/none/slow.csv", encoding: .utf8)
        #expect(Self.column(none, "block_pyr").allSatisfy { $0 == 0 }, "no drug, no block")
    }
}
