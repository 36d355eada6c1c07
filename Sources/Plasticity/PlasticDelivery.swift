// Weight plasticity applied where spikes are delivered: after a batch of presynaptic spikes
// has been delivered into a shard's delay rings, each plastic synapse of each spiking
// source is updated from the spike histories of its two neurons — pair STDP (Song, Miller &
// Abbott 2000, Brian2's all-to-all traces) or the calcium rule (Graupner & Brunel 2012)
// with NMDA-borne presynaptic calcium. Event-driven: a synapse is touched only when its
// presynaptic neuron fires, as in NEST.
//
// Order within a batch, spike by spike in (step, source) order: first what happened up to
// the spike (STDP facilitation from post spikes since the previous pre spike; the calcium
// rule integrated to t), then delivery with that weight, then STDP depression — Brian2's
// order. Results do not depend on the shard count. Post spikes at the same step as a pre
// spike count as after it (Brian2 runs on_pre before on_post).

import Kernel
#if canImport(Glibc)
import Glibc
#endif

/// A weight rule as the kernel applies it, with weights as factors on the projection's
/// conductances.
public enum KernelWeightRule: Sendable {
    case stdp(PairSTDP)
    /// The calcium rule, with w = wMin + ρ(wMax − wMin), κ = (g_NMDA·(1 − block)/g_ref)·B(V_post)/B(V_ref).
    case calcium(CalciumRule, wMin: Double, wMax: Double, gRef: Double, vRef: Double)
}

public final class PlasticDelivery {
    let dt: Double
    let populations: Int
    /// Rule per (source population, target population), index s·P + t.
    let rules: [KernelWeightRule?]
    let plasticSource: [Bool]
    var history: SpikeHistory
    /// Per presynaptic neuron: step of its previous spike (−1 none).
    var lastPre: [Int]

    public init(neurons: Int, populations: Int, rules: [KernelWeightRule?], dt: Double) {
        self.dt = dt; self.populations = populations; self.rules = rules
        plasticSource = (0..<populations).map { s in (0..<populations).contains { rules[s * populations + $0] != nil } }
        history = SpikeHistory(neurons: neurons, depth: 64)
        lastPre = [Int](repeating: -1, count: neurons)
    }

    /// Delivers `spikes` (sorted) into the kernel's rings, then updates plastic weights.
    public func deliver(_ spikes: [Spike], kernel k: ShardKernel, threads: Int = 1) {
        history.add(spikes)
        let table = k.synapses
        let P = populations
        let layout = k.layout   // one copy for the batch (a property read per synapse retains every array)
        // Before delivery: everything that happened up to each spike's time — STDP
        // facilitation for post spikes since the previous pre spike, the calcium rule
        // integrated up to t — so the spike is delivered with the weight it has at t.
        for s in spikes {
            let i = Int(s.source), t = s.step
            let sp = Int(layout.sourcePopulation[i])
            let last = lastPre[i]
            lastPre[i] = t
            guard plasticSource[sp] else { continue }
            for j in table.row(i) {
                let local = Int(table.target[j])
                let tp = Int(layout.population[local])
                guard let rule = rules[sp * P + tp] else { continue }
                let post = Int(layout.globalIds[local])
                let w = Double(table.weight[j])
                switch rule {
                case let .stdp(r):
                    table.weight[j] = Float(facilitate(r, w: w, pre: i, post: post, t: t, last: last))
                case let .calcium(r, lo, hi, gRef, vRef):
                    let gN = Double(layout.mixNMDA[sp * P + tp]) * layout.cells[tp].nmdaUnblocked
                    let kappa = min(10, gN / gRef * mgBlock(v: k.v[local], mg: k.receptors.mg, half: k.receptors.mgHalf, slope: k.receptors.mgSlope)
                                    / mgBlock(v: vRef, mg: k.receptors.mg, half: k.receptors.mgHalf, slope: k.receptors.mgSlope))
                    table.weight[j] = Float(calcium(r, w: w, lo: lo, hi: hi, kappa: kappa, pre: i, post: post, t: t, last: last))
                }
            }
        }
        k.deliver(spikes, threads: threads)
        // After delivery: STDP depression by the postsynaptic trace (Brian2's on_pre does
        // `g += w` before `w += apost`).
        for s in spikes {
            let i = Int(s.source), t = s.step
            let sp = Int(layout.sourcePopulation[i])
            guard plasticSource[sp] else { continue }
            for j in table.row(i) {
                let local = Int(table.target[j])
                guard case let .stdp(r)? = rules[sp * P + Int(layout.population[local])] else { continue }
                table.weight[j] = Float(depress(r, w: Double(table.weight[j]), post: Int(layout.globalIds[local]), t: t))
            }
        }
    }

