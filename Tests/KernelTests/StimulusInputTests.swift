// Stimulus input against analytic membrane responses: a current step charges the membrane
// as an RC circuit, a conductance clamp pulls V to its weighted reversal, a subthreshold
// sine is filtered by the membrane's low pass; neurons no program targets are untouched,
// bit for bit, and the chunked parallel update equals the serial one.

import Testing
import Foundation
@testable import Kernel

@Suite struct StimulusInputTests {
    static let cell = KernelFixtures.lif(C: 200, gL: 10, EL: -70, Vth: 0, Vreset: -60)   // τ = 20 ms, never fires

    @Test func currentStepChargesTheMembraneAsAnRCCircuit() {
        let k = KernelFixtures.kernel(count: 4, model: Self.cell)
        k.setStimuli([StimulusProgram(targets: [1, 2], keys: [], input: .current(100))])
        _ = KernelFixtures.run(k, steps: 300)      // 30 ms
        // V(t) = E_L + (I/g_L)(1 − e^{−t/τ}); exponential Euler is exact for a constant input.
        let expected = -70 + 100.0 / 10 * (1 - exp(-30.0 / 20))
        #expect(abs(k.v[1] - expected) < 1e-9 && abs(k.v[2] - expected) < 1e-9, "\(k.v[1]) vs \(expected)")
        #expect(k.v[0] == -70 && k.v[3] == -70, "untargeted neurons must not move")
    }

    @Test func conductanceClampPullsToTheWeightedReversal() {
        let k = KernelFixtures.kernel(count: 2, model: Self.cell, v0: -60)
        k.setStimuli([StimulusProgram(targets: [0], keys: [], input: .conductance(g: 30, reversal: -80))])
        _ = KernelFixtures.run(k, steps: 2000)     // 200 ms ≫ C/(g_L + g) = 5 ms
        let vInf = (10 * -70.0 + 30 * -80.0) / 40
        #expect(abs(k.v[0] - vInf) < 1e-9, "\(k.v[0]) vs \(vInf)")
        // Switched off, the neuron relaxes back to rest with τ = 20 ms.
        k.setStimuli([])
        _ = KernelFixtures.run(k, steps: 200)
        let back = -70 + (vInf + 70) * exp(-20.0 / 20)
        #expect(abs(k.v[0] - back) < 1e-9, "\(k.v[0]) vs \(back)")
    }

    @Test func subthresholdSineIsLowPassFiltered() {
        let f = 0.040, dt = 0.1    // 40 Hz in 1/ms
        let k = KernelFixtures.kernel(count: 1, model: Self.cell)
        k.setStimuli([StimulusProgram(targets: [0], keys: [], input: .sine(amplitude: 50, radiansPerStep: 2 * .pi * f * dt,
                                                                            phase: 0, offset: 0, onsetStep: 0))])
        var lo = Double.infinity, hi = -Double.infinity
        var local: [Int32] = []
        for t in 0..<5000 {     // 500 ms; the transient (τ = 20 ms) is over after 200 ms
            k.step(t, threads: 1, sampleStats: false, into: &local)
            if t >= 4000 { lo = min(lo, k.v[0]); hi = max(hi, k.v[0]) }
        }
        // |Z(ω)| = 1/(g_L·√(1 + (ωτ)²)).
        let amplitude = 50 / (10 * (1 + pow(2 * .pi * f * 20, 2)).squareRoot())
        #expect(abs((hi - lo) / 2 - amplitude) / amplitude < 0.01, "\((hi - lo) / 2) vs \(amplitude)")
    }

    @Test func poissonStimulusAddsItsMeanConductance() {
        // Mean AMPA conductance of a Poisson train: rate·w·τ_AMPA.
        let n = 2000, rate = 0.5, w = 1.0
        let k = KernelFixtures.kernel(count: n, model: Self.cell)
        let drive = PoissonDrive(rate: rate, dt: 0.1, weight: w, channel: 0)
        let keys = (0..<n).map { CounterRNG(seed: 3).key(stream: .stimulus.sub(0), entity: UInt64($0)) }
        k.setStimuli([StimulusProgram(targets: (0..<Int32(n)).map { $0 }, keys: keys,
                                      input: .poisson(meanPerStep: drive.meanPerStep, pZero: drive.pZero, weight: w, channel: 0))])
        _ = KernelFixtures.run(k, steps: 500)
        let mean = (0..<n).reduce(0.0) { $0 + k.gA[$1] } / Double(n)
        // After the step's decay the expected value is rate·w·τ·e^{−dt/τ}·(dt/τ)/(1 − e^{−dt/τ}) ≈ rate·w·τ.
        let expected = rate * w * 2 * exp(-0.1 / 2) * (0.1 / 2) / (1 - exp(-0.1 / 2))
        #expect(abs(mean - expected) / expected < 0.03, "\(mean) vs \(expected)")
    }

