// Delivery by target blocks, for worker ranges too large for the L2 cache. Spike by spike,
// a row's adds land all over the ring slot: in a network of 4·10⁵ neurons a worker's half of
// a slot is 800 kB, and the table streaming past (2.5 kB of row per spike) evicts it, so
// nearly every add missed the L2. Here a worker takes the spikes of one step together and
// walks its targets in blocks of `blockTargets` (32 768 targets: 128 kB of a ring slot): for
// each block, every spike adds its synapses that fall into the block, continuing from where
// its row left off (rows are sorted by target, so a cursor per spike only moves forward).
// The block's lines stay in cache for all of the step's spikes; each spike's part of the
// next block is prefetched a few spikes ahead, since the hardware cannot follow one stream
// per spike.
//
// Same sums: a target lies in one block of one segment, and its adds still come in spike
// order (steps ascending, then the batch's order within a step), so every ring entry is
// the same bits as spike-by-spike delivery.

import CPrefetch

extension DeliveryView {
    /// Targets per block: 128 kB of one ring slot of Float (measured best of 16 384, 32 768 and
    /// 65 536 on brunel-ai at 4·10⁵ neurons). `ShardKernel.deliveryBlockTargets` sets it per kernel.
    public static let defaultBlockTargets = 32_768
    /// How many spikes ahead a block pass prefetches.
    static let blockLookahead = 8

    /// Whether some segment of `range` spans more than two blocks (below that, spike by spike
    /// is as good and has no per-block cost).
    @inline(__always)
    func needsBlocks(_ segments: SharedPointer<DeliverySegment>, _ range: Range<Int>) -> Bool {
        for i in range where Int(segments[i].hi) - Int(segments[i].lo) > 2 * blockTargets { return true }
        return false
    }

    /// `deliver` for the segments `range`, step by step and block by block.
    func deliverByBlocks(_ spikes: UnsafeBufferPointer<Spike>, nmdaFactors: SharedPointer<Float>?,
                         segments: SharedPointer<DeliverySegment>, _ range: Range<Int>) {
        let count = spikes.count
        // Per spike of the current step: the next synapse of its row, the end of its part, and
        // its mix index (source population × P + target population).
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 3 * count) { cursor in
            var first = 0
            while first < count {
                let step = spikes[first].step
                var end = first + 1
                while end < count, spikes[end].step == step { end += 1 }
                let s0 = step % R
                for i in range {
                    let seg = segments[i]
                    for k in first..<end {
                        if k + Self.boundsLookahead < end { prefetchMarks(Int(spikes[k + Self.boundsLookahead].source)) }
                        let g = Int(spikes[k].source)
                        let row = marks.base + g * stride
                        cursor[3 * k] = row[seg.from]
                        cursor[3 * k + 1] = row[seg.to]
                        cursor[3 * k + 2] = UInt32(truncatingIfNeeded: Int(srcPop[g]) * P + seg.population)
                    }
                    var lo = Int(seg.lo)
                    while lo < Int(seg.hi) {
                        let hi = min(Int(seg.hi), lo + blockTargets)
                        let lastBlock = hi == Int(seg.hi)
                        for k in first..<end {
                            if k + Self.blockLookahead < end {
                                // The part of a later spike's row in this block: its expected
                                // length (the rest of the row in proportion to the targets left)
                                // and a line more. SAFETY: hints only; the addresses lie in the
                                // row (a prefetch never faults anyway).
                                let q = 3 * (k + Self.blockLookahead)
                                var j = Int(cursor[q])
                                let left = Int(cursor[q + 1]) - j
                                let stop = j + min(left, left * (hi - lo) / max(1, Int(seg.hi) - lo) + 16)
                                while j < stop { np_prefetch(tgt.base + j); j += 16 }
                            }
                            let j0 = Int(cursor[3 * k]), e = Int(cursor[3 * k + 1])
                            if j0 == e { continue }
                            var j1 = e
                            if !lastBlock {
                                j1 = j0
                                while j1 < e, Int(tgt[j1]) < hi { j1 += 1 }
                                if j1 == j0 { continue }
                                cursor[3 * k] = UInt32(truncatingIfNeeded: j1)
                            }
                            let m = Int(cursor[3 * k + 2])
                            if mA[m] != 0 { add(rA, mA[m], s0, j0..<j1) }
                            if mN[m] != 0 { add(rN, nmdaFactors.map { mN[m] * $0[k] } ?? mN[m], s0, j0..<j1) }
                            if mG[m] != 0 { add(rG, mG[m], s0, j0..<j1) }
                        }
                        lo = hi
                    }
                }
                first = end
            }
        }
    }
}
