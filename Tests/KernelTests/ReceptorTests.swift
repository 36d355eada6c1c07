// Receptor kinetics against their analytic forms: the Jahr–Stevens Mg²⁺ block and the
// NMDA conductance after one spike.

import Foundation
import Testing
@testable import Kernel

@Suite struct ReceptorTests {
    /// B(V) = 1/(1 + [Mg]/3.57 mM · exp(−0.062 V)) within 1e-6 over −100..+40 mV.
    @Test func mgBlockEqualsJahrStevens() {
        var v = -100.0
        while v <= 40 {
            let reference = 1 / (1 + 1.0 / 3.57 * Foundation.exp(-0.062 * v))
            #expect(abs(mgBlock(v: v, mg: 1, half: 3.57, slope: 0.062) - reference) < 1e-6)
            v += 0.25
        }
        // Physiological sanity: mostly blocked at rest, mostly open when depolarised.
        #expect(mgBlock(v: -70, mg: 1, half: 3.57, slope: 0.062) < 0.05)
        #expect(mgBlock(v: 0, mg: 1, half: 3.57, slope: 0.062) > 0.75)
    }

    /// One spike through an NMDA synapse: s(t) = w/p·(e^(−t/τd) − e^(−t/τr)), peak w at
    /// t* = τdτr/(τd − τr)·ln(τd/τr).
    @Test func nmdaTimeCourseMatchesAnalytic() {
        let dt = 0.1, w: Float = 0.8
        // Neuron 0 → neuron 1, delay 1 step; neither fires (threshold far away).
        let k = KernelFixtures.kernel(count: 2, model: KernelFixtures.lif(Vth: 1000), dt: dt,
                                      synapses: [SynapseSpec(source: 0, target: 1, weight: 1, delay: 1)],
                                      mix: (0, w, 0))
        k.deliver([Spike(step: 0, source: 0)])
        var local: [Int32] = []
        k.step(0, threads: 1, sampleStats: false, into: &local)
        var worst = 0.0, peak = 0.0, peakT = 0.0
        for s in 1...3000 {
            k.step(s, threads: 1, sampleStats: false, into: &local)
            let t = Double(s) * dt
            let expected = Propagators.nmdaResponse(t: t, weight: Double(w), tauRise: 2, tauDecay: 100)
            worst = max(worst, abs(k.sN[1] - expected))
            if k.sN[1] > peak { peak = k.sN[1]; peakT = t }
        }
        #expect(worst < 1e-9 * Double(w), "largest deviation \(worst) nS")
        let tStar = 100.0 * 2 / 98 * log(50.0)
        #expect(abs(peakT - tStar) <= dt)
        #expect(abs(peak - Double(w)) < 1e-3)
        #expect(k.sN[0] == 0)
    }

    /// AMPA and GABA_A decay as single exponentials.
    @Test func fastReceptorsDecayExponentially() {
        let dt = 0.1
        let k = KernelFixtures.kernel(count: 2, model: KernelFixtures.lif(Vth: 1000), dt: dt,
                                      synapses: [SynapseSpec(source: 0, target: 1, weight: 1, delay: 1)],
                                      mix: (2, 0, 3))
        k.deliver([Spike(step: 0, source: 0)])
        var local: [Int32] = []
        for s in 0...100 { k.step(s, threads: 1, sampleStats: false, into: &local) }
        // After arrival at step 1 and 100 decays.
        #expect(abs(k.gA[1] - 2 * exp(-100 * dt / 2)) < 1e-12)
        #expect(abs(k.gG[1] - 3 * exp(-100 * dt / 10)) < 1e-12)
    }
}
