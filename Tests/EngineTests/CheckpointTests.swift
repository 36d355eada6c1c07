// Checkpoint and resume: a run stopped at a checkpoint and resumed writes every output file
// byte for byte as a run that was never interrupted — with frames, connectome dumps, drive
// switches, weight and structural plasticity and homeostasis, for one and several shards —
// and damaged or foreign checkpoints are refused with a message, never used.

import Foundation
import InputReading
import Testing
import Network
import Recording
@testable import Run

@Suite struct CheckpointTests {
    /// Every output file of a run folder except the manifest (wall times) and checkpoints.
    static func outputs(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        let fm = FileManager.default
        for f in fm.enumerator(atPath: dir)?.compactMap({ $0 as? String }) ?? [] {
            guard f != "manifest.json", !f.hasPrefix("checkpoints") else { continue }
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: dir + "/" + f, isDirectory: &isDir), !isDir.boolValue {
                out[f] = fm.contents(atPath: dir + "/" + f)
            }
        }
        return out
    }

    static func options(_ root: String, _ id: String, shards: Int) -> RunOptions {
        RunOptions(threads: shards > 1 ? 2 : 1, shards: shards, outputRoot: root, runID: id, progress: false)
    }

    /// Runs `sc` uninterrupted (id "whole") and stopped at `stopAt` ms then resumed (id
    /// "parts"); expects the same files. Returns the resumed run's directory.
    static func expectResumeEqualsWhole(_ sc: Scenario, stopAt: Double, shards: Int, mustContain: [String],
                                        garbage: [String] = []) async throws {
        let root = EngineFixtures.temporaryDirectory("ckpt")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = try await RunSession.run(sc, options: options(root, "whole", shards: shards))
        var stopping = options(root, "parts", shards: shards)
        stopping.stop = StopRequest(atTime: stopAt)
        var stoppedAt: Double?
        do {
            _ = try await RunSession.run(sc, options: stopping)
            Issue.record("the run was not stopped")
        } catch let e as RunStopped {
            stoppedAt = e.time
            #expect(FileManager.default.fileExists(atPath: e.checkpoint))
        }
        let t = try #require(stoppedAt)
        #expect(t >= stopAt && t < sc.time.duration)
        let dir = root + "/" + sc.name + "/parts"
        #expect(!FileManager.default.fileExists(atPath: dir + "/metrics.csv"), "a stopped run must not commit its files")
        // What a killed run writes after its checkpoint is cut off on resume.
        for f in garbage {
            let h = try #require(FileHandle(forWritingAtPath: dir + "/" + f + ".partial"))
            h.seekToEndOfFile(); h.write(Data("garbage after the checkpoint\n".utf8)); try h.close()
        }
        var resuming = options(root, "parts", shards: shards)
        resuming.resume = true
        let parts = try await RunSession.run(sc, options: resuming)
        #expect(parts.resumedAt == t)
        #expect(parts.spikes == whole.spikes && parts.liveSynapses == whole.liveSynapses)
        #expect(parts.summary == whole.summary)
        let a = outputs(whole.directory), b = outputs(parts.directory)
        for f in mustContain { #expect(a[f] != nil, "\(f) missing") }
        #expect(a.keys.sorted() == b.keys.sorted())
        for (name, data) in a { #expect(b[name] == data, "\(name) differs after resume") }
    }

    /// A slow-clock run (drug, cascade, spine turnover, frames) stopped between windows and
    /// resumed equals the uninterrupted run.
    @Test func slowClockRunResumesBitForBit() async throws {
        let sc = try SlowClockTests.small(["frames.width=320", "frames.height=180", "frames.synapses=50", "frames.every=100 ms"])
        try await Self.expectResumeEqualsWhole(sc, stopAt: 350, shards: 2,
                                               mustContain: ["slow.csv", "slow.png", "metrics.csv", "frames/frame_000004.png"],
                                               garbage: ["slow.csv", "metrics.csv"])
    }

    /// Hourly high doses in a mouse: the PV phenotype falls between windows, so the kernels'
    /// GABA output changes at window starts with spikes pending between shards — stopped and
    /// resumed, the run equals the uninterrupted one.
    @Test func pvPhenotypeRunResumesBitForBit() async throws {
        let sc = try SlowClockTests.small(["pharmacology.species=mouse", "pharmacology.body_weight=25 g",
                                           "pharmacology.doses=[{drug: ketamine, route: intraperitoneal, dose: 30 mg/kg, at: 0 h, repeat: {every: 1 h, times: 6}}]"])
        let root = EngineFixtures.temporaryDirectory("pv-out")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: Self.options(root, "a", shards: 2))
        let csv = try String(contentsOfFile: r.directory + "/slow.csv", encoding: .utf8)
        let output = SlowClockTests.column(csv, "pv_output_pv")
        #expect((output.min() ?? 1) < 0.95, "the doses should cost the PV cells some output: \(output)")
        try await Self.expectResumeEqualsWhole(sc, stopAt: 450, shards: 2, mustContain: ["slow.csv", "metrics.csv"])
    }

    /// With inflammation (cytokine strips, microglia, engulfment queue) as well.
    @Test func inflammationRunResumesBitForBit() async throws {
        let sc = try InflammationRunTests.smallLPS(["slow_clock.duration=1 d", "slow_clock.windows=[{until: 1 d, every: 6 h}]",
                                                    "slow_clock.structural_every=6 h", "frames.width=320", "frames.height=180",
                                                    "frames.synapses=50", "frames.every=100 ms"])
        try await Self.expectResumeEqualsWhole(sc, stopAt: 150, shards: 2, mustContain: ["slow.csv", "frames/frame_000002.png"],
                                               garbage: ["slow.csv"])
    }

    static let sheetWithFrames = EngineFixtures.smallSheet
        .replacingOccurrences(of: "record: {spikes: true, raster_sample: 10}",
                              with: "record: {spikes: true, raster_sample: 10, connectome: [150 ms, 300 ms]}")
        + "\nframes: {every: 25 ms, width: 320, height: 180, theme: light, colour: rate, synapses: 100}\n"

    @Test(arguments: [1, 3])
    func smallSheetResumesBitForBit(shards: Int) async throws {
        let sc = try ScenarioLoader.load(text: Self.sheetWithFrames, file: "ckpt.yaml")
        // Boundaries every 25 ms (frames), records every 50 ms: the checkpoint at 125 ms falls
        // inside a record interval.
        try await Self.expectResumeEqualsWhole(sc, stopAt: 110, shards: shards,
                                               mustContain: ["spikes.bin", "metrics.csv", "summary.json", "summary.png", "neurons.csv",
                                                             "frames/frame_000012.png", "connectome_150ms.csv", "connectome_300ms.csv"],
                                               garbage: ["spikes.bin", "metrics.csv"])
    }

    /// Structural plasticity (site memory, weak-synapse pruning), STDP, homeostatic scaling,
    /// a drive switched off mid-run, frames and a connectome dump.
    static func plasticScenario() throws -> Scenario {
        let text = try String(contentsOfFile: EngineFixtures.scenarioPath("structural-homeostasis.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "- {from: E,  to: E,  ampa: 3.0 nS, connectivity: {rule: none}, structural: true, delay: {synaptic: 1 ms}}",
                                  with: "- {from: E,  to: E,  ampa: 3.0 nS, connectivity: {rule: none}, structural: true, delay: {synaptic: 1 ms}, plasticity: {rule: stdp, w_max: 2}}")
            .replacingOccurrences(of: "    formation: {sigma: 250 um}",
                                  with: "    formation: {sigma: 250 um}\n    site_memory: {bias: 4, tau: 1 s}\n    prune_weak: {below: 0.99, after: 100 ms}\n  homeostasis: {target_rate: {E: 5 Hz, Ez: 5 Hz, I: 10 Hz}, tau: 10 s}")
            .replacingOccurrences(of: "record: {spikes: false, raster_sample: 40}",
                                  with: "record: {spikes: true, raster_sample: 10, connectome: [700 ms]}\nframes: {every: 100 ms, width: 320, height: 180, colour: spines, synapses: 50}")
        let sets = ["populations.E.count=140", "populations.Ez.count=20", "populations.I.count=40", "time.duration=1 s",
                    "time.transient=200 ms", "time.record_interval=200 ms", "plasticity.structural.interval=50 ms", "drive.1.stop=500 ms"]
        let sc = try ScenarioLoader.load(text: text, file: "plastic-ckpt.yaml",
                                         overrides: try sets.enumerated().map { try Override.parse($0.element, index: $0.offset) })
        #expect(sc.plasticity.structural != nil && sc.plasticity.homeostasis != nil && sc.plasticity.rules.contains { $0 != nil })
        return sc
    }

    @Test(arguments: [1, 2])
    func plasticRunResumesBitForBit(shards: Int) async throws {
        let sc = try Self.plasticScenario()
        try await Self.expectResumeEqualsWhole(sc, stopAt: 520, shards: shards,
                                               mustContain: ["spikes.bin", "metrics.csv", "structure.csv", "summary.json",
                                                             "frames/frame_000010.png", "connectome_700ms.csv"],
                                               garbage: ["structure.csv"])
    }

    /// Periodic checkpoints do not change a run's output, and the last one is kept.
    @Test func periodicCheckpointsLeaveOutputsUnchanged() async throws {
        let sc = try ScenarioLoader.load(text: EngineFixtures.smallSheet + "\ncheckpoint: {every: 100 ms}\n", file: "p.yaml")
        let plain = try ScenarioLoader.load(text: EngineFixtures.smallSheet, file: "p.yaml")
        let root = EngineFixtures.temporaryDirectory("ckpt-periodic")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let a = try await RunSession.run(sc, options: Self.options(root, "a", shards: 1))
        let b = try await RunSession.run(plain, options: Self.options(root, "b", shards: 1))
        let ck = CheckpointFile.path(a.directory)
        let payload = try #require(try CheckpointFile.read(CheckpointPayload.self, runDir: a.directory, scenarioYAML: sc.resolvedYAML))
        #expect(payload.step == 2000, "last checkpoint at 200 ms")
        #expect(FileManager.default.fileExists(atPath: ck))
        #expect(!FileManager.default.fileExists(atPath: CheckpointFile.folder(b.directory)))
        let oa = Self.outputs(a.directory), ob = Self.outputs(b.directory)
        for f in ["spikes.bin", "metrics.csv", "summary.json"] { #expect(oa[f] != nil && oa[f] == ob[f], "\(f) differs") }
    }

    /// A stopped run, for the rejection tests.
    static func stoppedRun(_ root: String, _ sc: Scenario) async throws -> String {
        var o = options(root, "r", shards: 1)
        o.stop = StopRequest(atTime: 100)
        do { _ = try await RunSession.run(sc, options: o) } catch is RunStopped {}
        return root + "/" + sc.name + "/r"
    }

    static func resume(_ root: String, _ sc: Scenario, shards: Int = 1) async throws {
        var o = options(root, "r", shards: shards)
        o.resume = true
        _ = try await RunSession.run(sc, options: o)
    }

    @Test(arguments: [("payload byte", -10), ("magic", 2), ("version", 8), ("scenario hash", 40), ("checksum", 70)])
    func damagedCheckpointIsRefused(_ what: String, _ offset: Int) async throws {
        let sc = try ScenarioLoader.load(text: EngineFixtures.smallSheet, file: "d.yaml")
        let root = EngineFixtures.temporaryDirectory("ckpt-bad")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = try await Self.stoppedRun(root, sc)
        let path = CheckpointFile.path(dir)
        var bytes = try #require(FileManager.default.contents(atPath: path))
        let at = offset < 0 ? bytes.count + offset : offset
        bytes[at] ^= 0x5a
        try bytes.write(to: URL(fileURLWithPath: path))
        do {
            try await Self.resume(root, sc)
            Issue.record("a damaged checkpoint (\(what)) was used")
        } catch let e as CheckpointError {
            switch (what, e) {
            case ("scenario hash", .foreign(let m)): #expect(m.contains("another scenario"))
            case ("magic", .corrupt(let m)): #expect(m.contains("not a neuroplast checkpoint"))
            case ("version", .corrupt(let m)): #expect(m.contains("format"))
            case (_, .corrupt(let m)): #expect(m.contains("damaged") && m.contains("SHA-256"), "\(m)")
            default: Issue.record("\(what): unexpected \(e)")
            }
        }
        // A truncated file.
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        await #expect(throws: CheckpointError.self) { try await Self.resume(root, sc) }
    }

    @Test func foreignCheckpointIsRefused() async throws {
        let sc = try ScenarioLoader.load(text: EngineFixtures.smallSheet, file: "f.yaml")
        let other = try ScenarioLoader.load(text: EngineFixtures.smallSheet.replacingOccurrences(of: "seed: 11", with: "seed: 12"), file: "f.yaml")
        let root = EngineFixtures.temporaryDirectory("ckpt-foreign")
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try await Self.stoppedRun(root, sc)
        do {
            try await Self.resume(root, other)
            Issue.record("a checkpoint of another scenario was used")
        } catch let e as CheckpointError {
            guard case let .foreign(m) = e else { Issue.record("unexpected \(e)"); return }
            #expect(m.contains("another scenario") && m.contains("--run-id"))
        }
        // Another shard count is refused too.
        do {
            try await Self.resume(root, sc, shards: 2)
            Issue.record("a checkpoint of another shard count was used")
        } catch let e as CheckpointError {
            guard case let .shards(c, r) = e else { Issue.record("unexpected \(e)"); return }
            #expect(c == 1 && r == 2 && e.description.contains("--shards 1"))
        }
    }
}
