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
/// smooth and slowly varying; the polynomial below is its degree-9 interpolant at the 10
/// Chebyshev nodes of [0, 1/2] (solved in 60-digit arithmetic with mpmath, coefficients
/// rounded to double), evaluated by Estrin's scheme with fused multiply-adds (four multiply-add
/// levels instead of Horner's nine: the update loop is bound by its dependency chain, not by
/// the three extra multiplies). The interpolation error bound is 2·(1/8)¹⁰/10!·max|φ⁽¹⁰⁾|
/// < 5·10⁻¹⁷; measured in double against mpmath (`scripts/check-propagator.py`, each fused
/// multiply-add rounded once as here): φ within 3.3·10⁻¹⁶ relative on [0, 1/2] (≈ 2 ulp),
/// and one step V' within 1·10⁻¹⁴ mV of the exact relaxation for G 10–390 nS, C 200 pF,
/// dt 0.1 ms.
///
/// Typical x is small: in the COBA benchmark 0.005–0.65 with median ≈ 0.12, and 0.006 % of
/// its neuron-steps beyond 1/2; the structural benchmark ≈ 0.007. A neuron with x > 1/2
/// (large conductances or long steps) takes φ from the exponential instead
/// (`KernelView.integrate`, second pass). [0, 1] would need degree 11.
///
/// Only IEEE operations with one rounding each: add, multiply and fused multiply-add
/// (`addingProduct`, IEEE 754 fusedMultiplyAdd, one rounding — a hardware instruction where
/// the build targets one, glibc's correctly rounded `fma` otherwise), so every machine,
/// build and vector lane computes the same bits.
@inline(__always)
func relaxationPhi(_ x: Double) -> Double {
    let c0 = 0x1.0000000000000p+0, c1 = -0x1.ffffffffffeefp-2
    let c2 = 0x1.555555554c832p-3, c3 = -0x1.55555551cc379p-5
    let c4 = 0x1.111110589fe36p-7, c5 = -0x1.6c16962d6271ap-10
    let c6 = 0x1.a013d18d84387p-13, c7 = -0x1.9f8d22848c183p-16
    let c8 = 0x1.6a3c1963299dcp-19, c9 = -0x1.d823af61bbfc6p-23
    let x2 = x * x, x4 = x2 * x2, x8 = x4 * x4
    let p01 = c0.addingProduct(c1, x), p23 = c2.addingProduct(c3, x), p45 = c4.addingProduct(c5, x)
    let p67 = c6.addingProduct(c7, x), p89 = c8.addingProduct(c9, x)
    let q0 = p01.addingProduct(p23, x2), q1 = p45.addingProduct(p67, x2)
    return q0.addingProduct(q1, x4).addingProduct(p89, x8)
}

/// φ(x) = (1 − e^−x)/x from the exponential, for x > `relaxationMaxX` (no cancellation there).
@inline(__always)
func relaxationPhiExact(_ x: Double) -> Double {
    (1 - kernelExp(-x)) / x
}

/// The largest x = G·dt/C for which `relaxationPhi` is used.
let relaxationMaxX = 0.5
