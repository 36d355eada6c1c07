// The per-neuron update of one step for a contiguous range of one population: conductance-
// based LIF and AdEx by exponential Euler, exact conductance decay, refractoriness.
//
// Conductance LIF (Vogels & Abbott 2005; Brette et al. 2007 benchmark 1):
//
//     C dV/dt = g_L(E_L − V) + g_A(E_A − V) + B(V)·s_N(E_N − V) + g_G(E_G − V) + I
//               + g_S(E_S − V) + I_S      (stimulus input, `StimulusInput.swift`)
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
// It is computed as V' = V + φ(x)·(dt/C)·(J − G·V), x = G·dt/C, φ(x) = (1 − e^−x)/x, with φ
// from one polynomial (`relaxationPhi`, ≈ 2 ulp for x ≤ 1/2; beyond, from `kernelExp`), and
// the sums as fused multiply-adds (one rounding each, the same bits on every machine).
// w is advanced exactly with V frozen. Refractory neurons are clamped at V_reset.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension KernelView {
    /// One step of neurons `range` (one population), in three passes over the range, after
    /// the underflow sweep on steps with `sweep` (`Underflow.swift`).
    ///   1. drive     — only with Poisson drive: the draw for (neuron, t) added to the drive
    ///                  channel's conductance (`addPoisson`, four neurons at a time);
    ///   2. integrate — every neuron, as one loop the compiler vectorises: ring arrival,
    ///                  Mg²⁺ block, V by exponential Euler, refractory clamp, w, threshold and
    ///                  reset as selects, conductance decay; a flag per neuron;
    ///   3. flagged   — spikes recorded in ascending order; the rare neuron whose x = G·dt/C
    ///                  exceeds the polynomial's range finished with the exact exponential.
    /// On steps whose state is sampled, the conductances are added to the interval sums
    /// before pass 2 and V after pass 3, each in a loop of its own. Each neuron's arithmetic is the same whichever vector lane or chunk it falls in, so
    /// results do not depend on chunk boundaries, thread count or vector width.
    @inline(__always)
    func update(range: Range<Int>, cell: CellModel, nmda: Bool, stimulus: Bool, step t: Int, slot: Int,
                stats: Bool, sweep: Bool, spikeBase: Int, count: inout Int) {
        if range.isEmpty { return }
        if sweep { sweepUnderflow(range: range, nmda: nmda, adex: cell.kind == .adex) }
        if cell.drive.isActive { addDrive(range: range, drive: cell.drive, step: t, nmda: nmda) }
        if stats { sampleConductances(range: range, cell: cell, nmda: nmda, slot: slot) }
        // One specialised loop per combination of features, so each loop body holds only the
        // arithmetic it runs and vectorises without branches.
        switch (nmda, cell.kind == .adex, stimulus) {
        case (false, false, false): integrate(Off.self, Off.self, Off.self, range, cell, slot, spikeBase, &count)
        case (false, true, false): integrate(Off.self, On.self, Off.self, range, cell, slot, spikeBase, &count)
        case (true, false, false): integrate(On.self, Off.self, Off.self, range, cell, slot, spikeBase, &count)
        case (true, true, false): integrate(On.self, On.self, Off.self, range, cell, slot, spikeBase, &count)
        case (false, false, true): integrate(Off.self, Off.self, On.self, range, cell, slot, spikeBase, &count)
        case (false, true, true): integrate(Off.self, On.self, On.self, range, cell, slot, spikeBase, &count)
        case (true, false, true): integrate(On.self, Off.self, On.self, range, cell, slot, spikeBase, &count)
        case (true, true, true): integrate(On.self, On.self, On.self, range, cell, slot, spikeBase, &count)
        }
        // SAFETY: indices in `range`, the caller's chunk.
        if stats { for i in range { vSum[i] += v[i] } }
    }

    /// Adds the conductances of this step (after arrival, before decay, with tonic parts and
    /// the Mg²⁺ block at the start-of-step V) to the interval sums, before `integrate`: as its
    /// own loop, so the update loop keeps few enough pointers to vectorise (NMDA, AdEx and the
    /// sums together were more than the compiler would check for overlap).
    @inline(never)
    func sampleConductances(range: Range<Int>, cell: CellModel, nmda: Bool, slot: Int) {
        let base = slot * n
        let tA = cell.tonicAMPA, tG = cell.tonicGABA, uA = cell.ampaScale
        let gA = self.gA, gG = self.gG, ringA = self.ringA, ringG = self.ringG
        let gASum = self.gASum, gGSum = self.gGSum, gNSum = self.gNSum
        // SAFETY: indices in `range` (the caller's chunk) and its column of the ring slot.
        for i in range {
            gASum[i] += ((gA[i] + Double(ringA[base + i])) + tA) * uA
            gGSum[i] += (gG[i] + Double(ringG[base + i])) + tG
        }
        if nmda {
            let sN = self.sN, v = self.v
            for i in range { gNSum[i] += nmdaConductance(sN[i], v[i], cell) }
        }
    }

    /// The Mg²⁺-blocked NMDA conductance of a neuron with NMDA gating `sn` at V = `v0`:
    /// (s_N + tonic)·(1 − block)·B(V), B as in `mgBlock(v:ratio:slope:)`.
    @inline(__always)
    func nmdaConductance(_ sn: Double, _ v0: Double, _ cell: CellModel) -> Double {
        (sn + cell.tonicNMDA) * cell.nmdaUnblocked * (1 / (1 + (rc.mg / rc.mgHalf) * kernelExp(-rc.mgSlope * v0)))
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
            addPoisson(table, keys: key, counter: UInt64(t), weight: drive.weight, into: target, range: range)
        }
    }

    /// Arrival, membrane, decay and threshold (passes 2 and 3 of `update`), for NMDA input on
    /// or off (`N`), AdEx or LIF (`A`), and stimulus input on or off (`S`: the stimulus
    /// conductance g_S joins the total conductance and j_S = g_S·E_S + I_S the input).
    @inline(never)
    func integrate<N: StaticFlag, A: StaticFlag, S: StaticFlag>(
        _: N.Type, _: A.Type, _: S.Type, _ range: Range<Int>, _ cell: CellModel, _ slot: Int,
        _ spikeBase: Int, _ count: inout Int
    ) {
        let nmda = N.on, adex = A.on, stimulus = S.on
        let stimG = self.stimG, stimJ = self.stimJ
        // Local copies of the pointers, so the loop holds them in registers rather than
        // reloading them from `self` (passed by reference) after every store.
        let v = self.v, w = self.w, ref = self.ref, gA = self.gA, gG = self.gG, xN = self.xN, sN = self.sN
        let ringA = self.ringA, ringN = self.ringN, ringG = self.ringG
        let flag = self.flag, spikes = self.spikes
        let base = slot * n
        // Per-population constants with dt/C folded in, so the step is x and the increment
        // by fused multiply-adds: x = x_L + (g_A + g_G + g_N)·dt/C, and
        // (dt/C)·J = j_0 + g_A·E_A·dt/C + g_G·E_G·dt/C + g_N·E_N·dt/C (+ AdEx terms), where
        // x_L and j_0 hold the leak, the tonic AMPA/GABA conductances and the current.
        let dtC = dt / cell.C
        // The AMPA scale multiplies the AMPA conductance (synaptic and tonic) where it enters
        // the current; the gating state g_A itself decays unscaled. (× 1.0 is exact, so an
        // unscaled run is bit for bit what it was.)
        let uA = cell.ampaScale
        let gL = cell.gL, tA = cell.tonicAMPA * uA, tG = cell.tonicGABA
        let xL = (gL + tA + tG) * dtC
        let j0 = (gL * cell.EL + tA * rc.EA + tG * rc.EG + cell.current) * dtC
        let eA = rc.EA * dtC, eN = rc.EN * dtC, eG = rc.EG * dtC
        let pA = pr.ampa, pG = pr.gaba, pR = pr.nmdaRise, pD = pr.nmdaDecay, pC = pr.nmdaCross
        let vr = cell.Vreset, vth = cell.Vth, refSteps = Float(cell.refractorySteps), b = cell.b
        let a = cell.a, VT = cell.VT, invDT = 1 / cell.deltaT, wDecay = cell.wDecay, EL = cell.EL
        let spikeGain = gL * cell.deltaT * dtC, minusDtC = -dtC
        let wRefr = a * (vr - EL) * (1 - wDecay)
        /// Neuron i's whole step from its start-of-step state, without storing anything: V' =
        /// V + φ(x)·(dt/C)·(J − G·V) with φ from the polynomial, or with `exact` from the
        /// exponential (pass 2). One function for both passes, so they cannot drift apart.
        @inline(__always)
        func advance(_ i: Int, exact: Bool) -> NeuronStep {
            let start = NeuronState(v: v[i], r: ref[i], w: adex ? w[i] : 0, gA: gA[i], gG: gG[i],
                                    sN: nmda ? sN[i] : 0, xN: nmda ? xN[i] : 0, ringA: ringA[base + i],
                                    ringG: ringG[base + i], ringN: nmda ? ringN[base + i] : 0)
            let ga = start.gA + Double(start.ringA)
            let gaEff = ga * uA
            let gg = start.gG + Double(start.ringG)
            let v0 = start.v, r0 = start.r
            var gSyn = gaEff + gg
            var jd = j0.addingProduct(gaEff, eA).addingProduct(gg, eG)
            var sNext = 0.0, xNext = 0.0
            if nmda {
                let xn = start.xN + Double(start.ringN)
                let sn = start.sN
                let gn = nmdaConductance(sn, v0, cell)
                gSyn += gn
                jd = jd.addingProduct(gn, eN)
                sNext = (sn * pD).addingProduct(xn, pC)
                xNext = xn * pR
            }
            if stimulus {
                gSyn += stimG[i]
                jd = jd.addingProduct(stimJ[i], dtC)
            }
            var w0 = 0.0
            if adex {
                w0 = start.w
                jd = jd.addingProduct(spikeGain, kernelExp(min((v0 - VT) * invDT, 40))).addingProduct(w0, minusDtC)
            }
            let x = xL.addingProduct(gSyn, dtC)
            let phi = exact ? relaxationPhiExact(x) : relaxationPhi(x)
            // V' = V + φ·(dt/C)·(J − G·V): (dt/C)·J − x·V fused, then one fused step.
            let vNew = v0.addingProduct(phi, jd.addingProduct(-x, v0))
            // Refractory clamp, w, threshold and reset.
            let refractory = r0 > 0
            let vOut = refractory ? vr : vNew
            var wOut = w0
            if adex {
                let wInf = a * (v0 - EL)
                wOut = refractory ? wRefr.addingProduct(w0, wDecay) : wInf.addingProduct(w0 - wInf, wDecay)
            }
            let fired = vOut > vth
            let next = NeuronState(v: fired ? vr : vOut, r: fired ? refSteps : refractory ? r0 - 1 : 0,
                                   w: fired ? wOut + b : wOut, gA: ga * pA, gG: gg * pG, sN: sNext, xN: xNext,
                                   ringA: 0, ringG: 0, ringN: 0)
            return NeuronStep(next: next, start: start, fired: fired, wide: x > relaxationMaxX)
        }
        @inline(__always)
        func store(_ i: Int, _ s: NeuronState) {
            v[i] = s.v; ref[i] = s.r
            if adex { w[i] = s.w }
            gA[i] = s.gA; gG[i] = s.gG
            ringA[base + i] = s.ringA; ringG[base + i] = s.ringG
            if nmda { sN[i] = s.sN; xN[i] = s.xN; ringN[base + i] = s.ringN }
        }
        // Pass 1, every neuron of the range: a plain loop of per-neuron arithmetic and selects
        // that the compiler vectorises (8 lanes with AVX-512, 4 with AVX2); per neuron it is
        // the same IEEE arithmetic whatever lane or remainder iteration it lands in. A neuron
        // with x > 1 is left exactly as it was (state and ring entries) for pass 2.
        // `flag`: 1 fired, 2 wide, 0 neither.
        // SAFETY: every index is in `range` (the caller's chunk), or its column of the ring
        // slot; no other chunk touches them. The buffers are owned by the kernel.
        // Both outcomes are stored by selects, not branches: a masked store is slow on some
        // AVX2 machines (microcoded on AMD Zen 2/3).
        for i in range {
            let s = advance(i, exact: false)
            store(i, s.wide ? s.start : s.next)
            flag[i] = s.wide ? 2 : s.fired ? 1 : 0
        }
        // Pass 2, the flagged neurons in ascending order (32, then 8 flags at a time while
        // they are all 0): record spikes, and redo wide neurons' step with the exact exponential.
        var i = range.lowerBound
        while i < range.upperBound {
            // SAFETY: the flags read, i ..< i+32 or i ..< i+8, lie in `range`.
            let raw = UnsafeRawPointer(flag.base + i)
            if i + 32 <= range.upperBound,
               raw.loadUnaligned(as: UInt64.self) | raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self) == 0 {
                i += 32; continue
            }
            if i + 8 <= range.upperBound, raw.loadUnaligned(as: UInt64.self) == 0 {
                i += 8; continue
            }
            var fired = flag[i] == 1
            if flag[i] == 2 {
                let s = advance(i, exact: true)
                store(i, s.next)
                fired = s.fired
            }
            if fired {
                spikes[spikeBase + count] = Int32(i)
                count += 1
            }
            i += 1
        }
    }
}

/// One neuron's state as `KernelView.integrate` reads and writes it, with its entries in the
/// ring slot of the step.
struct NeuronState {
    var v: Double
    /// Steps left in the refractory period (a whole number).
    var r: Float
    var w, gA, gG, sN, xN: Double
    var ringA, ringG, ringN: Float
}

/// One neuron's step: its state after (`next`) and before (`start`), whether it fired, and
/// whether its x = G·dt/C lies beyond the polynomial propagator's range.
struct NeuronStep {
    var next, start: NeuronState
    var fired, wide: Bool
}

/// A feature switch known at compile time, so that `integrate` is specialised per feature set.
protocol StaticFlag { static var on: Bool { get } }
enum On: StaticFlag { static var on: Bool { true } }
enum Off: StaticFlag { static var on: Bool { false } }
