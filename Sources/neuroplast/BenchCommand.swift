// `neuroplast bench coba|fixed|stdp|…`: time the engine on the benchmark networks that the peer
// scripts in ../shared/peers run in Brian2 and NEST (same neurons, synapses and drive).

import ArgumentParser
import Foundation
import InputReading
import Network
import Rendering
import Run
#if canImport(Glibc)
import Glibc
#endif

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Benchmark the engine on a standard network.")

    enum Case: String, ExpressibleByArgument, CaseIterable { case coba, fixed, stdp, structural, frames, wm }
    enum Rule: String, ExpressibleByArgument, CaseIterable { case stdp, triplet }

    @Argument(help: "Benchmark case: coba (Brette 2007 COBA, p = 0.02), fixed (in-degree 80 E + 20 I), stdp (COBA with pair STDP on E→E), structural (NEST's MSP example: 1000 E + 250 I growing from no synapses, updates every 100 ms), frames (render + encode a 1920×1080 frame of 10 000 neurons and 20 000 synapse lines), or wm (Scenarios/working-memory-ring.yaml, Compte 2000: 2048 + 512 cells, all-to-all, NMDA saturation, cue–delay trials; beside Benchmarks/peers/brian2_ring_wm.py).") var benchCase: Case
    @Option(help: "Neurons (80% excitatory).") var neurons: Int?
    @Option(help: "Biological time [s].") var duration: Double = 1
    @Option(help: "Kernel threads.") var threads: Int = 1
    @Option(help: "Shard actors.") var shards: Int = 1
    @Option(help: "Seed.") var seed: UInt64 = 1234
    @Option(help: "Weight rule on E→E in the stdp case: stdp (pair, Brian2's) or triplet (Pfister & Gerstner 2006, minimal visual-cortex set).") var rule: Rule = .stdp
    @Option(help: "Repeat the run phase this many times and report the median.") var repeats: Int = 1
    @Option(help: "Cue–delay trials of 4 s in the wm case (network time 0.5 s + 4 s per trial).") var trials: Int = 20
    @Option(help: "Scenario file of the wm case.") var scenario = "Scenarios/working-memory-ring.yaml"
    @Flag(help: "Print one JSON line.") var json = false

    func validate() throws {
        if let n = neurons, n < 10 || n > 10_000_000 { throw ValidationError("--neurons must be between 10 and 10⁷") }
        if duration <= 0 || duration > 3600 { throw ValidationError("--duration must be in (0, 3600] s") }
        if !(1...256).contains(threads) { throw ValidationError("--threads must be between 1 and 256") }
        if !(1...64).contains(shards) { throw ValidationError("--shards must be between 1 and 64") }
        if !(1...1000).contains(repeats) { throw ValidationError("--repeats must be between 1 and 1000; got \(repeats)") }
        if rule != .stdp && benchCase != .stdp { throw ValidationError("--rule applies to the stdp case only") }
        if !(1...1000).contains(trials) { throw ValidationError("--trials must be between 1 and 1000") }
        if benchCase == .wm, neurons != nil { throw ValidationError("--neurons does not apply to the wm case (its size is the scenario's)") }
    }

    /// The wm case: the working-memory scenario, shortened to `trials`, run to a temporary
    /// folder without frames; run time and the bump's means.
    func benchWM() async throws {
        // The scenario's seed (2000) unless --seed is given.
        let sets = ["time.duration=\(0.5 + 4 * Double(trials)) s", "stimuli.0.count=\(trials)", "stimuli.1.count=\(trials)"]
            + (seed == 1234 ? [] : ["seed=\(seed)"])
        let sc: Scenario
        do {
            sc = try ScenarioLoader.load(path: scenario, overrides: sets.enumerated().map { try Override.parse($0.element, index: $0.offset) })
        } catch { throw Report.exitCode(for: error) }
        var runs: [Double] = []
        var last: RunResult?
        for _ in 0..<repeats {
            let dir = NSTemporaryDirectory() + "neuroplast-bench-wm-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let o = RunOptions(threads: threads, shards: shards, outputRoot: dir, runID: "b", progress: false, frames: false)
            let r = try await RunSession.run(sc, options: o)
            runs.append(r.runSeconds)
            last = r
        }
        guard let r = last else { return }
        let median = runs.sorted()[runs.count / 2]
        var usage = rusage(); getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        var result: [String: Any] = ["sim": "neuroplast", "case": "wm", "N": r.neurons, "T": sc.time.duration / 1000, "trials": trials,
                                     "threads": threads, "shards": shards, "build_s": round4(r.buildSeconds), "run_s": round4(median),
                                     "run_s_all": runs.map(round4), "spikes": r.spikes, "synapses": r.synapses,
                                     "peak_rss_MiB": round4(Double(usage.ru_maxrss) / 1024)]
        for (k, v) in r.bump?.json ?? [:] { result["bump_" + k] = v }
        if json {
            let d = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            print("RESULT " + String(decoding: d, as: UTF8.self))
        } else {
            print(String(format: "wm %d trials (%.1f s of network time) threads=%d shards=%d: run %.3f s (median of %d), %d spikes; held %@ of %@ trials",
                         trials, sc.time.duration / 1000, threads, shards, median, repeats, r.spikes,
                         "\(r.bump.map { $0.held } ?? 0)", "\(r.bump.map { $0.trials } ?? 0)"))
        }
    }

    func run() async throws {
        if benchCase == .frames { return try benchFrames() }
        if benchCase == .wm { return try await benchWM() }
        let n = neurons ?? (benchCase == .fixed ? 64000 : benchCase == .structural ? 1250 : 4000)
        let yaml = benchCase == .structural
            ? BenchNetworks.structural(excitatory: n * 4 / 5, inhibitory: n - n * 4 / 5,
                                       duration: duration, seed: seed)
            : BenchNetworks.yaml(case: benchCase.rawValue, neurons: n, duration: duration, seed: seed, rule: rule.rawValue)
        let sc: Scenario
        do { sc = try ScenarioLoader.load(text: yaml, file: "<bench \(benchCase.rawValue)>") } catch { throw Report.exitCode(for: error) }
        var runs: [Double] = []
        var spikes = 0, synapses = 0, bytes = 0, build = 0.0, wMean = 0.0
        for _ in 0..<repeats {
            let t0 = Date()
            let sim = try await Simulation(blueprint: Blueprint(scenario: sc), options: RunOptions(threads: threads, shards: shards, progress: false, frames: false))
            build = Date().timeIntervalSince(t0)
            let t1 = Date()
            var s: [Spike] = []
            if sc.plasticity.structural != nil {
                // The structural case goes through the runner (rewiring every interval) into a
                // temporary folder; its synapse count is the live count at the end.
                let dir = NSTemporaryDirectory() + "neuroplast-bench-\(getpid())"
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let r = try await RunSession.run(sc, options: RunOptions(threads: threads, shards: shards, outputRoot: dir, runID: "b", progress: false, frames: false))
                runs.append(r.runSeconds)
                spikes = r.spikes; synapses = r.liveSynapses; bytes = 0
                continue
            }
            s = try await sim.advance(steps: sc.time.steps)
            runs.append(Date().timeIntervalSince(t1))
            spikes = s.count; synapses = await sim.synapseCount; bytes = await sim.synapseBytes
            if benchCase == .stdp {   // mean E→E weight factor at the end (Brian2's stdp_w_mean_nS / 6 nS)
                let w = try await sim.synapses(between: [[0, 0]])
                wMean = w.reduce(0.0) { $0 + Double($1.weight) } / Double(max(1, w.count))
            }
        }
        let median = runs.sorted()[runs.count / 2]
        var usage = rusage(); getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let events = Double(spikes) * Double(synapses) / Double(n)
        var result: [String: Any] = [
            "sim": "neuroplast", "case": benchCase.rawValue, "N": n, "T": duration, "threads": threads, "shards": shards,
            "seed": seed, "build_s": round4(build), "run_s": round4(median), "run_s_all": runs.map(round4),
            "spikes": spikes, "rate_Hz": round4(Double(spikes) / Double(n) / duration), "synapses": synapses,
            "syn_events": Int(events), "syn_events_per_s": round4(events / median),
            "bytes_per_synapse": round4(Double(bytes) / Double(max(1, synapses))),
            "peak_rss_MiB": round4(Double(usage.ru_maxrss) / 1024),
        ]
        if benchCase == .stdp { result["rule"] = rule.rawValue; result["stdp_w_mean"] = (wMean * 1e6).rounded() / 1e6 }
        if json {
            let d = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            print("RESULT " + String(decoding: d, as: UTF8.self))
        } else {
            print(String(format: "%@ N=%d T=%.3g s threads=%d shards=%d: run %.4f s (median of %d), %d spikes (%.2f Hz), %.3g synaptic events/s, %.2f B/synapse, peak RSS %.0f MiB",
                         benchCase.rawValue, n, duration, threads, shards, median, repeats, spikes, Double(spikes) / Double(n) / duration,
                         events / median, Double(bytes) / Double(max(1, synapses)), Double(usage.ru_maxrss) / 1024)
                  + (benchCase == .stdp ? String(format: "; %@ mean E→E weight %.6f", rule.rawValue, wMean) : ""))
        }
    }

    func round4(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }

    /// Median render and encode time of one frame, frames rendered one after another on
    /// one core, then the throughput with `threads` frames in flight.
    func benchFrames() throws {
        let n = neurons ?? 10_000
        let reps = max(repeats, 5)
        let (render, encode) = benchmarkFrames(neurons: n, synapses: 2 * n, width: 1920, height: 1080, repeats: reps)
        var parallelFPS: Double?
        if threads > 1 {
            let snap = SyntheticSnapshot.make(neurons: n, synapses: 2 * n)
            let renderer = FrameRenderer(options: FrameOptions(width: 1920, height: 1080))
            let dir = NSTemporaryDirectory() + "neuroplast-bench-frames-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let frames = threads * reps
            let t0 = Date()
            DispatchQueue.concurrentPerform(iterations: threads) { w in
                for k in stride(from: w, to: frames, by: threads) {
                    try? renderer.writePNG(snap, to: dir + "/f\(k).png")
                }
            }
            parallelFPS = Double(frames) / Date().timeIntervalSince(t0)
        }
        let result: [String: Any] = ["sim": "neuroplast", "case": "frames", "neurons": n, "synapse_lines": 2 * n,
                                     "width": 1920, "height": 1080, "render_median_s": round4(render),
                                     "encode_median_s": round4(encode), "frame_s": round4(render + encode),
                                     "fps_one_core": round4(1 / (render + encode)), "threads": threads,
                                     "fps_parallel": parallelFPS.map(round4) as Any? ?? NSNull()]
        if json {
            let d = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            print("RESULT " + String(decoding: d, as: UTF8.self))
        } else {
            print(String(format: "frames 1920×1080, %d neurons, %d synapse lines: render %.1f ms + encode %.1f ms = %.1f ms per frame (median of %d)%@",
                         n, 2 * n, render * 1000, encode * 1000, (render + encode) * 1000, reps,
                         parallelFPS.map { String(format: "; %d frames in flight: %.1f frames/s", threads, $0) } ?? ""))
        }
    }
}

