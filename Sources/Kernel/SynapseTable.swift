// Synapse storage of one shard: the synapses onto the shard's neurons, grouped in rows by
// global source id, so delivering a spike touches one contiguous row and writes only
// shard-local state. Rows have spare capacity and can grow, shrink and move, so structural
// plasticity inserts and deletes synapses without rebuilding the table. 10 bytes per
// synapse: target (4), weight (4), delay (2), plus spare capacity (at most as much again);
// 4 when every synapse of the shard has the same weight and the same delay (the weight and
// the delay are then kept once: `uniformWeight`, `uniformDelay`).

/// One synapse as produced by connectivity generation, before insertion.
public struct SynapseSpec: Sendable, Equatable {
    public var source: Int32      // global id
    public var target: Int32      // local index in the shard
    public var weight: Float      // dimensionless factor on the projection's conductances
    public var delay: UInt16      // [steps] ≥ 1
    public init(source: Int32, target: Int32, weight: Float, delay: UInt16) {
        self.source = source; self.target = target; self.weight = weight; self.delay = delay
    }
}

/// Why a synapse table cannot be built.
public enum SynapseTableError: Error, Sendable, CustomStringConvertible {
    /// More synapses than one shard's 32-bit row offsets address.
    case tooManySynapses(Int, limit: Int)
    public var description: String {
        switch self {
        case let .tooManySynapses(n, limit):
            return "a shard would hold \(n) synapses, more than the \(limit) its 32-bit row offsets address; run with more shards (--shards)"
        }
    }
}

/// Rows keyed by global source id, each sorted by target (local index, which is global-id
/// order); synapses to the same target keep their insertion order. Because generation lists
/// synapses by (target, draw order) and deletion shifts rather than swaps, the order in which
/// a target sums its inputs is canonical and independent of how neurons are split into shards.
///
/// Row r occupies `rowStart[r] ..< rowEnd[r]` of the storage, with room up to
/// `rowStart[r] + rowCapacity[r]`. A full row moves to the end of the storage with twice the
/// room; the hole it leaves is reclaimed by `compact()` once holes outweigh live synapses.
public final class SynapseTable {
    public private(set) var rowStart: KernelBuffer<UInt32>
    public private(set) var rowEnd: KernelBuffer<UInt32>
    public private(set) var rowCapacity: KernelBuffer<UInt32>
    public private(set) var target: KernelBuffer<UInt32>
    /// Per-slot weights and delays, or an empty buffer while every synapse has the one
    /// `uniformWeight` / `uniformDelay`.
    private(set) var weightStore: KernelBuffer<Float>
    private(set) var delayStore: KernelBuffer<UInt16>
    /// The weight and the delay of every synapse when they are all the same (bit for bit):
    /// set when the table is built or restored with such synapses, kept while inserted
    /// synapses agree, dropped (each synapse gets its own entry) on the first that does not,
    /// or when a writer asks for `weight` / `delay`. Delivery then reads 4 bytes per synapse
    /// instead of 10 and computes one ring slot per run instead of one per synapse; the sums
    /// are the same bits (w·f for the one w is the same product as for each synapse's copy).
    public private(set) var uniformWeight: Float?
    public private(set) var uniformDelay: UInt16?
    /// Weights of every storage slot, for writers (weight plasticity, synaptic scaling): a
    /// table of uniform weights first gives each synapse its own entry. Readers use `weight(at:)`.
    public var weight: KernelBuffer<Float> { separateWeights(); return weightStore }
    /// Delays of every storage slot, as `weight` is for weights. Readers use `delay(at:)`.
    public var delay: KernelBuffer<UInt16> { separateDelays(); return delayStore }
    /// The weight of storage slot j (a live synapse).
    @inline(__always) public func weight(at j: Int) -> Float { uniformWeight ?? weightStore[j] }
    /// The delay [steps] of storage slot j (a live synapse).
    @inline(__always) public func delay(at j: Int) -> UInt16 { uniformDelay ?? delayStore[j] }
    /// Live synapses.
    public private(set) var count: Int
    /// Storage slots in use (live synapses, spare room and holes).
    public private(set) var used: Int
    public let globalNeurons: Int
    /// Largest and smallest delay [steps] ever stored (0 if none).
    public private(set) var maxDelay: Int
    public private(set) var minDelay: Int
    /// Where each row crosses the cut targets delivery asks for (`mark(cuts:threads:)`):
    /// kept true through every change of the rows. Built with no cuts (each row's start and end).
    public private(set) var marks: RowMarks

