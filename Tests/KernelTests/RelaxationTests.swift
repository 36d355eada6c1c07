// The division-free membrane propagator against the exact relaxation: φ(x) = (1 − e^−x)/x
// within a few ulp on [0, 1/2], and one exponential-Euler step within 1e-13 mV of
// J/G + (V − J/G)·e^−x, including the lanes beyond the polynomial's range.

import Foundation
import Testing
@testable import Kernel

@Suite struct RelaxationTests {
    @Test func phiMatchesExpm1() {
        var seq = KeyedSequence(key: 11)
        var worst = 0.0
        for k in 0..<100_000 {
            let x = k == 0 ? 0 : k == 1 ? relaxationMaxX : relaxationMaxX * seq.uniform()
            let exact = x == 0 ? 1 : -Foundation.expm1(-x) / x
            worst = max(worst, abs(relaxationPhi(x) - exact) / exact)
        }
        // The polynomial is good to ≈ 2 ulp; expm1 and the division add up to 2 more.
        #expect(worst < 1e-15, "worst relative error \(worst)")
    }

    /// One kernel step of a single LIF neuron with constant conductances, against the exact
    /// relaxation, for x = G·dt/C on both sides of the polynomial's range.
    @Test(arguments: [5.0, 60.0, 330.0, 980.0, 1010.0, 1500.0, 4000.0, 20000.0])
    func kernelStepEqualsExactRelaxation(gaba: Double) {
        let C = 200.0, gL = 10.0, EL = -60.0, EG = KernelFixtures.receptors.gabaE, dt = 0.1, v0 = -55.0
        let k = KernelFixtures.kernel(count: 1, model: KernelFixtures.lif(C: C, gL: gL, EL: EL, Vth: 1000),
                                      dt: dt, v0: v0, tonic: (0, 0, gaba))
        var spiked: [Int32] = []
        k.step(0, threads: 1, sampleStats: false, into: &spiked)
        let G = gL + gaba, J = gL * EL + gaba * EG
        let vInf = J / G
        let exact = vInf + (v0 - vInf) * Foundation.exp(-G * dt / C)
        #expect(abs(k.v[0] - exact) < 1e-13, "x = \(G * dt / C): \(k.v[0]) vs \(exact)")
    }
}