/// The benchmark networks as scenario text: the COBA network of Brette et al. 2007
/// (benchmark 1, after Vogels & Abbott 2005) exactly as ../shared/peers/brian2_bench.py
/// builds it: C 200 pF, gL 10 nS, EL −60, Vt −50, Vr −60 mV, 5 ms refractory, constant
/// drive gL·20 mV = 200 pA, τe 5 ms, τi 10 ms, Ee 0, Ei −80 mV, we 6 nS, wi 67 nS, one-step
/// delay (Brian2's same-step delivery takes effect at the next step, as ours does).
enum BenchNetworks {
    /// NEST's structural-plasticity example as ../shared/peers/nest_structural.py runs it
    /// (τ_Ca 1 s, β 0.001, Gaussian curves with η = 0, ε 0.005 (E) / 0.010 (I), ν 1 element/s,
    /// updates every 100 ms), with conductance synapses in place of NEST's current ones.
    static func structural(excitatory ne: Int, inhibitory ni: Int, duration: Double, seed: UInt64) -> String {
        let curves = { (eps: String) in
            ["axonal", "dendritic_exc", "dendritic_inh"].map { "\($0): {curve: gaussian, nu: 1 Hz, eta: 0, epsilon: \(eps)}" }.joined(separator: ", ")
        }
        return """
        schema: 1
        name: bench-structural
        seed: \(seed)
        time: {dt: 0.1 ms, duration: \(duration * 1000) ms, record_interval: 1 s}
        sheet: {width: 1000 um, height: 1000 um}
        receptors: {ampa: {tau: 2 ms}, gaba_a: {tau: 5 ms, E: -80 mV}}
        populations:
          - {name: E, class: pyramidal, count: \(ne), params: {C: 250 pF, gL: 16.7 nS, EL: -70 mV, Vth: -55 mV, Vreset: -70 mV, refractory: 2 ms}}
          - {name: I, class: pv, count: \(ni), params: {C: 250 pF, gL: 16.7 nS, EL: -70 mV, Vth: -55 mV, Vreset: -70 mV, refractory: 2 ms}}
        projections:
          - {from: E, to: E, ampa: 3 nS, connectivity: {rule: none}, structural: true, delay: {synaptic: 1 ms}}
          - {from: E, to: I, ampa: 3 nS, connectivity: {rule: none}, structural: true, delay: {synaptic: 1 ms}}
          - {from: I, to: E, gaba_a: 1.5 nS, connectivity: {rule: none}, structural: true, delay: {synaptic: 1 ms}}
          - {from: I, to: I, gaba_a: 1.5 nS, connectivity: {rule: none}, structural: true, delay: {synaptic: 1 ms}}
        drive:
          - {population: E, poisson: {rate: 2 kHz, weight: 0.88 nS}}
          - {population: I, poisson: {rate: 2 kHz, weight: 0.95 nS}}
        record: {spikes: false, raster_sample: 0}
        plasticity:
          structural:
            interval: 100 ms
            calcium: {tau: 1 s, beta: 0.001}
            elements:
              - {population: E, \(curves("0.005"))}
              - {population: I, \(curves("0.010"))}
        """
    }

