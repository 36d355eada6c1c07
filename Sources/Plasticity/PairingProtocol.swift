// The spike-pair protocol of STDP experiments applied to the calcium rule: one presynaptic
// and one postsynaptic neuron, n pairs at a fixed frequency with a fixed lag. Used by the
// tests and by `neuroplast` validation to draw the rule's STDP curve.

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