    /// Pair STDP, facilitation: for each post spike in [last, t), in time order, w += the
    /// presynaptic trace at that moment (pre spikes at or before it), clipped each time.
    /// Traces are sums over the histories (all-to-all pairing; spikes older than 10 τ are
    /// ignored).
    @inline(__always)
    func facilitate(_ r: PairSTDP, w w0: Double, pre i: Int, post j: Int, t: Int, last: Int) -> Double {
        guard last >= 0 else { return w0 }
        var w = w0
        let preWindow = Int(10 * r.tauPlus / dt)
        for k in 0..<history.depth {
            let tp = history.entry(j, k)
            guard tp >= last, tp < t else { continue }
            var apre = 0.0
            for q in 0..<history.depth {
                let s = history.entry(i, q)
                if s >= 0, s <= tp, s > tp - preWindow { apre += r.aPlus * exp(-Double(tp - s) * dt / r.tauPlus) }
            }
            w = min(r.wMax, max(0, w + apre))
        }
        return w
    }

    /// Pair STDP, depression at a pre spike at t: w += the postsynaptic trace from post spikes
    /// in [t − 10τ₋, t), clipped.
    @inline(__always)
    func depress(_ r: PairSTDP, w: Double, post j: Int, t: Int) -> Double {
        var apost = 0.0
        let window = Int(10 * r.tauMinus / dt)
        for k in 0..<history.depth {
            let tp = history.entry(j, k)
            if tp >= 0, tp < t, tp >= t - window { apost += r.aMinus * exp(-Double(t - tp) * dt / r.tauMinus) }
        }
        return min(r.wMax, max(0, w + apost))
    }

    /// The calcium rule over [last, t): calcium from presynaptic spikes (onset D after each,
    /// scaled by κ) and postsynaptic spikes, exponential between events; ρ integrated exactly
    /// over the time spent above θ_p and θ_d in each piece.
    func calcium(_ r: CalciumRule, w: Double, lo: Double, hi: Double, kappa: Double, pre i: Int, post j: Int,
                 t: Int, last: Int) -> Double {
        var rho = min(1, max(0, (w - lo) / (hi - lo)))
        guard last >= 0 else { return w }
        let t0 = Double(last) * dt, t1 = Double(t) * dt
        let window = 6 * r.tauCa + r.delay
        // Calcium events (time, jump) that matter for [t0, t1).
        var events: [(Double, Double)] = []
        for s in history.spikes(of: i, from: Int((t0 - window) / dt), to: t) {
            events.append((Double(s) * dt + r.delay, r.cPre * kappa))
        }
        for s in history.spikes(of: j, from: Int((t0 - window) / dt), to: t) {
            events.append((Double(s) * dt, r.cPost))
        }
        events.sort { $0.0 < $1.0 }
        // Calcium at t0 from earlier events, then piece by piece.
        var c = 0.0
        for e in events where e.0 <= t0 { c += e.1 * exp(-(t0 - e.0) / r.tauCa) }
        var now = t0
        for e in events where e.0 > t0 && e.0 < t1 {
            rho = r.integrate(rho: rho, calcium: c, over: e.0 - now)
            c = c * exp(-(e.0 - now) / r.tauCa) + e.1
            now = e.0
        }
        rho = r.integrate(rho: rho, calcium: c, over: t1 - now)
        return lo + rho * (hi - lo)
    }
}

extension CalciumRule {
    /// ρ after `span` ms during which calcium decays from `c` with τ_Ca: exact time above θ_p
    /// (both terms), then above θ_d only, then neither; the cubic term by one Euler step.
    public func integrate(rho r0: Double, calcium c: Double, over span: Double) -> Double {
        guard span > 0 else { return r0 }
        var r = r0
        let tp = c > thetaP ? min(span, tauCa * log(c / thetaP)) : 0
        let td = c > thetaD ? min(span, tauCa * log(c / thetaD)) : 0
        if tp > 0 {
            let g = gammaP + gammaD, eq = gammaP / g
            r = eq + (r - eq) * exp(-g * tp / tau)
        }
        if td > tp { r *= exp(-gammaD * (td - tp) / tau) }
        if bistable { r -= r * (1 - r) * (rhoStar - r) * span / tau }
        return min(1, max(0, r))
    }
}
