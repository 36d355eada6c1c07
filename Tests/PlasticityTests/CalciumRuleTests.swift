// The calcium rule against Graupner & Brunel 2012 (DP parameter set): the shape of the STDP
// curve, the role of the thresholds, and NMDA dependence.

import Testing
import Plasticity

@Suite struct CalciumRuleTests {
    let rule = CalciumRule.dp

    /// Fig. 2 of the paper (DP set, 60 pairs at 1 Hz, from ρ = 0.5): potentiation when the
    /// pre spike leads by a few to tens of ms, depression when the post spike leads, the sign
    /// change near Δt = 0, and no change for lags far beyond τ_Ca. Measured here (Δρ):
    /// −30 ms −0.063, −20 −0.064, −10 −0.032, 0 +0.001, +10 +0.053, +20 +0.041, +40 +0.020.
    @Test func stdpCurveShape() {
        let curve = stride(from: -60.0, through: 60.0, by: 5.0).map { ($0, rule.pairing(deltaT: $0) - 0.5) }
        let ltp = curve.filter { $0.0 > 0 }, ltd = curve.filter { $0.0 < 0 }
        #expect(ltp.allSatisfy { $0.1 > 0 }, "pre→post should potentiate: \(ltp)")
        #expect(ltd.allSatisfy { $0.1 < 0 }, "post→pre should depress: \(ltd)")
        let peakLTP = ltp.max { $0.1 < $1.1 }!, peakLTD = ltd.min { $0.1 < $1.1 }!
        #expect((5...20).contains(peakLTP.0) && peakLTP.1 > 0.04, "LTP peak \(peakLTP)")
        #expect((-35 ... -10).contains(peakLTD.0) && peakLTD.1 < -0.04, "LTD peak \(peakLTD)")
        #expect(abs(rule.pairing(deltaT: 0) - 0.5) < 0.01)
        #expect(abs(rule.pairing(deltaT: 150) - 0.5) < 0.005 && abs(rule.pairing(deltaT: -150) - 0.5) < 0.005)
    }

    /// Thresholds where the paper puts them: a presynaptic spike alone (c = C_pre = 1 ≤ θ_d)
    /// changes nothing; a postsynaptic spike alone (c = C_post = 2 > θ_p) crosses both.
    @Test func thresholds() {
        #expect(rule.thetaD == 1 && rule.thetaP == 1.3)
        var noBistable = rule
        noBistable.bistable = false
        let preOnly = noBistable.pairing(deltaT: 400)     // pre and post far apart: each alone
        #expect(abs(preOnly - 0.5) < 0.05)
        #expect(noBistable.advance(rho: 0.5, calcium: 0.99, dt: 100) == 0.5)
        #expect(noBistable.advance(rho: 0.5, calcium: 1.1, dt: 100) < 0.5)
        #expect(noBistable.advance(rho: 0.5, calcium: 1.5, dt: 100) > 0.5)
    }

    /// Scaling the NMDA-borne presynaptic calcium by 0.5 (half the NMDA conductance)
    /// measurably reduces LTP in the same protocol.
    @Test func halfNMDAReducesLTP() {
        for lag in [10.0, 20.0] {
            let control = rule.pairing(deltaT: lag) - 0.5
            let half = rule.pairing(deltaT: lag, kappa: 0.5) - 0.5
            // measured: +10 ms 0.053 → 0.036; +20 ms 0.041 → 0.026
            #expect(half < 0.8 * control, "lag \(lag): control Δρ \(control), half NMDA Δρ \(half)")
        }
    }
}

@Suite struct GrowthCurveTests {
    @Test func zerosAndSigns() {
        let g = GrowthCurve.gaussian(nu: 1e-4, eta: 0.0, epsilon: 0.05)
        #expect(abs(g.rate(calcium: 0)) < 1e-12)
        #expect(abs(g.rate(calcium: 0.05)) < 1e-12)
        #expect(g.rate(calcium: 0.025) > 0 && abs(g.rate(calcium: 0.025) - 1e-4) < 1e-12)
        #expect(g.rate(calcium: 0.08) < 0)
        let l = GrowthCurve.linear(nu: 1, epsilon: 2)
        #expect(l.rate(calcium: 2) == 0 && l.rate(calcium: 0) == 1)
        let s = GrowthCurve.sigmoid(nu: 1, epsilon: 2, psi: 0.1)
        #expect(s.rate(calcium: 2) == 0 && s.rate(calcium: 0) > 0.99 && s.rate(calcium: 4) < -0.99)
    }

    @Test func calciumSteadyState() {
        let c = CalciumTrace(tau: 10_000, beta: 0.001)
        #expect(abs(c.steadyState(rateHz: 5) - 0.05) < 1e-12)
    }
}
