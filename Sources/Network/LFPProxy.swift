// The LFP proxy of Mazzoni et al. (2015): a weighted sum of the absolute synaptic currents
// onto pyramidal cells near an electrode, AMPA delayed by 6 ms minus 1.65 × GABA. This file
// holds the model (equations, parameters, distance weight, fixed-point contributions) and
// `LFPProbe`, the per-shard pass over its contributing neurons after every kernel step.

import Foundation
import Kernel

/// The weighted-sum LFP proxy (Mazzoni et al. 2015, PLoS Comput Biol 11:e1004584, "Computing
/// the local field potential (LFP) from integrate-and-fire network models"; their "WS" proxy).
///
/// For electrode e at sample time t:
///
///     LFP_e(t) = Σ_i w_i(e) · ( |I_AMPA,i(t − τ)| − α · |I_GABA,i(t)| )          [pA]
///     I_AMPA,i = g_A,i · (V_i − E_AMPA),    I_GABA,i = g_G,i · (V_i − E_GABA)
///     w_i(e)   = k(d_ie) / Σ_j k(d_je),    k(d) = exp(−d² / 2σ²) for d ≤ R, 0 beyond,  σ = R/3
///
/// | parameter | value | unit | source |
/// |---|---|---|---|
/// | τ (AMPA delay) | 6 | ms | Mazzoni et al. 2015 (best WS proxy) |
/// | α (GABA factor) | 1.65 | – | Mazzoni et al. 2015 |
/// | R (`record.lfp.radius`) | 250 | µm | reach of the LFP, Lindén et al. 2011 Neuron 72:859 |
/// | σ | R/3 | µm | this model |
/// | sampling (`record.lfp.rate`) | 1000 | Hz | — |
///
/// - Currents: only AMPA and GABA_A, as in the paper — its proxy has no NMDA term (NMDA
///   currents are slow and were not part of the fitted combination). g_A is the AMPA
///   conductance of the kernel (recurrent and Poisson drive on AMPA), g_G the GABA_A one;
///   tonic conductances are constant, carry no fluctuation, and are left out.
/// - Cells: the populations of `record.lfp.population` (default: every excitatory one) —
///   the proxy stands for the dipoles of pyramidal cells; interneurons contribute none.
/// - State: V and the conductances at the end of each kernel step (after the update and the
///   decay of step t, i.e. at time (t + 1)·dt), one term per step; a sample is the mean of
///   its steps' terms, labelled with the end of its span.
/// - Delay: τ in whole samples, round(τ·rate) (exactly 6 ms at any whole-kHz rate); AMPA
///   before the run's start counts as 0.
/// - Distance weight: a Gaussian with σ = R/3 truncated at R — smooth (no cell switches from
///   full weight to none at the edge), one parameter (R is the reach: the truncation drops
///   1.1 % of an even density's weight), and distances periodic on a toroidal sheet. An
///   electrode with no cell within R reads 0.
/// - Units: the weights of each electrode sum to 1, so LFP_e is the weighted mean per cell
///   of the proxy's currents, in pA, independent of the cell density. (The paper uses a
///   population sum; a sum scales with the cells within reach, a mean does not.)
/// - Determinism: each term w·|I| of one neuron, electrode and step is rounded to a fixed-point
///   integer (units of 2⁻²⁰ pA, `scale`) before it is summed, so the sums are integer sums —
///   associative — and equal for any split of the neurons into shards and any order.
public enum LFPProxy {
    /// τ, the AMPA delay [ms].
    public static let ampaDelay = 6.0
    /// α, the factor of |I_GABA|.
    public static let gabaFactor = 1.65
    /// σ = R · `sigmaPerRadius`.
    public static let sigmaPerRadius = 1.0 / 3
    /// Fixed-point units per pA: 2²⁰ (resolution ≈ 10⁻⁶ pA per term; Int64 holds 8.8·10¹² pA).
    public static let scale = 1048576.0

    /// k(d): the unnormalised distance weight for reach `radius` [µm].
    @inline(__always)
    public static func kernel(distance d: Double, radius: Double) -> Double {
        guard d <= radius else { return 0 }
        let s = radius * sigmaPerRadius
        return exp(-d * d / (2 * s * s))
    }

    /// The delay τ in whole samples at `rate` [Hz].
    public static func delaySamples(rate: Double) -> Int { max(1, Int((ampaDelay * rate / 1000).rounded())) }

    /// One term in fixed point: ⌊x · scale + ½⌋ for x ≥ 0 (round half up, as one truncating
    /// conversion: the terms are absolute values, so truncation is the floor); a term beyond
    /// Int64's range (or not a number) saturates at 2⁶² units, so a broken state shows as a
    /// huge LFP instead of a trap.
    @inline(__always)
    static func fixed(_ x: Double) -> Int64 {
        let v = x * scale + 0.5
        return v < 4.6e18 ? Int64(v) : Int64(1) << 62
    }
}

/// Which cells each electrode hears with which weight: w_i(e) for every contributing global
/// neuron, as rows by global id of (electrode, weight). Built once from the blueprint, in
/// global order, so the weights do not depend on the partition.
struct LFPGeometry: Sendable {
    let electrodes: Int
    /// Row of global neuron g: `rowStart[g] ..< rowStart[g + 1]` in `electrode`/`weight`.
    let rowStart: [Int32]
    let electrode: [Int32]
    let weight: [Double]