    static func yaml(case c: String, neurons n: Int, duration: Double, seed: UInt64, rule: String = "stdp") -> String {
        let ne = Int((0.8 * Double(n)).rounded()), ni = n - ne
        let conn = { (k: Int) in c == "fixed" ? "{rule: fixed_indegree, k: \(k)}" : "{rule: random, p: 0.02}" }
        // stdp: Brian2's case — pair STDP on E→E, τ± 20 ms, A+ 0.01·w_max, A− −0.0105·w_max, w_max 2·we
        // (weights here are factors on we = 6 nS, so w_max = 2, A+ = 0.02, A− = −0.021).
        // --rule triplet: the triplet rule's defaults (Pfister & Gerstner 2006, minimal visual-cortex set), w_max 2.
        let plastic = c != "stdp" ? "" : rule == "triplet" ? ", plasticity: {rule: triplet, w_max: 2}"
            : ", plasticity: {rule: stdp, tau_plus: 20 ms, tau_minus: 20 ms, w_max: 2}"
        return """
        schema: 1
        name: bench-\(c)
        seed: \(seed)
        time: {dt: 0.1 ms, duration: \(duration * 1000) ms, record_interval: \(duration * 1000) ms}
        sheet: {width: 1000 um, height: 1000 um}
        receptors:
          ampa: {tau: 5 ms, E: 0 mV}
          gaba_a: {tau: 10 ms, E: -80 mV}
        populations:
          - {name: E, class: pyramidal, count: \(ne), params: {C: 200 pF, gL: 10 nS, EL: -60 mV, Vth: -50 mV, Vreset: -60 mV, refractory: 5 ms, I_ext: 200 pA}}
          - {name: I, class: pv, count: \(ni), params: {C: 200 pF, gL: 10 nS, EL: -60 mV, Vth: -50 mV, Vreset: -60 mV, refractory: 5 ms, I_ext: 200 pA}}
        projections:
          - {from: E, to: E, ampa: 6 nS, connectivity: \(conn(80)), autapses: true, delay: {synaptic: 0.1 ms}\(plastic)}
          - {from: E, to: I, ampa: 6 nS, connectivity: \(conn(80)), autapses: true, delay: {synaptic: 0.1 ms}}
          - {from: I, to: E, gaba_a: 67 nS, connectivity: \(conn(20)), autapses: true, delay: {synaptic: 0.1 ms}}
          - {from: I, to: I, gaba_a: 67 nS, connectivity: \(conn(20)), autapses: true, delay: {synaptic: 0.1 ms}}
        record: {spikes: false}
        """
    }
}