    /// A table of `synapses` as listed (tests and small tables).
    public convenience init(globalNeurons: Int, synapses: [SynapseSpec]) throws(SynapseTableError) {
        try self.init(globalNeurons: globalNeurons, targets: 1, threads: 1) { _, _, emit in synapses.forEach(emit) }
    }

    /// Builds the table without ever holding the synapses twice, in two passes over the
    /// targets 0..<`targets`, cut into blocks of contiguous targets run in parallel:
    ///
    ///   1. count: `generate(block, false, emit)` lists the block's synapses (weights and
    ///      delays may be left out) and each block counts its synapses per row (source);
    ///   2. the row starts follow by prefix sums, row by row, each row's slots split between
    ///      the blocks in block order — so a row lists its synapses in target order with
    ///      equal targets in generation order, exactly as one serial pass would; the total is
    ///      checked against `maxSlots` before any synapse storage is allocated;
    ///   3. fill: `generate(block, true, emit)` lists the same synapses again, each block
    ///      writing only its own slots of every row.
    ///
    /// `generate` must list the same synapses in the same order every time it is called for
    /// a block (connectivity is drawn from counter-keyed random streams, so it does). The
    /// table is bit-identical for any thread count. Transient memory: one UInt32 per row
    /// per block (blocks = 1 on one thread, 4 per thread otherwise).
    ///
    /// `uniform` promises the weight and the delay every synapse `generate` lists will have
    /// (from the connectivity rules, before anything is drawn): the fill then stores targets
    /// only — 4 bytes per synapse at the peak instead of 10. A synapse that breaks the
    /// promise is a programming error and stops the process.
    public init(globalNeurons: Int, targets: Int, threads: Int, maxSlots: Int = Int(UInt32.max),
                uniform: (weight: Float?, delay: UInt16?) = (nil, nil),
                generate: @escaping @Sendable (_ block: Range<Int>, _ values: Bool, _ emit: (SynapseSpec) -> Void) -> Void) throws(SynapseTableError) {
        self.globalNeurons = globalNeurons
        let N = globalNeurons
        let blocks = threads <= 1 ? 1 : max(1, min(4 * threads, targets))
        @Sendable func block(_ b: Int) -> Range<Int> { (b * targets / blocks)..<((b + 1) * targets / blocks) }
        // Pass 1: per-block row counts (block b's counts at cursor[b·N ..< (b+1)·N]).
        let cursor = KernelBuffer<UInt32>(count: blocks * N, initial: 0)
        let counts = cursor.shared
        let blockTotals = KernelBuffer<Int>(count: blocks, initial: 0)
        let bt = blockTotals.shared
        // SAFETY: block b writes only cursor[b·N ..< (b+1)·N] and blockTotals[b]; the buffers
        // outlive the loop.
        ChunkedLoop.run(chunks: blocks, threads: threads) { b in
            let mine = SharedPointer(counts.base + b * N)
            var n = 0
            generate(block(b), false) { s in mine[Int(s.source)] &+= 1; n += 1 }
            bt[b] = n
        }
        // A block with 2³² synapses in one row would wrap its count; the Int totals would not.
        let listed = (0..<blocks).reduce(0) { $0 + blockTotals[$1] }
        // Pass 2: row starts, and each block's write cursor within each row.
        let starts = KernelBuffer<UInt32>(count: N + 1, initial: 0)
        var total = 0
        for r in 0..<N {
            starts[r] = UInt32(truncatingIfNeeded: min(total, maxSlots))
            for b in 0..<blocks {
                let c = Int(cursor[b * N + r])
                cursor[b * N + r] = UInt32(truncatingIfNeeded: min(total, maxSlots))
                total += c
            }
        }
        guard total <= maxSlots, listed == total else { throw SynapseTableError.tooManySynapses(max(total, listed), limit: maxSlots) }
        starts[N] = UInt32(total)
        // Pass 3: fill.
        count = total
        let tgt = KernelBuffer<UInt32>(count: total, initial: 0)
        let (uw, ud) = total == 0 ? (nil, nil) : uniform
        let w = KernelBuffer<Float>(count: uw == nil ? total : 0, initial: 0)
        let d = KernelBuffer<UInt16>(count: ud == nil ? total : 0, initial: 0)
        let (tp, wp, dp) = (tgt.shared, w.shared, d.shared)
        let delays = KernelBuffer<UInt32>(count: 2 * blocks, initial: 0)   // per block: min, max
        let dl = delays.shared
        // SAFETY: block b advances only its own cursors cursor[b·N ..< (b+1)·N], which pass 2
        // set to disjoint slot ranges of each row (block b's share of row r, as long as the
        // block's count in pass 1), so no two blocks write the same slot and none writes past
        // `total` — given the contract that `generate` lists the same synapses both times. It
        // writes only delays[2b], delays[2b+1]. Every buffer outlives the loop.
        ChunkedLoop.run(chunks: blocks, threads: threads) { b in
            let mine = SharedPointer(counts.base + b * N)
            var lo = UInt32.max, hi: UInt32 = 0
            generate(block(b), true) { s in
                let k = Int(mine[Int(s.source)])
                mine[Int(s.source)] = UInt32(k + 1)
                tp[k] = UInt32(bitPattern: s.target)
                if let uw { precondition(s.weight.bitPattern == uw.bitPattern, "a synapse of weight \(s.weight) in a table promised \(uw)") } else { wp[k] = s.weight }
                if let ud { precondition(s.delay == ud, "a synapse of delay \(s.delay) in a table promised \(ud)") } else { dp[k] = s.delay }
                lo = min(lo, UInt32(s.delay)); hi = max(hi, UInt32(s.delay))
            }
            dl[2 * b] = lo; dl[2 * b + 1] = hi
        }
        var lo = Int.max, hi = 0
        for b in 0..<blocks where delays[2 * b] <= delays[2 * b + 1] {
            lo = min(lo, Int(delays[2 * b])); hi = max(hi, Int(delays[2 * b + 1]))
        }
        rowStart = KernelBuffer(count: N, initial: 0)
        rowEnd = KernelBuffer(count: N, initial: 0)
        rowCapacity = KernelBuffer(count: N, initial: 0)
        for r in 0..<N {
            rowStart[r] = starts[r]; rowEnd[r] = starts[r + 1]; rowCapacity[r] = starts[r + 1] - starts[r]
        }
        target = tgt; weightStore = w; delayStore = d
        uniformWeight = uw; uniformDelay = ud
        used = total
        maxDelay = total == 0 ? 0 : hi
        minDelay = total == 0 ? 0 : lo
        marks = RowMarks(rows: N, start: rowStart, end: rowEnd, target: tgt, cuts: [], threads: threads)
        keepUniformOnce()
    }

