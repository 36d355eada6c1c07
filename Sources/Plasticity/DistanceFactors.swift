// The distance factors of formation, computed a block of spines at a time on several
// threads. Formation weighs every sender with vacant boutons by exp(−d²/2σ²) for each new
// spine: on the 10 000-neuron, 14-day slow-clock run that is 8 000 exponentials for each of
// up to 11 000 spines an hour, most of the run's time, on one thread while the others wait.
// A factor depends only on the two positions, not on what formation decided before, so a
// block of spines can be computed ahead, in parallel, and the serial partner choice reads it.
//
// Schedule. A block's K·S factors (K spines × S senders, spine-major) are cut into chunks of
// `chunk` factors. With one thread, `fill` computes a block when the caller reaches it. With
// a `WorkerGang`, blocks alternate between two slots: while the caller (the gang's leader)
// chooses the partners of block b from one slot, the followers compute block b + 1 into the
// other (`start`); when the leader is done with block b it joins in on what is left of
// b + 1 and waits for it (`finish`), then starts b + 2. A factor computed ahead is the same
// value: only the senders without a vacant bouton when a fill starts get 0, and a sender
// loses boutons, never gains them, within one update, so a sender that is 0 in an earlier
// fill has none left by the time its spine is chosen. Each factor is the one expression
// `factor(_:_:_:_:)` whichever thread computes it, and the choice reads only factors: the
// plan is identical bit for bit for any thread count.

import Kernel

final class DistanceFactors {
    /// Factors per chunk of the parallel fill.
    static let chunk = 4_096
    /// Factors per block at most (2 MiB of Doubles): K = max(1, min(64, budget / S)) spines.
    static let budget = 1 << 18

    /// What every fill reads: σ [µm], the sheet (periodic distances wrap around it) and the
    /// senders by index b — position [µm] and population.
    struct Geometry: Sendable {
        let sigma: Double
        let width: Double, height: Double, periodic: Bool
        let senderX: [Double], senderY: [Double]
        let senderPopulation: [Int]

        /// exp(−d²/2σ²), d the (periodic) distance between (xa, ya) and (xb, yb) [µm], from
        /// the kernel's own exponential (`kernelExp`, within 1.1 ulp of the exact value, the
        /// same bits on every machine and vector lane — the C library's `exp` picks an FMA or
        /// a plain variant by CPU, and cannot be vectorised); 0 below e^−708 ≈ 3·10⁻³⁰⁸
        /// (d > 37.6 σ), where `exp` itself underflows towards 0.
        @inline(__always)
        func factor(_ xa: Double, _ ya: Double, _ xb: Double, _ yb: Double) -> Double {
            var dx = abs(xa - xb), dy = abs(ya - yb)
            if periodic { dx = min(dx, width - dx); dy = min(dy, height - dy) }
            let a = -(dx * dx + dy * dy) / (2 * sigma * sigma)
            return a < -708 ? 0 : kernelExp(a)
        }
    }

    let geometry: Geometry
    /// Senders (S).
    let senderCount: Int
    /// senderIndex[i]: neuron i's index b among the senders, or −1.
    private let senderIndex: [Int]
    /// Every neuron's position [µm] and population; allowed[a·P + b]: population a may connect
    /// to population b (P populations).
    private let x: [Double], y: [Double], population: [UInt8], allowed: [Bool], populations: Int
    /// Spines per block.
    let spinesPerBlock: Int
    /// Two slots of `spinesPerBlock · S` factors: factor(k, b) of a block in slot t is
    /// slots[t][k·S + b], spine k of the block and sender b; 0 where the pair cannot be
    /// chosen anywhere in this block (no vacant bouton left when its fill started, the
    /// spine's own neuron, or a pair of populations that may not connect) — such a sender
    /// gets weight 0, as the caller's own checks give it.
    private let slots: [KernelBuffer<Double>]