    init(blueprint bp: Blueprint, config c: LFPConfig) {
        let sheet = bp.scenario.sheet
        let member = Set(c.populations)
        func distance(_ g: Int, _ e: (x: Double, y: Double)) -> Double {
            var dx = abs(bp.x[g] - e.x), dy = abs(bp.y[g] - e.y)
            if sheet.periodic { dx = min(dx, sheet.width - dx); dy = min(dy, sheet.height - dy) }
            return (dx * dx + dy * dy).squareRoot()
        }
        let n = bp.neuronCount, E = c.electrodes.count
        // Σ_j k(d_je) per electrode, in global order.
        var total = [Double](repeating: 0, count: E)
        for g in 0..<n where member.contains(Int(bp.populationOf[g])) {
            for (e, pos) in c.electrodes.enumerated() { total[e] += LFPProxy.kernel(distance: distance(g, pos), radius: c.radius) }
        }
        var starts: [Int32] = [0], es: [Int32] = [], ws: [Double] = []
        for g in 0..<n {
            if member.contains(Int(bp.populationOf[g])) {
                for (e, pos) in c.electrodes.enumerated() {
                    let k = LFPProxy.kernel(distance: distance(g, pos), radius: c.radius)
                    if k > 0, total[e] > 0 { es.append(Int32(e)); ws.append(k / total[e]) }
                }
            }
            starts.append(Int32(es.count))
        }
        electrodes = E; rowStart = starts; electrode = es; weight = ws
    }
}

/// A shard's part of the proxy: after every kernel step, the fixed-point terms of its
/// contributing neurons added into per-sample, per-electrode sums of |I_AMPA| and |I_GABA|.
/// The session's merger (`LFPSampler`) adds the shards' sums and applies the delay.
final class LFPProbe {
    let electrodes: Int
    let stepsPerSample: Int
    let EA: Double, EG: Double   // [mV]
    /// Contributing local neurons, and for each its row of (electrode, weight).
    let local: [Int]
    let rowStart: [Int]
    let electrode: [Int]
    let weight: [Double]
    /// Sums since the last `take`: sample `firstSample + k` at k·2E, AMPA for electrodes
    /// 0..<E then GABA.
    private(set) var firstSample = -1
    private(set) var sums: [Int64] = []

    init(geometry geo: LFPGeometry, globalIds: [Int32], stepsPerSample: Int, receptors: ReceptorConstants) {
        electrodes = geo.electrodes
        self.stepsPerSample = stepsPerSample
        EA = receptors.EA; EG = receptors.EG
        var local: [Int] = [], starts: [Int] = [0], es: [Int] = [], ws: [Double] = []
        for (i, g) in globalIds.enumerated() {
            let r = Int(geo.rowStart[Int(g)])..<Int(geo.rowStart[Int(g) + 1])
            if r.isEmpty { continue }
            local.append(i)
            for j in r { es.append(Int(geo.electrode[j])); ws.append(geo.weight[j]) }
            starts.append(es.count)
        }
        self.local = local; rowStart = starts; electrode = es; weight = ws
    }

    /// Adds the terms of step `t` from the kernel's state after that step.
    func record(step t: Int, kernel k: ShardKernel) {
        let sample = t / stepsPerSample
        let E = electrodes
        if firstSample < 0 { firstSample = sample }
        let base = (sample - firstSample) * 2 * E
        if sums.count < base + 2 * E { sums.append(contentsOf: repeatElement(0, count: base + 2 * E - sums.count)) }
        let v = k.v.shared, gA = k.gA.shared, gG = k.gG.shared
        let EA = self.EA, EG = self.EG
        sums.withUnsafeMutableBufferPointer { out in
            local.withUnsafeBufferPointer { local in
                rowStart.withUnsafeBufferPointer { rows in
                    electrode.withUnsafeBufferPointer { es in
                        weight.withUnsafeBufferPointer { ws in
                            // SAFETY: local[r] < k.n (built from this shard's ids); rows, es and ws
                            // are the probe's own CSR; base + e + E < out.count (grown above).
                            for r in 0..<local.count {
                                let i = local[r], vi = v[i]
                                let ia = abs(gA[i] * (vi - EA)), ig = abs(gG[i] * (vi - EG))
                                for j in rows[r]..<rows[r + 1] {
                                    let e = base + es[j], w = ws[j]
                                    out[e] &+= LFPProxy.fixed(w * ia)
                                    out[e + E] &+= LFPProxy.fixed(w * ig)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The sums since the last call (first sample index, per-sample blocks), then cleared.
    func take() -> LFPSums {
        defer { firstSample = -1; sums = [] }
        return LFPSums(firstSample: firstSample, electrodes: electrodes, values: sums)
    }
}

/// Per-sample, per-electrode fixed-point sums of |I_AMPA| and |I_GABA| over neurons.
struct LFPSums: Sendable {
    /// Index of the first sample (−1: empty).
    var firstSample: Int
    var electrodes: Int
    /// Block k (sample firstSample + k) at k·2E: AMPA of electrodes 0..<E, then GABA.
    var values: [Int64]
    var sampleCount: Int { electrodes == 0 ? 0 : values.count / (2 * electrodes) }

    /// Adds another shard's sums (integer addition: the order of shards does not matter).
    mutating func add(_ o: LFPSums) {
        guard o.firstSample >= 0 else { return }
        if firstSample < 0 { self = o; return }
        precondition(o.firstSample == firstSample && o.values.count == values.count, "shards sampled different steps")
        for k in values.indices { values[k] &+= o.values[k] }
    }
}
