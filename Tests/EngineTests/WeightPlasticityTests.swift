// Weight plasticity in the running engine: synaptic scaling moves excitatory weights toward
// what the target rate needs, and STDP plus structural plasticity stay deterministic across
// shard and thread counts (the connectome dump is compared byte for byte).

import Foundation
import InputReading
import Testing
import Network
import Run

@Suite struct WeightPlasticityTests {
    let network = """
    schema: 1
    name: homeostasis-test
    seed: 5
    time: {dt: 0.1 ms, duration: 3 s, record_interval: 500 ms}
    sheet: {width: 500 um, height: 500 um}
    populations:
      - {name: E, class: pyramidal, count: 200}
      - {name: I, class: pv, count: 50}
    projections:
      - {from: E, to: E, ampa: 0.5 nS, connectivity: {rule: random, p: 0.1}}
      - {from: I, to: E, gaba_a: 2 nS, connectivity: {rule: random, p: 0.2}}
    drive:
      - {population: E, poisson: {rate: 400 Hz, weight: 10 nS}}
      - {population: I, poisson: {rate: 400 Hz, weight: 8 nS}}
    record: {connectome: [3 s]}
    plasticity:
      homeostasis: {target_rate: {E: 8 Hz}, tau: 2 s}
    """

    func meanEEWeight(_ dir: String) throws -> Double {
        let rows = try String(contentsOfFile: dir + "/connectome_3000ms.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let w = rows.compactMap { line -> Double? in
            let f = line.split(separator: ",")
            return Int(f[0])! < 200 && Int(f[1])! < 200 ? Double(f[2]) : nil
        }
        return w.reduce(0, +) / Double(w.count)
    }

    /// E fires ~2 Hz: a target of 8 Hz scales its excitatory inputs up, 0.5 Hz scales them down.
    @Test func scalingFollowsTheTargetRate() async throws {
        let root = EngineFixtures.temporaryDirectory("homeo")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let up = try await RunSession.run(try ScenarioLoader.load(text: network, file: "h.yaml"),
                                      options: RunOptions(threads: 2, outputRoot: root, runID: "up", progress: false))
        let down = try await RunSession.run(try ScenarioLoader.load(text: network, file: "h.yaml",
                                                                 overrides: [try Override.parse("plasticity.homeostasis.target_rate.E=0.5 Hz", index: 0)]),
                                        options: RunOptions(threads: 2, outputRoot: root, runID: "down", progress: false))
        let wUp = try meanEEWeight(up.directory), wDown = try meanEEWeight(down.directory)
        #expect(wUp > 1.2, "mean E→E weight factor with target 8 Hz: \(wUp)")
        #expect(wDown < 0.9, "mean E→E weight factor with target 0.5 Hz: \(wDown)")
    }

    /// Pair or triplet STDP and the calcium rule on excitatory projections: the spikes,
    /// metrics and final connectome are identical for 1 shard × 1 thread and 3 × 2 (epochs of
    /// 5 steps: batches of several steps).
    @Test(arguments: ["{rule: stdp, w_max: 2}", "{rule: triplet, w_max: 2}"])
    func plasticityDeterministicAcrossShardsAndThreads(stdp: String) async throws {
        let text = EngineFixtures.smallSheet
            .replacingOccurrences(of: "connectivity: {rule: gaussian, p_max: 0.3, sigma: 120 um}, delay: {synaptic: 0.5 ms, velocity: 0.2 m/s}}",
                                  with: "connectivity: {rule: gaussian, p_max: 0.3, sigma: 120 um}, delay: {synaptic: 0.5 ms, velocity: 0.2 m/s}, plasticity: \(stdp)}")
            .replacingOccurrences(of: "connectivity: {rule: random, p: 0.2}, delay: {synaptic: 0.6 ms}}",
                                  with: "connectivity: {rule: random, p: 0.2}, delay: {synaptic: 0.6 ms}, plasticity: {rule: calcium, w_max: 2}}")
            + "\n  connectome: [300 ms]\n"
        let sc = try ScenarioLoader.load(text: text.replacingOccurrences(of: "record: {spikes: true, raster_sample: 10}\n  connectome: [300 ms]",
                                                                          with: "record: {spikes: true, raster_sample: 10, connectome: [300 ms]}"),
                                         file: "plastic.yaml")
        #expect(sc.plasticity.rules.compactMap { $0 }.count == 2)
        if stdp.contains("triplet") {
            // Pfister & Gerstner 2006, minimal all-to-all visual-cortex set.
            #expect(sc.plasticity.rules[0] == .triplet(tauPlus: 16.8, tauMinus: 33.7, tauX: 101, tauY: 114, a2Plus: 0, a3Plus: 6.5e-3,
                                                       a2Minus: 7.1e-3, a3Minus: 0, wMax: 2))
        }
        let root = EngineFixtures.temporaryDirectory("plastic")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let tag = stdp.contains("triplet") ? "t" : "p"
        let a = try await RunSession.run(sc, options: RunOptions(threads: 1, shards: 1, outputRoot: root, runID: "a" + tag, progress: false))
        let b = try await RunSession.run(sc, options: RunOptions(threads: 2, shards: 3, outputRoot: root, runID: "b" + tag, progress: false))
        for f in ["spikes.bin", "metrics.csv", "connectome_300ms.csv"] {
            let da = FileManager.default.contents(atPath: a.directory + "/" + f)
            #expect(da != nil && da == FileManager.default.contents(atPath: b.directory + "/" + f), "\(f) differs")
        }
        // The weights did change.
        let w = try String(contentsOfFile: a.directory + "/connectome_300ms.csv", encoding: .utf8)
        #expect(w.split(separator: "\n").dropFirst().contains { !$0.hasSuffix(",1.0") })
    }
}