    init(sigma: Double, width: Double, height: Double, periodic: Bool, senders: [Int], x: [Double], y: [Double],
         population: [UInt8], allowed: [Bool], populations P: Int) {
        geometry = Geometry(sigma: sigma, width: width, height: height, periodic: periodic,
                            senderX: senders.map { x[$0] }, senderY: senders.map { y[$0] },
                            senderPopulation: senders.map { Int(population[$0]) })
        senderCount = senders.count
        self.x = x; self.y = y; self.population = population; self.allowed = allowed; populations = P
        var index = [Int](repeating: -1, count: x.count)
        for (b, i) in senders.enumerated() { index[i] = b }
        senderIndex = index
        spinesPerBlock = max(1, min(64, Self.budget / max(1, senders.count)))
        let size = spinesPerBlock * senders.count
        slots = [KernelBuffer(count: size, initial: 0), KernelBuffer(count: size, initial: 0)]
    }

    /// The factors of the block in `slot`, spine-major; valid once its fill has returned or
    /// been finished.
    func values(slot: Int) -> UnsafeBufferPointer<Double> {
        UnsafeBufferPointer(start: slots[slot].pointer, count: slots[slot].count)
    }

    /// Computes the factors of the block `spines` (at most `spinesPerBlock`) against every
    /// sender into `slot`, now, with `gang` if one runs. `open[b]`: sender b has a vacant
    /// bouton now.
    func fill(slot: Int, spines: ArraySlice<Int>, open: [Bool], gang: WorkerGang?) {
        let (chunks, body) = loop(slot: slot, spines: spines, open: open)
        if let gang { gang.parallel(chunks: chunks, body) } else { for c in 0..<chunks { body(c) } }
    }

    /// As `fill`, but only starts it on the gang's followers and returns; the caller must
    /// `gang.finish` the phase before it reads `slot` or starts another phase.
    func start(slot: Int, spines: ArraySlice<Int>, open: [Bool], gang: WorkerGang) -> WorkerGang.Phase {
        let (chunks, body) = loop(slot: slot, spines: spines, open: open)
        return gang.start(chunks: chunks, body)
    }

    /// The chunks of one block's fill and the body that computes chunk c.
    private func loop(slot: Int, spines: ArraySlice<Int>, open: [Bool]) -> (Int, @Sendable (Int) -> Void) {
        let S = senderCount, total = spines.count * S, P = populations
        precondition(spines.count <= spinesPerBlock, "a block holds at most spinesPerBlock spines")
        let spineX = spines.map { x[$0] }, spineY = spines.map { y[$0] }
        let spinePopulation = spines.map { Int(population[$0]) }
        let chunks = (total + Self.chunk - 1) / Self.chunk
        let g = geometry
        // eligible[p·S + b]: 1 if sender b has a vacant bouton and may connect to population
        // p, else 0 — a multiplier, so the factor loop has no branch and vectorises (× 1 and
        // × 0 are exact). A spine's own neuron is zeroed after its row (`selfIndex`).
        let eligible = (0..<P * S).map { t -> Double in
            let p = t / S, b = t - p * S
            return open[b] && allowed[g.senderPopulation[b] * P + p] ? 1 : 0
        }
        let selfIndex = spines.map { senderIndex[$0] }
        // SAFETY: the slot holds spinesPerBlock · S ≥ `total` elements and is owned by `self`,
        // which the caller keeps alive until the loop has returned or been finished. Chunk c
        // writes only indices [c·chunk, min((c+1)·chunk, total)), disjoint from every other
        // chunk's, and the caller reads the slot only after the loop has returned or been
        // finished (the gang's acquiring wait orders the chunks' writes before the reads).
        let out = SharedPointer(slots[slot].pointer)
        let body: @Sendable (Int) -> Void = { c in
            let end = min((c + 1) * Self.chunk, total)
            var e = c * Self.chunk
            var k = e / S, b = e - k * S   // one division per chunk, not per factor
            while e < end {
                // The rest of spine k's row that lies in this chunk.
                let stop = min(end - e + b, S)
                let xj = spineX[k], yj = spineY[k], mask = spinePopulation[k] * S, first = b, row = e - b
                while b < stop {
                    out[row + b] = g.factor(g.senderX[b], g.senderY[b], xj, yj) * eligible[mask + b]
                    b += 1
                }
                let me = selfIndex[k]
                if me >= first, me < stop { out[row + me] = 0 }
                e = row + b
                if b == S { b = 0; k += 1 }
            }
        }
        return (chunks, body)
    }
}
