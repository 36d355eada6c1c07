// Decaying state kept out of the subnormal range: every `ShardKernel.underflowSweepEvery`
// steps, a neuron's V, conductances, NMDA gating and adaptation current whose magnitude is
// below `underflowFloor` are set to zero (of the same sign).
//
// Why. The update decays a conductance by a fixed factor p = e^(−dt/τ) each step. Without
// input it falls geometrically into the subnormal range (below 2⁻¹⁰²² ≈ 2.2·10⁻³⁰⁸: after
// 1.4 s for τ = 2 ms at dt = 0.1 ms, 3.5 s for 5 ms, 7 s for 10 ms) and stays there: once
// x·(1 − p) is below half the subnormal spacing, x·p rounds back to x, and every later step
// multiplies a subnormal — tens to hundreds of cycles on x86 without flush-to-zero, for the
// whole vector. Measured on a network of 5 000 neurons that falls silent after a 300 ms
// kick (`Benchmarks/README.md`): the run phase went from 0.11 s for the first second to
// about 1.5 s per second from then on.
//
// Why this changes no result. The floor, 2⁻⁵⁰⁰ ≈ 3·10⁻¹⁵¹ (in the state's units: mV, nS,
// pA), lies ~150 orders of magnitude below anything a neuron's step adds it to: each use
// of a swept value is a sum with a term of normal size — x = x_L + G·dt/C with the leak
// x_L > 0; (dt/C)·J with the resting term j_0; V against a ring entry or a conductance —
// in which it is absorbed by rounding, so V, the spikes and every sampled mean of normal
// size are the same bits with and without the sweep (`UnderflowTests` runs both). The
// exception is a sum of nothing but swept values (a neuron at exactly 0 mV with E_L = 0 and
// no input), which now holds 0 instead of a number below 10⁻¹⁵⁰. A value swept to zero
// stays zero: zero decays to zero.
//
// Why every 64 steps suffices. A value sticks in the subnormal range only where p > 1/2
// (x·p ≥ x/2 rounds up to x at the smallest subnormal; with p ≤ 1/2 it reaches zero by
// itself). With p > 1/2 a value loses less than ln 2 per step, so in 64 steps a value just
// above the floor shrinks by a factor of less than 2⁶⁴ — far from the subnormal range, 522
// binary orders lower. So between two sweeps no value reaches it from above the floor.
//
// The sweep runs per neuron inside its chunk (`KernelView.update`), at steps t with
// t mod 64 = 0 of the run's step count, so it is the same for every chunking, thread count,
// shard count and after a restore.

extension KernelView {
    /// Sets V, the conductances, NMDA gating (with `nmda`) and the AdEx adaptation current
    /// (with `adex`) of neurons `range` to a zero of their own sign where their magnitude is
    /// below `underflowFloor`.
    @inline(never)
    func sweepUnderflow(range: Range<Int>, nmda: Bool, adex: Bool) {
        // SAFETY: indices in `range`, the caller's chunk; no other chunk touches them.
        for i in range {
            v[i] = flushedBelowFloor(v[i]); gA[i] = flushedBelowFloor(gA[i]); gG[i] = flushedBelowFloor(gG[i])
        }
        if nmda { for i in range { sN[i] = flushedBelowFloor(sN[i]); xN[i] = flushedBelowFloor(xN[i]) } }
        if adex { for i in range { w[i] = flushedBelowFloor(w[i]) } }
    }
}

/// Magnitude below which `KernelView.sweepUnderflow` sets decaying state to zero: 2⁻⁵⁰⁰.
let underflowFloor = 0x1p-500

/// `x`, or a zero with x's sign where |x| < `underflowFloor` (NaN and infinities unchanged).
/// A select on the magnitude, so the sweep's loops vectorise.
@inline(__always)
func flushedBelowFloor(_ x: Double) -> Double {
    x.magnitude < underflowFloor ? Double(signOf: x, magnitudeOf: 0) : x
}
