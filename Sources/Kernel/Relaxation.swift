// The membrane propagator of exponential Euler without a division: one polynomial gives
// φ(x) = (1 − e^−x)/x for the step's x = G·dt/C.

/// φ(x) = (1 − e^−x)/x, for 0 ≤ x ≤ `relaxationMaxX`.
///
/// Exponential Euler relaxes V towards J/G over one step:
///
///     V' = J/G + (V − J/G)·e^−x = V + φ(x)·(dt/C)·(J − G·V),   x = G·dt/C,
///
/// so with φ the update needs neither J/G (a division) nor an exponential, and it adds a
/// small increment to V rather than cancelling two large terms. φ(x) = Σ (−x)^k/(k+1)! is
/// smooth and slowly varying on [0, 1]; the polynomial below is its degree-11 interpolant at
/// the 12 Chebyshev nodes of [0, 1] (solved in 60-digit arithmetic with mpmath, coefficients
/// rounded to double), evaluated by Estrin's scheme with fused multiply-adds (depth 5
/// instead of Horner's 11). The interpolation error bound is 2·(1/4)¹²/12!·max|φ⁽¹²⁾| < 10⁻¹⁷;
/// measured in double against mpmath (`scripts/check-propagator.py`, each fused multiply-add
/// rounded once as here): φ within 3.3·10⁻¹⁶ relative on [0, 1] (≈ 2 ulp), and one step
/// V' within 1·10⁻¹⁴ mV of the exact relaxation for G 10–410 nS, C 200 pF, dt 0.1 ms.
///
/// Typical x is small (COBA benchmark: 0.005–0.65, median ≈ 0.12; the structural benchmark
/// ≈ 0.007). A neuron with x > 1 (very large conductances or long steps) takes φ from the
/// exponential instead (`KernelView.integrate`, second pass).
///
/// Only IEEE operations with one rounding each: add, multiply and fused multiply-add
/// (`addingProduct`, IEEE 754 fusedMultiplyAdd, one rounding — a hardware instruction where
/// the build targets one, glibc's correctly rounded `fma` otherwise), so every machine,
/// build and vector lane computes the same bits.
@inline(__always)
func relaxationPhi(_ x: Double) -> Double {
    let c0 = 0x1.0000000000000p+0, c1 = -0x1.fffffffffffbfp-2
    let c2 = 0x1.5555555553d17p-3, c3 = -0x1.55555554e3ee5p-5
    let c4 = 0x1.111110ffead23p-7, c5 = -0x1.6c16be5b72e81p-10
    let c6 = 0x1.a019a88a4376ep-13, c7 = -0x1.a01353df3c6f0p-16
    let c8 = 0x1.71884cf365d5ap-19, c9 = -0x1.25048a582d845p-22
    let c10 = 0x1.8e96f892718cbp-26, c11 = -0x1.6b6de66c0cdc9p-30
    let x2 = x * x, x4 = x2 * x2, x8 = x4 * x4
    let p01 = c0.addingProduct(c1, x), p23 = c2.addingProduct(c3, x), p45 = c4.addingProduct(c5, x)
    let p67 = c6.addingProduct(c7, x), p89 = c8.addingProduct(c9, x), pAB = c10.addingProduct(c11, x)
    let q0 = p01.addingProduct(p23, x2), q1 = p45.addingProduct(p67, x2), q2 = p89.addingProduct(pAB, x2)
    return q0.addingProduct(q1, x4).addingProduct(q2, x8)
}

/// φ(x) = (1 − e^−x)/x from the exponential, for x > `relaxationMaxX` (no cancellation there).
@inline(__always)
func relaxationPhiExact(_ x: Double) -> Double {
    (1 - kernelExp(-x)) / x
}

/// The largest x = G·dt/C for which `relaxationPhi` is used.
let relaxationMaxX = 1.0
