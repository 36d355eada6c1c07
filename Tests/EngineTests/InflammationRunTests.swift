// Inflammation in a run: an LPS challenge raises and clears cytokines, activates microglia
// that engulf synapses only when complement tagging is on; the run is identical for 1 and
// 5 shards (the field and microglia are split in strips) with every microglion kept; NMDA
// block reduces excitotoxic death; bad inflammation input is refused with its location.

import Foundation
import InputReading
import Testing
import Network
import Run

@Suite struct InflammationRunTests {
    /// `Scenarios/lps-inflammation.yaml`, shrunk: 300 neurons on 400 µm, 3 days.
    static func smallLPS(_ extra: [String] = []) throws -> Scenario {
        let sets = ["populations.pyr.count=240", "populations.pv.count=36", "populations.sst.count=24",
                    "sheet.width=400 um", "sheet.height=400 um", "slow_clock.duration=3 d", "slow_clock.step=1 h",
                    "slow_clock.windows=[{until: 3 d, every: 12 h}]", "slow_clock.window=100 ms", "slow_clock.settle=20 ms",
                    "slow_clock.structural_every=12 h", "time.record_interval=50 ms", "inflammation.microglia.count=40"] + extra
        let overrides = try sets.enumerated().map { try Override.parse($0.element, index: $0.offset) }
        return try ScenarioLoader.load(path: "Scenarios/lps-inflammation.yaml", overrides: overrides)
    }

    static func run(_ sc: Scenario, shards: Int = 1, id: String = "a") async throws -> (dir: String, slow: String, root: String) {
        let root = EngineFixtures.temporaryDirectory("infl")
        let r = try await RunSession.run(sc, options: RunOptions(threads: shards > 1 ? 2 : 1, shards: shards, outputRoot: root,
                                                            runID: id, progress: false, frames: false))
        return (r.directory, try String(contentsOfFile: r.directory + "/slow.csv", encoding: .utf8), root)
    }

    @Test func lpsRaisesAndClearsCytokinesAndMicrogliaEngulf() async throws {
        let (_, csv, root) = try await Self.run(try Self.smallLPS())
        defer { try? FileManager.default.removeItem(atPath: root) }
        let t = SlowClockTests.column(csv, "time_h"), c = SlowClockTests.column(csv, "cytokine_mean")
        let peak = c.indices.max { c[$0] < c[$1] } ?? 0
        #expect(t[peak] <= 6, "cytokines peak within 6 h; peak at \(t[peak]) h")
        let at24 = c[t.firstIndex { $0 >= 24 } ?? 0]
        #expect(at24 < 0.1 * c[peak], "near baseline by 24 h: \(at24) vs peak \(c[peak])")
        #expect((SlowClockTests.column(csv, "microglia_activated").max() ?? 0) > 0, "microglia activate")
        #expect(SlowClockTests.column(csv, "microglia").allSatisfy { $0 == 40 }, "no microglion lost or made")
        #expect(SlowClockTests.column(csv, "engulfed").reduce(0, +) > 0, "activated microglia engulf tagged synapses")
    }

    @Test func noComplementTaggingNoMicroglialPruning() async throws {
        let (_, csv, root) = try await Self.run(try Self.smallLPS(["inflammation.microglia.complement_tagging=false"]))
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect((SlowClockTests.column(csv, "microglia_activated").max() ?? 0) > 0, "microglia still activate")
        #expect(SlowClockTests.column(csv, "engulfed").allSatisfy { $0 == 0 }, "but engulf nothing")
    }

    @Test func cytokinesShiftExcitationAgainstInhibition() async throws {
        let sets = ["slow_clock.duration=12 h", "slow_clock.windows=[{until: 12 h, every: 4 h}]", "slow_clock.structural_every=12 h"]
        let (_, off, r1) = try await Self.run(try Self.smallLPS(sets))
        let (_, on, r2) = try await Self.run(try Self.smallLPS(sets + ["inflammation.effects={ei_shift: 1}"]))
        defer { try? FileManager.default.removeItem(atPath: r1); try? FileManager.default.removeItem(atPath: r2) }
        // Rows after the window at 4 h (cytokines near their peak) hold its rates.
        let t = SlowClockTests.column(off, "time_h")
        let k = t.firstIndex { $0 > 4 } ?? 0
        let a = SlowClockTests.column(off, "rate_pyr_hz")[k], b = SlowClockTests.column(on, "rate_pyr_hz")[k]
        #expect(b > a * 1.05, "pyramidal rate under the E/I shift \(b) Hz vs without \(a) Hz")
        #expect(SlowClockTests.column(off, "rate_pyr_hz")[0] == SlowClockTests.column(on, "rate_pyr_hz")[0], "no shift before cytokines rise")
    }