    /// Marks every row at `cuts` (ascending, distinct local targets), unless it is marked
    /// there already; rows in blocks on up to `threads` threads.
    public func mark(cuts: [UInt32], threads: Int) {
        guard cuts != marks.cuts else { return }
        marks = RowMarks(self, cuts: cuts, threads: threads)
    }

    /// Keeps the weight (the delay) once if every live synapse has the same one.
    private func keepUniformOnce() {
        guard count > 0 else { return }
        if uniformWeight == nil {
            var w0: Float? = nil, same = true
            for r in 0..<globalNeurons where same {
                for j in row(r) {
                    let w = weightStore[j]
                    if let a = w0 { if a.bitPattern != w.bitPattern { same = false; break } } else { w0 = w }
                }
            }
            if same, let w0 { uniformWeight = w0; weightStore = KernelBuffer(count: 0, initial: 0) }
        }
        if uniformDelay == nil, minDelay == maxDelay {
            uniformDelay = UInt16(minDelay); delayStore = KernelBuffer(count: 0, initial: 0)
        }
    }

    /// Gives every storage slot its own weight entry (the uniform weight, in live and spare slots).
    private func separateWeights() {
        guard let w0 = uniformWeight else { return }
        weightStore = KernelBuffer(count: target.count, initial: w0)
        uniformWeight = nil
    }

