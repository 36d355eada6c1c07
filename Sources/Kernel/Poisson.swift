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
        var p = pLast, c = cdf[Self.size - 1]
        k = Self.size - 1
        while u >= c, k < 1000 {
            k += 1
            p *= mean / Double(k)
            c += p
        }
        return k
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
