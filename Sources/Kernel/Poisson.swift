// Poisson counts for background drive, drawn by inverting the cumulative distribution
// with 64 random bits from the counter RNG (one draw per neuron and step).

import NeuroplastCore

/// `poissonCount` with the cumulative distribution up to 31 events computed once, by the
/// same recurrence (so the same doubles): a draw is then a few comparisons instead of a
/// division per event, and gives the same count for the same bits. Beyond the table the
/// recurrence carries on exactly where it stopped. Valid only inside `PoissonTable.with`.
public struct PoissonTable {
    static let size = 32
    let cdf: UnsafePointer<Double>
    let pLast: Double
    let mean: Double

    /// Runs `body` with the table for `mean` (pZero = e^−mean), held on the stack.
    @inline(__always)
    public static func with<R>(mean: Double, pZero: Double, _ body: (PoissonTable) -> R) -> R {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: size) { buf in
            var p = pZero, c = pZero
            buf[0] = c
            for k in 1..<size {
                p *= mean / Double(k)
                c += p
                buf[k] = c
            }
            // SAFETY: the table is used only inside `body`, while the allocation lives.
            return body(PoissonTable(cdf: UnsafePointer(buf.baseAddress!), pLast: p, mean: mean))
        }
    }

    @inline(__always)
    public func count(_ bits: UInt64) -> Int {
        let u = CounterRNG.unit(bits)
        // Branch-free over the first four entries (the count is random, so a compare-and-
        // branch per event mispredicts often): the distribution ascends, so the entries at or
        // below u are a prefix and their number is the count.
        var k = (u >= cdf[0] ? 1 : 0) + (u >= cdf[1] ? 1 : 0) + (u >= cdf[2] ? 1 : 0) + (u >= cdf[3] ? 1 : 0)
        if k < 4 { return k }
        while k < Self.size && u >= cdf[k] { k += 1 }
        if k < Self.size { return k }
        return poissonInversion(u, mean: mean, from: Self.size - 1, p: pLast, cdf: cdf[Self.size - 1])
    }
}

/// Number of Poisson events with the given mean, from 64 random bits, by inversion of the
/// cumulative distribution (exact for the means of background drive, < ~30 per step).
@inline(__always)
public func poissonCount(_ bits: UInt64, mean: Double, pZero: Double) -> Int {
    poissonInversion(CounterRNG.unit(bits), mean: mean, from: 0, p: pZero, cdf: pZero)
}

/// The inversion's recurrence from count `k` with P(k) = `p` and P(≤ k) = `cdf`:
/// P(k+1) = P(k)·mean/(k+1), carried on while u ≥ P(≤ k) (at most 1000 events). One
/// function for the scalar draw and the table's tail, so both give the same doubles.
@inline(__always)
func poissonInversion(_ u: Double, mean: Double, from k0: Int, p p0: Double, cdf c0: Double) -> Int {
    var k = k0, p = p0, cdf = c0
    while u >= cdf, k < 1000 {
        k += 1
        p *= mean / Double(k)
        cdf += p
    }
    return k
}

/// Adds weight × (Poisson count for (keys[i], counter)) to `target[i]` for i in `range`: the
/// counts of `PoissonTable.count` for `CounterRNG.bits(key:counter:)`, eight neurons at a time.
///
/// The eight mixes run as one 64-bit-lane vector (a native multiply with AVX-512DQ). The
/// count is 8 minus the number of the table's first eight entries above u, each read off the
/// sign bit of u − cdf[c] (u ≥ c gives +0 or more, u < c a negative difference: both exact
/// in sign), so the loop is plain arithmetic; Swift lowers vector masks of 64-bit lanes
/// partly lane by lane. A lane whose count reaches 8 (P < 10⁻⁵ at a mean of 1 per step, the
/// usual drive) is counted again by `PoissonTable.count`; with four entries, at a mean of 1
/// one group in 14 took that scalar path. The adds are unconditional (adding +0 leaves a
/// conductance ≥ 0 unchanged): a branch on "any input" would mispredict as often as inputs
/// come. Same bits per neuron as the scalar draw, so the result does not depend on where a
/// range or its groups start.
///
/// Not inlined: in its own function the lane-wise SIMD code Swift emits vectorises again.
@inline(never)
func addPoisson(_ table: PoissonTable, keys: SharedPointer<UInt64>, counter: UInt64, weight: Double,
                into target: SharedPointer<Double>, range: Range<Int>) {
    typealias Lanes = SIMD8<Double>
    typealias Bits = SIMD8<UInt64>
    let mixedCounter = Bits(repeating: CounterRNG.mix(counter))
    let cdf = table.cdf
    let c0 = Lanes(repeating: cdf[0]), c1 = Lanes(repeating: cdf[1]), c2 = Lanes(repeating: cdf[2])
    let c3 = Lanes(repeating: cdf[3]), c4 = Lanes(repeating: cdf[4]), c5 = Lanes(repeating: cdf[5])
    let c6 = Lanes(repeating: cdf[6]), c7 = Lanes(repeating: cdf[7])
    @inline(__always) func sign(_ x: Lanes) -> Bits {
        // SAFETY: SIMD8<Double> and SIMD8<UInt64> have the same size; a bit pattern reinterpreted.
        unsafeBitCast(x, to: Bits.self) &>> 63
    }
    var i = range.lowerBound
    while i + 8 <= range.upperBound {
        // SAFETY: i ..< i+8 lies in `range`, which the caller's chunk owns (keys only read).
        let k8 = UnsafeRawPointer(keys.base + i).loadUnaligned(as: Bits.self)
        let bits = CounterRNG.mix(k8 ^ mixedCounter)
        let u = Lanes(SIMD8<Int64>(truncatingIfNeeded: bits &>> 11)) * 0x1.0p-53
        let a: Bits = sign(u - c0) &+ sign(u - c1), b: Bits = sign(u - c2) &+ sign(u - c3)
        let d: Bits = sign(u - c4) &+ sign(u - c5), e: Bits = sign(u - c6) &+ sign(u - c7)
        let above: Bits = (a &+ b) &+ (d &+ e)
        var k = Lanes(repeating: 8) - Lanes(SIMD8<Int64>(truncatingIfNeeded: above))
        if above.min() == 0 {
            for l in 0..<8 where above[l] == 0 { k[l] = Double(table.count(bits[l])) }
        }
        let t = UnsafeMutableRawPointer(target.base + i)
        t.storeBytes(of: t.loadUnaligned(as: Lanes.self) + k * weight, as: Lanes.self)
        i += 8
    }
    while i < range.upperBound {
        target[i] += Double(table.count(CounterRNG.bits(key: keys[i], counter: counter))) * weight
        i += 1
    }
}