    private func separateDelays() {
        guard let d0 = uniformDelay else { return }
        delayStore = KernelBuffer(count: target.count, initial: d0)
        uniformDelay = nil
    }

    /// Moves synapse slot `from` to slot `to` within the storage (target, and weight and delay
    /// when each synapse has its own).
    @inline(__always)
    private func move(_ from: Int, to: Int) {
        target[to] = target[from]
        if uniformWeight == nil { weightStore[to] = weightStore[from] }
        if uniformDelay == nil { delayStore[to] = delayStore[from] }
    }

    /// Total bytes including spare room, the row index and the row marks.
    public var bytes: Int {
        target.count * MemoryLayout<UInt32>.size + weightStore.count * MemoryLayout<Float>.size
            + delayStore.count * MemoryLayout<UInt16>.size + globalNeurons * 3 * MemoryLayout<UInt32>.size + marks.bytes
    }

    /// Live synapses of row `source` as a storage index range.
    @inline(__always) public func row(_ source: Int) -> Range<Int> { Int(rowStart[source])..<Int(rowEnd[source]) }

    /// Inserts a synapse, keeping the row sorted by target (after existing synapses to the
    /// same target).
    public func insert(_ s: SynapseSpec) {
        if let w0 = uniformWeight, w0.bitPattern != s.weight.bitPattern { separateWeights() }
        if let d0 = uniformDelay, d0 != s.delay { separateDelays() }
        let r = Int(s.source)
        if Int(rowEnd[r] - rowStart[r]) == Int(rowCapacity[r]) { relocate(row: r) }
        let lo = Int(rowStart[r]), hi = Int(rowEnd[r])
        var k = hi
        while k > lo, target[k - 1] > UInt32(s.target) { k -= 1 }
        var j = hi
        while j > k { move(j - 1, to: j); j -= 1 }
        target[k] = UInt32(s.target)
        if uniformWeight == nil { weightStore[k] = s.weight }
        if uniformDelay == nil { delayStore[k] = s.delay }
        rowEnd[r] += 1
        count += 1
        maxDelay = max(maxDelay, Int(s.delay))
        minDelay = minDelay == 0 ? Int(s.delay) : min(minDelay, Int(s.delay))
        marks.update(row: r, of: self)
    }

    /// Removes the first synapse from `source` onto local `target`; returns whether one existed.
    @discardableResult
    public func remove(source: Int, target t: Int32) -> Bool {
        let lo = Int(rowStart[source]), hi = Int(rowEnd[source])
        guard let k = (lo..<hi).first(where: { target[$0] == UInt32(t) }) else { return false }
        for j in k..<(hi - 1) { move(j + 1, to: j) }
        rowEnd[source] -= 1
        count -= 1
        marks.update(row: source, of: self)
        return true
    }

    /// Moves a full row to the end of the storage with twice its room (at least 4).
    private func relocate(row r: Int) {
        let len = Int(rowEnd[r] - rowStart[r])
        let cap = max(4, 2 * len)
        if used + cap > target.count {
            if used - count > count { compact(extra: cap) } else { grow(to: max(2 * target.count, used + cap)) }
        }
        // compact() may have moved the row; read its position again.
        let lo = Int(rowStart[r]), n = Int(rowEnd[r] - rowStart[r])
        let dst = used
        for j in 0..<n { move(lo + j, to: dst + j) }
        rowStart[r] = UInt32(dst); rowEnd[r] = UInt32(dst + n); rowCapacity[r] = UInt32(max(4, 2 * n))
        used += Int(rowCapacity[r])
    }

