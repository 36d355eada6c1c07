// The distance factors of formation, computed a block of spines at a time on several
// threads. Formation weighs every sender with vacant boutons by exp(−d²/2σ²) for each new
// spine: on the 10 000-neuron, 14-day slow-clock run that is 8 000 exponentials for each of
// up to 11 000 spines an hour, most of the run's time, on one thread while the others wait.
// A factor depends only on the two positions, not on what formation decided before, so a
// block of spines can be computed ahead, in parallel, and the serial partner choice reads it.
//
// Schedule (one `fill`): the block's K·S factors (K spines × S senders, spine-major) are cut
// into chunks of `chunk` factors; threads take chunks round-robin (`ChunkedLoop`); the
// caller's loop then walks the block's spines in order. Each factor is the one expression
// `factor(_:_:_:_:)` whichever thread computes it: the plan is identical bit for bit for any
// thread count.

import Kernel

#if canImport(Glibc)
import Glibc
#endif

struct DistanceFactors: Sendable {
    /// Factors per chunk of the parallel fill.
    static let chunk = 4_096
    /// Factors per block at most (2 MiB of Doubles): K = max(1, min(64, budget / S)) spines.
    static let budget = 1 << 18

    /// Distance scale σ [µm], and the sheet (periodic distances wrap around it).
    let sigma: Double
    let width: Double, height: Double, periodic: Bool
    /// The senders by index b: neuron id, position [µm] and population.
    let senderID: [Int]
    let senderX: [Double], senderY: [Double]
    let senderPopulation: [Int]
    /// Spines per block.
    var spinesPerBlock: Int { max(1, min(64, Self.budget / max(1, senderID.count))) }
    /// factor(k, b) = values[k·S + b]: spine k of the block and sender b; 0 where the pair
    /// cannot be chosen anywhere in this block (no vacant bouton left at its start, the
    /// spine's own neuron, or a pair of populations that may not connect) — such a sender
    /// gets weight 0, as the caller's own checks give it.
    private(set) var values: [Double] = []

    init(sigma: Double, width: Double, height: Double, periodic: Bool, senders: [Int], x: [Double], y: [Double], population: [UInt8]) {
        self.sigma = sigma; self.width = width; self.height = height; self.periodic = periodic
        senderID = senders
        senderX = senders.map { x[$0] }
        senderY = senders.map { y[$0] }
        senderPopulation = senders.map { Int(population[$0]) }
    }

    /// exp(−d²/2σ²), d the (periodic) distance between (xa, ya) and (xb, yb) [µm].
    @inline(__always)
    func factor(_ xa: Double, _ ya: Double, _ xb: Double, _ yb: Double) -> Double {
        var dx = abs(xa - xb), dy = abs(ya - yb)
        if periodic { dx = min(dx, width - dx); dy = min(dy, height - dy) }
        return exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))
    }

    /// Computes the factors of the block `spines` (at most `spinesPerBlock`) against every
    /// sender. `open[b]`: sender b has a vacant bouton now; `allowed[a·P + b]`: population a
    /// may connect to population b.
    mutating func fill(spines: ArraySlice<Int>, x: [Double], y: [Double], population: [UInt8],
                       open: [Bool], allowed: [Bool], populations P: Int, threads: Int) {
        let S = senderID.count, total = spines.count * S
        if values.count < total { values = [Double](repeating: 0, count: total) }
        guard total > 0 else { return }
        let spineID = Array(spines), spineX = spines.map { x[$0] }, spineY = spines.map { y[$0] }
        let spinePopulation = spines.map { Int(population[$0]) }
        let chunks = (total + Self.chunk - 1) / Self.chunk
        let me = self
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // SAFETY: `values` holds at least `total` elements and outlives the loop (the
            // loop returns before `withUnsafeMutableBufferPointer` does); chunk c writes only
            // indices [c·chunk, min((c+1)·chunk, total)), disjoint from every other chunk's.
            let out = SharedPointer(base)
            ChunkedLoop.run(chunks: chunks, threads: threads) { c in
                let end = min((c + 1) * Self.chunk, total)
                var e = c * Self.chunk
                var k = e / S, b = e - k * S   // one division per chunk, not per factor
                while e < end {
                    // The rest of spine k's row that lies in this chunk.
                    let stop = min(end - e + b, S)
                    let j = spineID[k], xj = spineX[k], yj = spineY[k], pj = spinePopulation[k]
                    while b < stop {
                        let ok = open[b] && me.senderID[b] != j && allowed[me.senderPopulation[b] * P + pj]
                        out[e] = ok ? me.factor(me.senderX[b], me.senderY[b], xj, yj) : 0
                        e += 1; b += 1
                    }
                    if b == S { b = 0; k += 1 }
                }
            }
        }
    }
}
