// AdEx against a reference trace: the same equations integrated independently with
// fourth-order Runge–Kutta at a 1 µs step (the reference) must give the same spike train.

import Foundation
import Testing
@testable import Kernel

@Suite struct AdExTests {
    // Tonic-with-adaptation parameters (Naud et al. 2008, Biol Cybern 99:335, Table 1 "adaptation").
    let C = 200.0, gL = 10.0, EL = -70.0, VT = -50.0, dT = 2.0, a = 2.0, b = 60.0, tauW = 100.0
    let Vr = -58.0, Vpeak = 0.0, I = 500.0

    /// Spike times [ms] of the reference integration over `T` ms.
    func referenceSpikes(T: Double) -> [Double] {
        let h = 0.001
        var v = EL, w = 0.0, t = 0.0
        var out: [Double] = []
        func f(_ v: Double, _ w: Double) -> (Double, Double) {
            let dv = (-gL * (v - EL) + gL * dT * exp((v - VT) / dT) - w + I) / C
            let dw = (a * (v - EL) - w) / tauW
            return (dv, dw)
        }
        while t < T {
            // The upswing to V_peak is explosive; a stage that already passes V_peak is the spike
            // (timing error ≤ h), so RK4 never evaluates the exponential far beyond the peak.
            let (k1v, k1w) = f(v, w)
            let v2 = v + h / 2 * k1v
            var spiked = v2 > Vpeak
            if !spiked {
                let (k2v, k2w) = f(v2, w + h / 2 * k1w)
                let v3 = v + h / 2 * k2v
                spiked = v3 > Vpeak
                if !spiked {
                    let (k3v, k3w) = f(v3, w + h / 2 * k2w)
                    let v4 = v + h * k3v
                    spiked = v4 > Vpeak
                    if !spiked {
                        let (k4v, k4w) = f(v4, w + h * k3w)
                        v += h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v)
                        w += h / 6 * (k1w + 2 * k2w + 2 * k3w + k4w)
                        spiked = v > Vpeak
                    }
                }
            }
            t += h
            if spiked { out.append(t); v = Vr; w += b }
        }
        return out
    }

    @Test func matchesReferenceTrace() {
        let model = NeuronModel.adex(LIFParameters(C: C, gL: gL, EL: EL, Vth: VT, Vreset: Vr, tRef: 0, Iext: I),
                                     AdExParameters(a: a, b: b, deltaT: dT, VT: VT, tauW: tauW, Vpeak: Vpeak))
        let dt = 0.01
        let k = KernelFixtures.kernel(count: 1, model: model, dt: dt, v0: EL)
        let T = 500.0
        let sim = KernelFixtures.run(k, steps: Int(T / dt)).map { Double($0.step + 1) * dt }
        let ref = referenceSpikes(T: T)
        #expect(sim.count == ref.count, "spike counts \(sim.count) vs reference \(ref.count)")
        // Adaptation: inter-spike intervals lengthen.
        let isi = zip(ref.dropFirst(), ref).map { $0 - $1 }
        #expect(isi.count >= 3 && isi.last! > isi.first!)
        // Exponential Euler is first order: spike times drift by ~0.03 ms per spike at dt = 10 µs.
        for (s, r) in zip(sim, ref) {
            #expect(abs(s - r) < 1.0, "spike at \(s) ms vs reference \(r) ms")
        }
        let simISI = zip(sim.dropFirst(), sim).map { $0 - $1 }
        for (s, r) in zip(simISI, isi) {
            #expect(abs(s - r) / r < 0.005, "ISI \(s) ms vs reference \(r) ms")
        }
    }
}