    @Test func identicalForOneAndFiveShards() async throws {
        let sc = try Self.smallLPS(["slow_clock.duration=1 d"])
        let a = try await Self.run(sc, shards: 1, id: "a")
        let b = try await Self.run(sc, shards: 5, id: "b")
        defer { try? FileManager.default.removeItem(atPath: a.root); try? FileManager.default.removeItem(atPath: b.root) }
        #expect(a.slow == b.slow, "slow.csv (cytokines, microglia, engulfment, spines) differs between 1 and 5 shards")
        for f in ["spikes.bin", "metrics.csv"] {
            #expect(FileManager.default.contents(atPath: a.dir + "/" + f) == FileManager.default.contents(atPath: b.dir + "/" + f), "\(f)")
        }
    }

    @Test func nmdaBlockReducesExcitotoxicDeath() async throws {
        let sets = ["populations.pyr.count=240", "populations.pv.count=36", "populations.sst.count=24",
                    "sheet.width=400 um", "sheet.height=400 um", "slow_clock.duration=12 h", "slow_clock.step=20 min",
                    "slow_clock.windows=[{until: 12 h, every: 1 h}]", "slow_clock.window=100 ms", "slow_clock.settle=20 ms",
                    "time.record_interval=50 ms", "inflammation.microglia.count=20",
                    "inflammation.damage.insults.0.center=[200 um, 200 um]", "inflammation.damage.insults.0.radius=100 um"]
        let overrides = try sets.enumerated().map { try Override.parse($0.element, index: $0.offset) }
        let sc = try ScenarioLoader.load(path: "Scenarios/excitotoxic-insult.yaml", overrides: overrides)
        #expect(sc.arms.map(\.name) == ["no-block", "mk801"])
        let root = EngineFixtures.temporaryDirectory("insult")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: RunOptions(outputRoot: root, runID: "a", progress: false, frames: false))
        func dead(_ arm: String) throws -> Double {
            let csv = try String(contentsOfFile: r.directory + "/\(arm)/slow.csv", encoding: .utf8)
            return SlowClockTests.column(csv, "dead").last ?? 0
        }
        let without = try dead("no-block"), with = try dead("mk801")
        #expect(without > 0, "the insult kills neurons without block")
        #expect(with < without, "NMDA block protects: \(with) dead with MK-801 vs \(without) without")
    }

    @Test func badInflammationInputIsLocated() throws {
        let text = try String(contentsOfFile: "Scenarios/lps-inflammation.yaml", encoding: .utf8)
            .replacingOccurrences(of: "  diffusion: 0.036 mm2/h", with: "  diffusion: -0.036 mm2/h")
            .replacingOccurrences(of: "  microglia: {count: 200, complement_tagging: true}",
                                  with: "  microglia: {count: 5000, complement_tagging: true}\n  sources: [{center: [1500 um, 200 um], rate: 10}]")
        do {
            _ = try ScenarioLoader.load(text: text, file: "bad.yaml")
            Issue.record("bad inflammation input was accepted")
        } catch let e as ScenarioErrors {
            let lines = text.components(separatedBy: "\n")
            func line(_ s: String) -> Int { (lines.firstIndex { $0.contains(s) } ?? -1) + 1 }
            let d = e.diagnostics
            #expect(d.contains { $0.location.line == line("diffusion:") && $0.message.contains("must not be negative") }, "\(d)")
            #expect(d.contains { $0.location.line == line("count: 5000") && $0.message.contains("do not fit") }, "\(d)")
            #expect(d.contains { $0.location.line == line("1500 um") && $0.message.contains("outside the sheet") }, "\(d)")
        }
    }
}
