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
// It is computed as V·e^−x + J·(dt/C)·φ(x), x = G·dt/C, φ(x) = (1 − e^−x)/x, with φ and
// e^−x = 1 − x·φ from one polynomial (`relaxationPhi4`, ≈ 2 ulp for x ≤ 1; `exp4` beyond).
// w is advanced exactly with V frozen. Refractory neurons are clamped at V_reset.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension KernelView {
    /// One step of neurons `range` (one population), in two passes over the range.
    ///   1. drive     — scalar, only with Poisson drive: the draw for (neuron, t) added to the
    ///                  drive channel's conductance;
    ///   2. integrate — four neurons at a time, branch-free: ring arrival, Mg²⁺ block, V by
    ///                  exponential Euler (refractory lanes selected to V_reset), w, decay,
    ///                  refractory countdown; then, only in a group where some lane has
    ///                  V > V_th, the scalar spike, reset and refractory start, lane by lane.
    /// The last group of a range is padded to four lanes (padding is computed and discarded),
    /// so every neuron runs the same lane arithmetic wherever the chunk boundaries fall.
    @inline(__always)
    func update(range: Range<Int>, cell: CellModel, nmda: Bool, step t: Int, slot: Int,
                stats: Bool, spikeBase: Int, count: inout Int) {
        if range.isEmpty { return }
        if cell.drive.isActive { addDrive(range: range, drive: cell.drive, step: t, nmda: nmda) }
        // One specialised loop per combination of features, so each loop body holds only
        // the arithmetic it runs (a single body with all of them in made the compiler split
        // the vector arithmetic into scalar and two-lane pieces).
        switch (nmda, cell.kind == .adex, stats) {
        case (false, false, false): integrate(Off.self, Off.self, Off.self, range, cell, slot, spikeBase, &count)
        case (false, false, true): integrate(Off.self, Off.self, On.self, range, cell, slot, spikeBase, &count)
        case (false, true, false): integrate(Off.self, On.self, Off.self, range, cell, slot, spikeBase, &count)
        case (false, true, true): integrate(Off.self, On.self, On.self, range, cell, slot, spikeBase, &count)
        case (true, false, false): integrate(On.self, Off.self, Off.self, range, cell, slot, spikeBase, &count)
        case (true, false, true): integrate(On.self, Off.self, On.self, range, cell, slot, spikeBase, &count)
        case (true, true, false): integrate(On.self, On.self, Off.self, range, cell, slot, spikeBase, &count)
        case (true, true, true): integrate(On.self, On.self, On.self, range, cell, slot, spikeBase, &count)
        }
    }

    /// Poisson background: the count for (neuron, t) from the counter RNG, times the weight,
    /// added to the drive channel's conductance before the ring arrival.
    @inline(__always)
    func addDrive(range: Range<Int>, drive: PoissonDrive, step t: Int, nmda: Bool) {
        let target: SharedPointer<Double>
        switch drive.channel {
        case 0: target = gA
        case 1: if !nmda { return }; target = xN
        default: target = gG
        }
        PoissonTable.with(mean: drive.meanPerStep, pZero: drive.pZero) { table in
            for i in range {
                // Unconditional (adding +0 leaves a conductance ≥ 0 unchanged): a branch on
                // "any input" would mispredict as often as inputs come.
                let k = table.count(CounterRNG.bits(key: key[i], counter: UInt64(t)))
                target[i] += Double(k) * drive.weight
            }
        }
    }

    /// Arrival, membrane, decay and threshold, four lanes at a time (see `update`), for
    /// NMDA input on or off (`N`), AdEx or LIF (`A`) and state sums on or off (`S`).
    @inline(never)
    func integrate<N: StaticFlag, A: StaticFlag, S: StaticFlag>(
        _: N.Type, _: A.Type, _: S.Type, _ range: Range<Int>, _ cell: CellModel, _ slot: Int,
        _ spikeBase: Int, _ count: inout Int
    ) {
        let nmda = N.on, adex = A.on, stats = S.on
        let base = slot * n
        let dtOverC = dt / cell.C
        let gL = cell.gL, gLEL = cell.gL * cell.EL, I0 = cell.current
        let EA = rc.EA, EN = rc.EN, EG = rc.EG
        let mgK = rc.mg / rc.mgHalf, mgS = rc.mgSlope
        let pA = pr.ampa, pG = pr.gaba, pR = pr.nmdaRise, pD = pr.nmdaDecay, pC = pr.nmdaCross
        let vr = cell.Vreset, vth = cell.Vth, refSteps = Double(cell.refractorySteps), b = cell.b
        let tA = cell.tonicAMPA, tN = cell.tonicNMDA, tG = cell.tonicGABA
        let unblocked = cell.nmdaUnblocked
        let a = cell.a, dT = cell.deltaT, VT = cell.VT, wDecay = cell.wDecay, EL = cell.EL
        let wRefr = a * (vr - EL) * (1 - wDecay)
        // SAFETY: the exp table is owned by the kernel (alive for the step) and only read.
        let table = UnsafePointer(expTable.base)
        let zero4 = SIMD4<Float>(repeating: 0)
        // The group of lanes i ..< i+m; called with the constant m = 4 for whole groups so
        // the loads and stores compile to plain vector moves, and once with m < 4 for the tail.
        @inline(__always) func group(_ i: Int, _ m: Int) {
            var ga = gA.load4(i, m) + SIMD4<Double>(ringA.load4(base + i, m))
            var gg = gG.load4(i, m) + SIMD4<Double>(ringG.load4(base + i, m))
            ringA.store4(zero4, base + i, m); ringG.store4(zero4, base + i, m)
            let v0 = v.load4(i, m)
            let r0 = ref.load4(i, m)
            let refractory = r0 .> 0
            var r = (r0 - 1).replacing(with: 0, where: .!refractory)
            var gn = SIMD4<Double>(repeating: 0)
            if nmda {
                let xn = xN.load4(i, m) + SIMD4<Double>(ringN.load4(base + i, m))
                ringN.store4(zero4, base + i, m)
                let sn = sN.load4(i, m)
                // B(V) as in `mgBlock(v:ratio:slope:)`, with the vector exponential.
                gn = (sn + tN) * unblocked * (1 / (1 + mgK * exp4(-mgS * v0, table: table)))
                sN.store4(sn * pD + xn * pC, i, m)
                xN.store4(xn * pR, i, m)
            }
            let gaT = ga + tA, ggT = gg + tG
            let G = gL + gaT + gn + ggT
            var J = gLEL + gaT * EA + gn * EN + ggT * EG + I0
            var w0 = SIMD4<Double>(repeating: 0)
            if adex {
                w0 = w.load4(i, m)
                var u = (v0 - VT) / dT
                u.replace(with: 40, where: u .> 40)
                J += gL * dT * exp4(u, table: table) - w0
            }
            // V' = V·e^−x + J·(dt/C)·φ(x), e^−x = 1 − x·φ(x) (`relaxationPhi4`); lanes with
            // x > 1 (rare) are recomputed as J/G + (V − J/G)·e^−x with `exp4`.
            let x = G * dtOverC
            let phi = relaxationPhi4(x)
            var vNew = v0 * (1 - x * phi) + (J * dtOverC) * phi
            let wide = x .> relaxationMaxX
            if any(wide) {
                let vInf = J / G
                vNew.replace(with: vInf + (v0 - vInf) * exp4(-x, table: table), where: wide)
            }
            var vOut = vNew.replacing(with: vr, where: refractory)
            var wOut = w0
            if adex {
                let wInf = a * (v0 - EL)
                let wNew = wInf + (w0 - wInf) * wDecay
                wOut = wNew.replacing(with: w0 * wDecay + wRefr, where: refractory)
            }
            let fired = vOut .> vth
            if any(fired) {
                // Reset by lane masks, not lane by lane: lane writes into the vectors
                // are what made the compiler scalarise the arithmetic before them. Lanes ≥ m
                // are padding (reset too, never stored or recorded).
                vOut.replace(with: vr, where: fired)
                r.replace(with: refSteps, where: fired)
                if adex { wOut.replace(with: wOut + b, where: fired) }
                for l in 0..<m where fired[l] {
                    spikes[spikeBase + count] = Int32(i + l)
                    count += 1
                }
            }
            v.store4(vOut, i, m)
            ref.store4(r, i, m)
            if adex { w.store4(wOut, i, m) }
            if stats {
                gASum.store4(gASum.load4(i, m) + gaT, i, m)
                gNSum.store4(gNSum.load4(i, m) + gn, i, m)
                gGSum.store4(gGSum.load4(i, m) + ggT, i, m)
                vSum.store4(vSum.load4(i, m) + vOut, i, m)
            }
            ga *= pA; gg *= pG
            gA.store4(ga, i, m); gG.store4(gg, i, m)
        }
        var i = range.lowerBound
        while i + 4 <= range.upperBound { group(i, 4); i += 4 }
        if i < range.upperBound { group(i, range.upperBound - i) }
    }
}

/// A feature switch known at compile time, so that `integrate` is specialised per feature set.
protocol StaticFlag { static var on: Bool { get } }
enum On: StaticFlag { static var on: Bool { true } }
enum Off: StaticFlag { static var on: Bool { false } }
