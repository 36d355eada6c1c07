// The AMPA scale (an antagonist < 1, a potentiator > 1) against closed forms: a tonic AMPA
// conductance scaled by s moves V∞ exactly as the conductance s·g would, and Poisson AMPA
// input under scale s gives the trace of input with weights × s; scale 1 is bit for bit the
// unscaled kernel.

import Foundation
import Testing
@testable import Kernel

@Suite struct AMPAScaleTests {
    /// Below threshold V(t) = V∞ + (V0 − V∞)·e^(−t/τ) with V∞ = (g_L·E_L + s·g·E_A)/(g_L + s·g),
    /// τ = C/(g_L + s·g).
    @Test(arguments: [0.0, 0.25, 0.5, 1.5])
    func tonicAMPAUnderAScaleIsClosedForm(scale s: Double) {
        let g = 2.0, C = 200.0, gL = 10.0, EL = -70.0, dt = 0.1
        let k = KernelFixtures.kernel(count: 1, model: KernelFixtures.lif(C: C, gL: gL, EL: EL), dt: dt, v0: EL, tonic: (g, 0, 0))
        var cell = k.layout.cells[0]
        cell.ampaScale = s
        k.setCell(population: 0, cell)
        let vInf = (gL * EL + s * g * 0) / (gL + s * g), tau = C / (gL + s * g)
        var worst = 0.0
        var local: [Int32] = []
        for step in 1...2000 {
            k.step(step - 1, threads: 1, sampleStats: false, into: &local)
            worst = max(worst, abs(k.v[0] - (vInf + (EL - vInf) * exp(-Double(step) * dt / tau))))
        }
        #expect(local.isEmpty)
        #expect(worst < 1e-9, "scale \(s): largest deviation \(worst) mV")
    }

    /// Poisson AMPA drive of weight w under scale s against drive of weight s·w: the same
    /// counts (same keys), so the same conductance up to rounding and the same spikes.
    @Test func scaledDriveEqualsScaledWeights() {
        let n = 200, steps = 3000, s = 0.6
        func run(weight: Double, scale: Double) -> (v: [Double], spikes: [Spike]) {
            let drive = PoissonDrive(rate: 2.0, dt: 0.1, weight: weight, channel: 0)
            let k = KernelFixtures.kernel(count: n, model: KernelFixtures.lif(), drive: drive)
            var cell = k.layout.cells[0]
            cell.ampaScale = scale
            k.setCell(population: 0, cell)
            let spikes = KernelFixtures.run(k, steps: steps)
            return ((0..<n).map { k.v[$0] }, spikes)
        }
        let scaled = run(weight: 5, scale: s), weighted = run(weight: 5 * s, scale: 1)
        #expect(!scaled.spikes.isEmpty, "the drive should make the neurons fire")
        #expect(scaled.spikes == weighted.spikes)
        let worst = zip(scaled.v, weighted.v).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-9, "largest V difference \(worst) mV")
    }

    /// Scale 1 is the kernel as it was: × 1.0 is exact.
    @Test func unitScaleIsBitIdentical() {
        let drive = PoissonDrive(rate: 2.0, dt: 0.1, weight: 5, channel: 0)
        let a = KernelFixtures.kernel(count: 100, model: KernelFixtures.lif(), tonic: (1, 0, 0), drive: drive)
        let b = KernelFixtures.kernel(count: 100, model: KernelFixtures.lif(), tonic: (1, 0, 0), drive: drive)
        var cell = b.layout.cells[0]
        cell.ampaScale = 1
        b.setCell(population: 0, cell)
        let sa = KernelFixtures.run(a, steps: 2000), sb = KernelFixtures.run(b, steps: 2000)
        #expect(sa == sb)
        #expect((0..<100).allSatisfy { a.v[$0].bitPattern == b.v[$0].bitPattern })
    }

    /// A checkpoint's cell with an AMPA scale outside 0…2 (or not finite) is refused.
    @Test func checkpointRefusesAnAMPAScaleOutOfRange() {
        let cell = CellModel(model: KernelFixtures.lif(), dt: 0.1, current: 0, drive: .none)
        for bad in [-0.1, 2.5, Double.nan, .infinity] {
            var c = cell
            c.ampaScale = bad
            #expect(c.problem(against: cell) != nil, "AMPA scale \(bad) accepted")
        }
        var ok = cell
        ok.ampaScale = 0.3
        #expect(ok.problem(against: cell) == nil)
    }
}