    @Test(arguments: [1, 2, 7, 64])
    func stimulatedChunksEqualTheSerialKernel(chunk: Int) {
        func make() -> ShardKernel {
            let k = KernelFixtures.kernel(count: 300, model: KernelFixtures.lif(), drive: PoissonDrive(rate: 2, dt: 0.1, weight: 1, channel: 0),
                                          chunkSize: chunk)
            k.setStimuli([StimulusProgram(targets: (0..<100).map { Int32($0 * 3) }, keys: [], input: .current(150)),
                          StimulusProgram(targets: [5, 6, 7], keys: [], input: .conductance(g: 5, reversal: -75))])
            return k
        }
        let serial = KernelFixtures.kernel(count: 300, model: KernelFixtures.lif(), drive: PoissonDrive(rate: 2, dt: 0.1, weight: 1, channel: 0),
                                           chunkSize: 300)
        serial.setStimuli(make().stimuli)
        let a = KernelFixtures.run(make(), steps: 400, threads: 2)
        let b = KernelFixtures.run(serial, steps: 400, threads: 1)
        #expect(a == b && !a.isEmpty)
    }
}

/// NMDA saturation in its event form against its own recurrence and against the
/// continuous Brunel–Wang/Compte gating it stands for.
@Suite struct NMDASaturationTests {
    @Test func regularTrainReachesTheFixedPoint() {
        let a = 1 - exp(-0.5 * 2.0), tau = 100.0, dt = 0.1, T = 250    // 40 Hz
        let sat = NMDASaturation(bound: a, tauDecay: tau, dt: dt, neurons: 1)
        let spikes = (0..<200).map { Spike(step: $0 * T, source: 0) }
        let f = spikes.withUnsafeBufferPointer { sat.factors($0) }
        #expect(abs(Double(f[0]) - a) < 1e-6)
        // s⁻* = (s⁻* + a(1 − s⁻*))·e, e = e^{−T·dt/τ}  ⇒  s⁻* = a·e/(1 − (1 − a)·e).
        let e = exp(-Double(T) * dt / tau)
        let sStar = a * e / (1 - (1 - a) * e)
        #expect(abs(Double(f.last!) - a * (1 - sStar)) < 1e-6)
    }

    @Test func eventFormMatchesTheContinuousGating() {
        // ds/dt = α·x·(1 − s) − s/τ_d, dx/dt = −x/τ_r + Σδ, integrated finely, against the
        // event form's mean gating, for regular trains at 5, 20 and 40 Hz.
        let alpha = 0.5, tr = 2.0, td = 100.0
        let a = 1 - exp(-alpha * tr)
        for rate in [5.0, 20.0, 40.0] {
            let period = 1000 / rate, h = 0.005, total = 3000.0
            var x = 0.0, s = 0.0, sum = 0.0, n = 0
            var t = 0.0, next = 0.0
            while t < total {
                if t >= next - 1e-9 { x += 1; next += period }
                // RK2 (midpoint) step.
                let dx1 = -x / tr, ds1 = alpha * x * (1 - s) - s / td
                let xm = x + 0.5 * h * dx1, sm = s + 0.5 * h * ds1
                x += h * (-xm / tr); s += h * (alpha * xm * (1 - sm) - sm / td)
                t += h
                if t > 1000 { sum += s; n += 1 }
            }
            let continuous = sum / Double(n)
            // Event form: the mean of Σ_k a(1 − s_k⁻)·e^{−(t − t_k)/τ_d} (the rise neglected).
            let e = exp(-period / td)
            let sMinus = a * e / (1 - (1 - a) * e)
            let jump = a * (1 - sMinus)
            let event = (sMinus + jump) * td / period * (1 - e)
            #expect(abs(event - continuous) / continuous < 0.08, "\(rate) Hz: event \(event), continuous \(continuous)")
        }
    }
}
