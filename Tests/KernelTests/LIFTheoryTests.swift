// The conductance LIF against closed-form results: firing rate under a constant
// conductance, and the subthreshold relaxation.

import Foundation
import Testing
@testable import Kernel

@Suite struct LIFTheoryTests {
    /// Rate of a LIF neuron with constant excitatory conductance g:
    /// V∞ = (gL·EL + g·E)/(gL + g), τ = C/(gL + g), T = τ·ln((V∞ − Vr)/(V∞ − Vth)),
    /// rate = 1/(T + t_ref).
    @Test(arguments: [(5.0, 0.1), (8.0, 0.1), (5.0, 0.01)])
    func firingRateUnderConstantConductance(g: Double, dt: Double) {
        let C = 200.0, gL = 10.0, EL = -70.0, Vth = -50.0, Vr = -60.0, tRef = 2.0
        let vInf = (gL * EL + g * 0) / (gL + g)
        let tau = C / (gL + g)
        let T = tau * log((vInf - Vr) / (vInf - Vth))
        let analytic = 1000 / (T + tRef)   // Hz
        let k = KernelFixtures.kernel(count: 1, model: KernelFixtures.lif(C: C, gL: gL, EL: EL, Vth: Vth, Vreset: Vr, tRef: tRef),
                                      dt: dt, v0: Vr, tonic: (g, 0, 0))
        let seconds = 5.0
        let spikes = KernelFixtures.run(k, steps: Int(seconds * 1000 / dt))
        // Rate from the mean inter-spike interval (skips the first, partial period).
        let times = spikes.map { Double($0.step) * dt }
        let simulated = 1000 / ((times.last! - times.first!) / Double(times.count - 1))
        #expect(abs(simulated - analytic) / analytic < 0.01, "simulated \(simulated) Hz vs analytic \(analytic) Hz")
    }

    /// Below threshold V(t) = V∞ + (V0 − V∞)·exp(−t/τ) exactly (exponential Euler is exact here).
    @Test func subthresholdTraceIsClosedForm() {
        let g = 3.0, C = 200.0, gL = 10.0, EL = -70.0, dt = 0.1
        let k = KernelFixtures.kernel(count: 1, model: KernelFixtures.lif(C: C, gL: gL, EL: EL), dt: dt, v0: EL, tonic: (g, 0, 0))
        let vInf = (gL * EL) / (gL + g), tau = C / (gL + g)
        var worst = 0.0
        var local: [Int32] = []
        for s in 1...2000 {
            k.step(s - 1, threads: 1, sampleStats: false, into: &local)
            let expected = vInf + (EL - vInf) * exp(-Double(s) * dt / tau)
            worst = max(worst, abs(k.v[0] - expected))
        }
        #expect(local.isEmpty)
        #expect(worst < 1e-9, "largest deviation \(worst) mV")
    }

    /// A refractory neuron stays at V_reset for t_ref and integrates again after it.
    @Test func refractoryClamp() {
        let dt = 0.1
        let k = KernelFixtures.kernel(count: 1, model: KernelFixtures.lif(tRef: 5), dt: dt, v0: -60, tonic: (30, 0, 0))
        let spikes = KernelFixtures.run(k, steps: 2000)
        let isis = zip(spikes.dropFirst(), spikes).map { $0.step - $1.step }
        #expect(isis.allSatisfy { $0 >= 50 }, "ISIs in steps: \(isis.prefix(5))")
    }
}
