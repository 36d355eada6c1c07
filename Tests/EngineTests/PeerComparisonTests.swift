// Validation against a peer simulator and against the calibration targets of the science
// brief (§5): the COBA benchmark network against Brian2, and the baseline PFC scenario's
// asynchronous-irregular state.

import Foundation
import InputReading
import Testing
import Network
import Run

@Suite struct PeerComparisonTests {
    /// COBA (Brette et al. 2007 benchmark 1, N = 4000, 2 s) against Brian2 2.9.0.
    ///
    /// Brian2 figures: mean ± sd over seeds 1–5, window 0.2–2 s, made on 2026-11-29 with
    ///
    ///     for s in 1 2 3 4 5; do
    ///       peers-venv/bin/python Benchmarks/peers/brian2_coba_stats.py --seed $s --T 2 --N 4000 --transient 0.2
    ///     done
    ///
    /// rate E 21.78 ± 0.83 Hz, rate I 21.46 ± 0.10 Hz, CV of ISI (E) 1.721 ± 0.037, CV (I) 1.725 ± 0.041
    /// (CV: mean over neurons with ≥ 3 spikes of std/mean ISI, ddof 0). Table in Benchmarks/README.md.
    @Test func cobaMatchesBrian2() async throws {
        let sc = try ScenarioLoader.load(path: EngineFixtures.scenarioPath("coba-benchmark.yaml"),
                                         overrides: [try Override.parse("time.duration=2 s", index: 0)])
        let root = EngineFixtures.temporaryDirectory("coba")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: RunOptions(threads: 2, outputRoot: root, runID: "c", progress: false, frames: false))
        let brian2 = ["E": (rate: 21.78, cv: 1.721), "I": (rate: 21.46, cv: 1.725)]
        for (pop, ref) in brian2 {
            let s = try #require(r.summary[pop])
            #expect(abs(s.rate - ref.rate) / ref.rate < 0.10, "\(pop) rate \(s.rate) Hz vs Brian2 \(ref.rate) Hz")
            let cv = try #require(s.cv)
            #expect(abs(cv - ref.cv) / ref.cv < 0.10, "\(pop) CV \(cv) vs Brian2 \(ref.cv)")
        }
    }

    /// Brief §5 target 2: the baseline PFC sheet is asynchronous-irregular — pyramidal
    /// 1–10 Hz, interneurons faster, CV of ISI 0.7–1.3, low synchrony.
    @Test func baselineIsAsynchronousIrregular() async throws {
        let sc = try ScenarioLoader.load(path: EngineFixtures.scenarioPath("baseline-pfc.yaml"))
        let root = EngineFixtures.temporaryDirectory("ai")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: RunOptions(threads: 2, outputRoot: root, runID: "b", progress: false, frames: false))
        let pyr = try #require(r.summary["pyr"]), pv = try #require(r.summary["pv"]), sst = try #require(r.summary["sst"])
        #expect((1...10).contains(pyr.rate), "pyramidal rate \(pyr.rate) Hz")
        #expect(pv.rate > pyr.rate && sst.rate > pyr.rate, "interneurons \(pv.rate), \(sst.rate) Hz vs pyramidal \(pyr.rate) Hz")
        let cv = try #require(pyr.cv)
        #expect((0.7...1.3).contains(cv), "pyramidal CV \(cv)")
        #expect((pyr.synchrony ?? 1) < 0.1, "pyramidal synchrony \(pyr.synchrony ?? .nan)")
    }
}
