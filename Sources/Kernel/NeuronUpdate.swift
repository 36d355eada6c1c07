// The per-neuron update of one step for a contiguous range of one population: conductance-
// based LIF and AdEx by exponential Euler, exact conductance decay, refractoriness.
//
// Conductance LIF (Vogels & Abbott 2005; Brette et al. 2007 benchmark 1):
//
//     C dV/dt = g_L(E_L − V) + g_A(E_A − V) + B(V)·s_N(E_N − V) + g_G(E_G − V) + I
//
// g_A, s_N, g_G include tonic conductances (constant per population) when set.
//
// AdEx (Brette & Gerstner 2005, J Neurophysiol 94:3637) adds
//
//     + g_L Δ_T exp((V − V_T)/Δ_T) − w,     τ_w dw/dt = a(V − E_L) − w,
//     V > V_peak ⇒ V ← V_reset, w ← w + b.
//
// Exponential Euler: over one step the total conductance G and the input J are frozen at
// their start-of-step values (including B(V), the exponential term and w), V relaxes
// exactly towards J/G: V' = J/G + (V − J/G)·exp(−G·dt/C). This is the scheme Brian2's
// `exponential_euler` applies to the same equations, and is exact for constant conductances.
// w is advanced exactly with V frozen. Refractory neurons are clamped at V_reset.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension KernelView {
    @inline(__always)
    func update(range: Range<Int>, cell: CellModel, nmda: Bool, step t: Int, slot: Int,
                stats: Bool, spikeBase: Int, count: inout Int) {
        let base = slot * n
        let dtOverC = dt / cell.C
        let gL = cell.gL, gLEL = cell.gL * cell.EL, I0 = cell.current
        let EA = rc.EA, EN = rc.EN, EG = rc.EG
        let mgK = rc.mg / rc.mgHalf, mgS = rc.mgSlope
        let pA = pr.ampa, pG = pr.gaba, pR = pr.nmdaRise, pD = pr.nmdaDecay, pC = pr.nmdaCross
        let vth = cell.Vth, vr = cell.Vreset, refSteps = cell.refractorySteps
        let drive = cell.drive, driveOn = drive.isActive
        let adex = cell.kind == .adex
        let tA = cell.tonicAMPA, tN = cell.tonicNMDA, tG = cell.tonicGABA
        let a = cell.a, b = cell.b, dT = cell.deltaT, VT = cell.VT, wDecay = cell.wDecay, EL = cell.EL
        for i in range {
            var ga = gA[i] + Double(ringA[base + i])
            var gg = gG[i] + Double(ringG[base + i])
            ringA[base + i] = 0; ringG[base + i] = 0
            var xn = 0.0
            if nmda { xn = xN[i] + Double(ringN[base + i]); ringN[base + i] = 0 }
            if driveOn {
                let k = poissonCount(CounterRNG.bits(key: key[i], counter: UInt64(t)), mean: drive.meanPerStep, pZero: drive.pZero)
                if k > 0 {
                    let dg = Double(k) * drive.weight
                    switch drive.channel { case 0: ga += dg; case 1: xn += dg; default: gg += dg }
                }
            }
            let sn = nmda ? sN[i] : 0
            var vi = v[i]
            let gn = nmda ? (sn + tN) * cell.nmdaUnblocked * mgBlock(v: vi, ratio: mgK, slope: mgS) : 0
            var wi = 0.0
            if adex { wi = w[i] }
            let r = ref[i]
            if r > 0 {
                ref[i] = r - 1
                vi = vr
                if adex { wi *= wDecay; wi += a * (vr - EL) * (1 - wDecay) }
            } else {
                let gaT = ga + tA, ggT = gg + tG
                let G = gL + gaT + gn + ggT
                var J = gLEL + gaT * EA + gn * EN + ggT * EG + I0
                if adex { J += gL * dT * exp(min((vi - VT) / dT, 40)) - wi }
                let vInf = J / G
                let vNew = vInf + (vi - vInf) * exp(-G * dtOverC)
                if adex {
                    let wInf = a * (vi - EL)
                    wi = wInf + (wi - wInf) * wDecay
                }
                vi = vNew
            }
            gA[i] = ga * pA
            if nmda { sN[i] = sn * pD + xn * pC; xN[i] = xn * pR }
            gG[i] = gg * pG
            if vi > vth {
                vi = vr
                ref[i] = refSteps
                if adex { wi += b }
                spikes[spikeBase + count] = Int32(i)
                count += 1
            }
            v[i] = vi
            if adex { w[i] = wi }
            if stats {
                vSum[i] += vi; gASum[i] += ga + tA; gNSum[i] += gn; gGSum[i] += gg + tG
            }
        }
    }
}

/// Number of Poisson events with the given mean, from 64 random bits, by inversion of the
/// cumulative distribution (exact for the means of background drive, < ~30 per step).
@inline(__always)
public func poissonCount(_ bits: UInt64, mean: Double, pZero: Double) -> Int {
    let u = CounterRNG.unit(bits)
    var k = 0, p = pZero, cdf = pZero
    while u >= cdf, k < 1000 {
        k += 1
        p *= mean / Double(k)
        cdf += p
    }
    return k
}
