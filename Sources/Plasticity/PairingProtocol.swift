// The spike-pair protocol of STDP experiments: one presynaptic and one postsynaptic neuron,
// n pairs at a fixed frequency with a fixed lag — for the calcium rule (integrated on a fine
// grid) and for pair and triplet STDP (through the same trace code as the kernel). Used by
// the tests and by `neuroplast` validation to draw the rules' STDP curves.

#if canImport(Glibc)
import Glibc
#endif

extension CalciumRule {
    /// Efficacy ρ after `pairs` pre–post pairs, post spike at Δt = t_post − t_pre [ms] after the
    /// pre spike, repeated at `frequency` [Hz], starting from `rho0`. `kappa` scales the
    /// presynaptically evoked (NMDA-borne) calcium: 1 = control, 0.5 = half the NMDA
    /// conductance. Integrated with step `dt` [ms] (calcium exact, ρ piecewise-exact).
    public func pairing(deltaT: Double, pairs: Int = 60, frequency: Double = 1, rho0: Double = 0.5,
                        kappa: Double = 1, dt: Double = 0.05) -> Double {
        let period = 1000 / frequency
        let start = 100.0 + max(0, -deltaT)
        var pre: [Double] = [], post: [Double] = []
        for k in 0..<pairs {
            pre.append(start + Double(k) * period)
            post.append(start + Double(k) * period + deltaT)
        }
        let end = start + Double(pairs) * period
        var rho = rho0
        var cPreTrace = 0.0, cPostTrace = 0.0
        var ip = 0, jp = 0
        let decay = exp(-dt / tauCa)
        var t = 0.0
        while t < end {
            // calcium jumps: presynaptic after the delay D, postsynaptic at once
            while ip < pre.count, pre[ip] + delay <= t { cPreTrace += cPre * kappa; ip += 1 }
            while jp < post.count, post[jp] <= t { cPostTrace += cPost; jp += 1 }
            rho = advance(rho: rho, calcium: cPreTrace + cPostTrace, dt: dt)
            cPreTrace *= decay; cPostTrace *= decay
            t += dt
        }
        return rho
    }
}

extension STDPTraces {
    /// Weight after spike trains of one pre (neuron 0) and one post neuron (1), steps of `dt`,
    /// through pair or triplet STDP exactly as `PlasticDelivery` applies it but with a Double
    /// weight, the facilitation still pending at the end applied. Brian2's order per step:
    /// facilitation, (delivery), depression, then the step's spikes enter the traces.
    public static func replay(_ rule: KernelWeightRule, pre: [Int], post: [Int], w0: Double, dt: Double) -> Double {
        let plan = STDPTraces.plan([rule], dt: dt)
        guard let r = plan.rules[0] else { return w0 }
        var tr = STDPTraces(neurons: 2, taus: plan.taus, kept: plan.kept, horizon: plan.horizon, dt: dt)
        let spikes = (pre.map { Spike(step: $0, source: 0) } + post.map { Spike(step: $0, source: 1) }).sorted()
        var w = w0
        var g = 0
        while g < spikes.count {
            let t = spikes[g].step
            var e = g
            while e < spikes.count, spikes[e].step == t { e += 1 }
            if spikes[g].source == 0 {
                w = tr.facilitate(r, w: w, pre: 0, post: 1, until: t)
                w = min(r.wMax, max(0, w + tr.depression(r, pre: 0, post: 1, at: t)))
            }
            for q in g..<e { tr.record(Int(spikes[q].source), step: t, log: spikes[q].source == 1) }
            g = e
        }
        return tr.facilitate(r, w: w, pre: 0, post: 1, until: Int.max)
    }
}

extension TripletSTDP {
    /// Weight after `pairs` pre–post pairs at `frequency` [Hz], the post spike Δt =
    /// t_post − t_pre [ms] after the pre spike, starting from `w0` (`STDPTraces.replay`).
    public func pairing(deltaT: Double, pairs: Int = 60, frequency: Double, w0: Double, dt: Double = 0.1) -> Double {
        let (pre, post) = pairingTrains(deltaT: deltaT, pairs: pairs, frequency: frequency, dt: dt)
        return STDPTraces.replay(.triplet(self), pre: pre, post: post, w0: w0, dt: dt)
    }
}

/// Spike steps of the pairing protocol: pre at 100 ms (+|Δt| when post leads) + k/frequency,
/// post Δt later.
public func pairingTrains(deltaT: Double, pairs: Int, frequency: Double, dt: Double) -> (pre: [Int], post: [Int]) {
    let period = 1000 / frequency
    let start = 100.0 + max(0, -deltaT)
    let pre = (0..<pairs).map { Int(((start + Double($0) * period) / dt).rounded()) }
    let post = (0..<pairs).map { Int(((start + Double($0) * period + deltaT) / dt).rounded()) }
    return (pre, post)
}
