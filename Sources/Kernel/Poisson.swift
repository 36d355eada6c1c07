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
/// counts of `PoissonTable.count` for `CounterRNG.bits(key:counter:)`, four neurons at a time.
///
/// The four mixes run as one 64-bit-lane vector (a native multiply with AVX-512DQ), the four
/// comparisons with the table's first entries as lane masks; a lane whose count reaches 4
/// (P < 10⁻⁴ at the drive's usual means) is counted again by `PoissonTable.count`. The adds
/// are unconditional (adding +0 leaves a conductance ≥ 0 unchanged): a branch on "any input"
/// would mispredict as often as inputs come. Same bits per neuron as the scalar draw, so the
/// result does not depend on where a range or its groups start.
///
/// Not inlined: in its own function the lane-wise SIMD code Swift emits vectorises again.
@inline(never)
func addPoisson(_ table: PoissonTable, keys: SharedPointer<UInt64>, counter: UInt64, weight: Double,
                into target: SharedPointer<Double>, range: Range<Int>) {
    let mixedCounter = CounterRNG.mix(counter)
    let c0 = table.cdf[0], c1 = table.cdf[1], c2 = table.cdf[2], c3 = table.cdf[3]
    var i = range.lowerBound
    while i + 4 <= range.upperBound {
        // SAFETY: i ..< i+4 lies in `range`, which the caller's chunk owns (keys only read).
        let k4 = UnsafeRawPointer(keys.base + i).loadUnaligned(as: SIMD4<UInt64>.self)
        let bits = CounterRNG.mix(k4 ^ mixedCounter)
        let u = SIMD4<Double>(SIMD4<Int64>(truncatingIfNeeded: bits &>> 11)) * 0x1.0p-53
        var k = SIMD4<Double>(repeating: 0)
        k.replace(with: k + 1, where: u .>= c0)
        k.replace(with: k + 1, where: u .>= c1)
        k.replace(with: k + 1, where: u .>= c2)
        k.replace(with: k + 1, where: u .>= c3)
        if any(k .== 4) {
            for l in 0..<4 where k[l] == 4 { k[l] = Double(table.count(bits[l])) }
        }
        let t = UnsafeMutableRawPointer(target.base + i)
        t.storeBytes(of: t.loadUnaligned(as: SIMD4<Double>.self) + k * weight, as: SIMD4<Double>.self)
        i += 4
    }
    while i < range.upperBound {
        target[i] += Double(table.count(CounterRNG.bits(key: keys[i], counter: counter))) * weight
        i += 1
    }
}