    private func grow(to slots: Int) {
        let t = KernelBuffer<UInt32>(count: slots, initial: 0)
        let w = KernelBuffer<Float>(count: uniformWeight == nil ? slots : 0, initial: 0)
        let d = KernelBuffer<UInt16>(count: uniformDelay == nil ? slots : 0, initial: 0)
        for j in 0..<used {
            t[j] = target[j]
            if uniformWeight == nil { w[j] = weightStore[j] }
            if uniformDelay == nil { d[j] = delayStore[j] }
        }
        target = t; weightStore = w; delayStore = d
    }

    /// Packs all rows to the front in source order (each keeping its live synapses and a
    /// little room), reclaiming holes; makes room for `extra` more slots.
    public func compact(extra: Int = 0) {
        var rooms = 0
        for r in 0..<globalNeurons { rooms += Int(rowEnd[r] - rowStart[r]) + 2 }
        let slots = max(rooms + extra, 1)
        let t = KernelBuffer<UInt32>(count: slots, initial: 0)
        let w = KernelBuffer<Float>(count: uniformWeight == nil ? slots : 0, initial: 0)
        let d = KernelBuffer<UInt16>(count: uniformDelay == nil ? slots : 0, initial: 0)
        var at = 0
        for r in 0..<globalNeurons {
            let lo = Int(rowStart[r]), n = Int(rowEnd[r] - rowStart[r])
            for j in 0..<n {
                t[at + j] = target[lo + j]
                if uniformWeight == nil { w[at + j] = weightStore[lo + j] }
                if uniformDelay == nil { d[at + j] = delayStore[lo + j] }
            }
            rowStart[r] = UInt32(at); rowEnd[r] = UInt32(at + n); rowCapacity[r] = UInt32(n + 2)
            at += n + 2
        }
        target = t; weightStore = w; delayStore = d
        used = at
        marks = RowMarks(self, cuts: marks.cuts, threads: 1)   // every row moved
    }

    /// Checks the table's invariants (tests and debug builds): rows inside the storage, no
    /// overlaps, rows sorted by target, live count consistent, row marks true.
    public func checkInvariants() -> [String] {
        var problems: [String] = []
        var live = 0
        var spans: [(Int, Int)] = []
        for r in 0..<globalNeurons {
            let lo = Int(rowStart[r]), hi = Int(rowEnd[r]), cap = Int(rowCapacity[r])
            if hi < lo || hi - lo > cap || lo + cap > used { problems.append("row \(r): bounds \(lo)..<\(hi) cap \(cap) used \(used)") }
            if cap > 0 { spans.append((lo, lo + cap)) }
            live += hi - lo
            if hi - lo > 1 { for j in (lo + 1)..<hi where target[j - 1] > target[j] { problems.append("row \(r) unsorted at \(j)") } }
        }
        spans.sort { $0.0 < $1.0 }
        for (a, b) in zip(spans, spans.dropFirst()) where a.1 > b.0 { problems.append("rows overlap at \(b.0)") }
        if live != count { problems.append("count \(count) but rows hold \(live)") }
        // Each row's marks: its start, the first synapse at or above each cut, its end.
        for r in 0..<globalNeurons {
            let lo = Int(rowStart[r]), hi = Int(rowEnd[r])
            let expected = [lo] + marks.cuts.map { c in lo + (lo..<hi).filter { target[$0] < c }.count } + [hi]
            let got = (0..<marks.stride).map { Int(marks.marks[r * marks.stride + $0]) }
            if got != expected { problems.append("row \(r): marks \(got), expected \(expected)") }
        }
        return problems
    }
}

extension SynapseTable {
    /// The live synapses row by row, in storage order within each row — what a checkpoint
    /// keeps. Spare room and holes are not kept: they never change which synapses a spike
    /// reaches or in which order a target sums them.
    public struct Rows: Codable, Sendable {
        /// Live synapses per source (global id order).
        public var length: PackedArray<UInt32>
        public var target: PackedArray<UInt32>
        public var weight: PackedArray<Float>
        public var delay: PackedArray<UInt16>
        public var minDelay: Int
        public var maxDelay: Int
    }

    public func rows() -> Rows {
        var len = [UInt32](), tgt = [UInt32](), w = [Float](), d = [UInt16]()
        len.reserveCapacity(globalNeurons); tgt.reserveCapacity(count); w.reserveCapacity(count); d.reserveCapacity(count)
        for r in 0..<globalNeurons {
            let range = row(r)
            len.append(UInt32(range.count))
            for j in range { tgt.append(target[j]); w.append(weight(at: j)); d.append(delay(at: j)) }
        }
        return Rows(length: PackedArray(len), target: PackedArray(tgt), weight: PackedArray(w), delay: PackedArray(d),
                    minDelay: minDelay, maxDelay: maxDelay)
    }

    /// Replaces every row with `rows` (packed, each with 2 slots of room, as `compact`
    /// leaves them). Returns a description of the mismatch instead when `rows` does not fit.
    /// Every index and count in `rows` is checked before use (a checkpoint may come from
    /// anywhere): targets below `localNeurons` and ascending within a row (delivery's binary
    /// search relies on it), delays within 1 … `maxRingDelay` and within the rows' own bounds.
    public func restore(_ rows: Rows, localNeurons: Int, maxRingDelay: Int) -> String? {
        let len = rows.length.values, n = rows.target.values.count
        guard len.count == globalNeurons else { return "synapse rows for \(len.count) sources, table has \(globalNeurons)" }
        guard rows.weight.values.count == n, rows.delay.values.count == n,
              len.reduce(0, { $0 + Int($1) }) == n else { return "synapse rows of inconsistent lengths" }
        guard n == 0 || (1 <= rows.minDelay && rows.minDelay <= rows.maxDelay && rows.maxDelay <= maxRingDelay) else {
            return "synapse delays \(rows.minDelay)…\(rows.maxDelay) steps outside 1…\(maxRingDelay)"
        }
        var first = 0
        for m in len {
            var previous: UInt32? = nil
            for j in first..<(first + Int(m)) {
                let t = rows.target.values[j], d = Int(rows.delay.values[j])
                guard Int(t) < localNeurons, previous.map({ $0 <= t }) ?? true else {
                    return "synapse row with target \(t) out of order or beyond the shard's \(localNeurons) neurons"
                }
                guard d >= rows.minDelay, d <= rows.maxDelay, rows.weight.values[j].isFinite else {
                    return "synapse with delay \(d) steps outside \(rows.minDelay)…\(rows.maxDelay) or a non-finite weight"
                }
                previous = t
            }
            first += Int(m)
        }
        let slots = max(n + 2 * globalNeurons, 1)
        guard slots <= Int(UInt32.max) else { return "\(n) synapses in one shard, more than its 32-bit row offsets address" }
        let t = KernelBuffer<UInt32>(count: slots, initial: 0), w = KernelBuffer<Float>(count: slots, initial: 0)
        let d = KernelBuffer<UInt16>(count: slots, initial: 0)
        var at = 0, k = 0
        for r in 0..<globalNeurons {
            let m = Int(len[r])
            for j in 0..<m { t[at + j] = rows.target.values[k + j]; w[at + j] = rows.weight.values[k + j]; d[at + j] = rows.delay.values[k + j] }
            rowStart[r] = UInt32(at); rowEnd[r] = UInt32(at + m); rowCapacity[r] = UInt32(m + 2)
            at += m + 2; k += m
        }
        target = t; weightStore = w; delayStore = d
        uniformWeight = nil; uniformDelay = nil
        used = at; count = n
        minDelay = rows.minDelay; maxDelay = rows.maxDelay
        marks = RowMarks(self, cuts: marks.cuts, threads: 1)
        keepUniformOnce()
        return nil
    }
}
