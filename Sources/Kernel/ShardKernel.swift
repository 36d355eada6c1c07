// The state and per-step update of one shard's neurons: structure-of-arrays membrane and
// conductance state, per-target delay rings, the synapse table, and the step function
// that runs the neuron update over fixed-size chunks with `ChunkedLoop`.
//
// One step t (the schedule of `step(_:threads:sampleStats:into:)`):
//   0. stimulus — serial, only while stimuli are on (`StimulusInput.swift`): stimulus
//                 conductances and currents set, Poisson stimulus inputs added;
//      sweep    — every 64th step (t mod `underflowSweepEvery` = 0), per chunk: V,
//                 conductances, NMDA gating and w below 2⁻⁵⁰⁰ in magnitude set to zero, so
//                 a silent neuron's decaying state never sticks in the slow subnormal range
//                 (`Underflow.swift`);
//   1. arrive   — Poisson background is drawn (counter RNG keyed by neuron, t) and added to
//                 its channel; ring slot t mod R is added to each neuron's AMPA g, NMDA rise x
//                 and GABA g, and cleared;
//   2. update   — membrane by exponential Euler with the start-of-step conductances
//                 (Mg²⁺ block at the start-of-step V), refractory neurons clamped at V_reset;
//   3. decay    — conductances advanced exactly (`Propagators`);
//   4. threshold— V > V_th ⇒ spike, reset, refractory; spikes go to the chunk's own buffer;
//   5. gather   — chunk buffers concatenated in chunk order (ascending local index).
// Steps 1–4 touch only neuron i's own state and ring column, so chunks are independent.
// Steps 1–4 are one loop over the chunk's neurons that the compiler vectorises
// (`KernelView.update`); every neuron does the same IEEE arithmetic whichever lane or
// remainder iteration it lands in, so no result depends on where chunk boundaries fall.
// `deliver` (serial) adds spikes of other epochs into the rings at slot (t_spike + d) mod R.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPrefetch

/// Receptor reversal potentials and Mg²⁺ parameters in kernel units.
public struct ReceptorConstants: Sendable {
    public var EA: Double, EN: Double, EG: Double   // [mV]
    public var mg: Double, mgHalf: Double, mgSlope: Double
    public init(_ r: ReceptorKinetics) {
        EA = r.ampaE; EN = r.nmdaE; EG = r.gabaE; mg = r.mg; mgHalf = r.mgHalf; mgSlope = r.mgSlope
    }
}

/// Everything the shard kernel is built from.
public struct ShardLayout: Sendable {
    /// Global ids of the shard's neurons, ascending.
    public var globalIds: [Int32]
    /// Global population index of each local neuron (populations are contiguous in global ids).
    public var population: [UInt8]
    /// One model per global population (populations without neurons here are unused).
    public var cells: [CellModel]
    /// Global population index of every global neuron (for source lookup during delivery).
    public var sourcePopulation: [UInt8]
    /// Conductances [nS] per (source population, target population): index s·P + t.
    public var mixAMPA: [Float]
    public var mixNMDA: [Float]
    public var mixGABA: [Float]
    public var initialV: [Double]
    public init(globalIds: [Int32], population: [UInt8], cells: [CellModel], sourcePopulation: [UInt8],
                mixAMPA: [Float], mixNMDA: [Float], mixGABA: [Float], initialV: [Double]) {
        self.globalIds = globalIds; self.population = population; self.cells = cells
        self.sourcePopulation = sourcePopulation; self.mixAMPA = mixAMPA; self.mixNMDA = mixNMDA
        self.mixGABA = mixGABA; self.initialV = initialV
    }
}

public final class ShardKernel {
    public let n: Int
    public let dt: Double
    public let chunkSize: Int
    public let populations: Int
    public internal(set) var layout: ShardLayout
    public let receptors: ReceptorConstants
    public let propagators: Propagators
    public let synapses: SynapseTable
    public let ringDepth: Int
    /// Local index range of each global population (empty if none here).
    public let populationRanges: [Range<Int>]
    /// Whether any input (synaptic, drive or stimulus) reaches a population through NMDA receptors.
    var receivesNMDA: [Bool]
    /// Presynaptic NMDA gating traces, when NMDA receptors saturate (`receptors.nmda.saturation`).
    public let saturation: NMDASaturation?
    /// Active stimulus programs (`setStimuli`), and per population whether one of them sets
    /// the stimulus conductance or current of its neurons here.
    var stimuli: [StimulusProgram] = []
    var stimulated: [Bool]

    // State (structure of arrays), local index.
    public let v: KernelBuffer<Double>      // [mV]
    public let w: KernelBuffer<Double>      // [pA] AdEx adaptation current
    public let gA: KernelBuffer<Double>     // [nS] AMPA
    public let xN: KernelBuffer<Double>     // [nS] NMDA rise variable
    public let sN: KernelBuffer<Double>     // [nS] NMDA conductance before Mg²⁺ block
    public let gG: KernelBuffer<Double>     // [nS] GABA_A
    /// Steps left in the refractory period (whole numbers, exact in Float up to 2²⁴; Float
    /// rather than Double: the update loop streams every neuron's state each step, and this
    /// saves 8 of the 82 bytes it reads and writes per neuron — fixed 64 000 1.31 → 1.19 s).
    public let refractory: KernelBuffer<Float>
    let driveKey: KernelBuffer<UInt64>
    /// Stimulus conductance [nS] and current term g·E + I [pA] of this step (0 = none).
    let stimG: KernelBuffer<Double>
    let stimJ: KernelBuffer<Double>
    // Delay rings: slot-major, R × n.
    let ringA: KernelBuffer<Float>
    let ringN: KernelBuffer<Float>
    let ringG: KernelBuffer<Float>
    // Per-neuron sums of sampled state, for interval means.
    public let vSum: KernelBuffer<Double>
    public let gASum: KernelBuffer<Double>
    public let gNSum: KernelBuffer<Double>  // Mg²⁺-blocked NMDA conductance
    public let gGSum: KernelBuffer<Double>
    public internal(set) var statSamples = 0
    // Per-chunk spike buffers.
    let chunkSpikes: KernelBuffer<Int32>
    let chunkCounts: KernelBuffer<Int>
    /// The layout's population structure and receptor mixes (fixed for a run; a blockade
    /// acts through `CellModel.nmdaUnblocked`) as raw buffers for delivery workers:
    /// `populationStart[p]` is the first local index of population p (entry P = n; local
    /// populations are contiguous and in population order, so delivery cuts a row into
    /// runs of one target population).
    let populationStart: KernelBuffer<UInt32>
    let sourcePopulation: KernelBuffer<UInt8>
    let mixBuffers: (ampa: KernelBuffer<Float>, nmda: KernelBuffer<Float>, gaba: KernelBuffer<Float>)
    /// Per-neuron flag of one step (`KernelView.integrate`): 1 fired, 2 finished in the
    /// second pass.
    let stepFlag: KernelBuffer<UInt8>

    /// - Parameters:
    ///   - chunkSize: neurons per chunk of the parallel loop (fixed; results do not depend on it).
    ///   - seed: the scenario seed, keying the Poisson drive.
    public init(layout: ShardLayout, synapses: SynapseTable, receptors r: ReceptorKinetics, dt: Double,
                chunkSize: Int, seed: UInt64, minRingDepth: Int = 1) {
        self.layout = layout
        n = layout.globalIds.count
        self.dt = dt
        self.chunkSize = max(1, chunkSize)
        populations = layout.cells.count
        receptors = ReceptorConstants(r)
        propagators = Propagators(dt: dt, receptors: r)
        self.synapses = synapses
        ringDepth = max(synapses.maxDelay + 1, minRingDepth, 2)
        var ranges = [Range<Int>](repeating: 0..<0, count: populations)
        var i = 0
        while i < n {
            let p = Int(layout.population[i]); var j = i
            while j < n, layout.population[j] == layout.population[i] { j += 1 }
            ranges[p] = i..<j; i = j
        }
        populationRanges = ranges
        receivesNMDA = (0..<populations).map { t in
            layout.cells[t].drive.channel == 1 && layout.cells[t].drive.isActive || layout.cells[t].tonicNMDA != 0 ||
            (0..<layout.cells.count).contains { s in layout.mixNMDA[s * layout.cells.count + t] != 0 }
        }
        stimulated = [Bool](repeating: false, count: populations)
        saturation = r.nmdaSaturation.map { NMDASaturation(bound: $0, tauDecay: r.nmdaTauDecay, dt: dt, neurons: layout.sourcePopulation.count) }
        precondition(zip(layout.population, layout.population.dropFirst()).allSatisfy { $0 <= $1 },
                     "local neurons must be in population order (global ids are assigned population by population)")
        populationStart = KernelBuffer((0...populations).map { p in UInt32(layout.population.filter { Int($0) < p }.count) }, empty: 0)
        sourcePopulation = KernelBuffer(layout.sourcePopulation, empty: 0)
        mixBuffers = (KernelBuffer(layout.mixAMPA, empty: 0), KernelBuffer(layout.mixNMDA, empty: 0), KernelBuffer(layout.mixGABA, empty: 0))
        v = KernelBuffer(layout.initialV, empty: 0)
        w = KernelBuffer(count: n, initial: 0)
        gA = KernelBuffer(count: n, initial: 0)
        xN = KernelBuffer(count: n, initial: 0)
        sN = KernelBuffer(count: n, initial: 0)
        gG = KernelBuffer(count: n, initial: 0)
        refractory = KernelBuffer(count: n, initial: 0)
        let rng = CounterRNG(seed: seed)
        driveKey = KernelBuffer(layout.globalIds.map { rng.key(stream: .drive, entity: UInt64($0)) }, empty: 0)
        stimG = KernelBuffer(count: n, initial: 0)
        stimJ = KernelBuffer(count: n, initial: 0)
        ringA = KernelBuffer(count: ringDepth * n, initial: 0)
        ringN = KernelBuffer(count: ringDepth * n, initial: 0)
        ringG = KernelBuffer(count: ringDepth * n, initial: 0)
        vSum = KernelBuffer(count: n, initial: 0)
        gASum = KernelBuffer(count: n, initial: 0)
        gNSum = KernelBuffer(count: n, initial: 0)
        gGSum = KernelBuffer(count: n, initial: 0)
        chunkSpikes = KernelBuffer(count: n, initial: 0)
        stepFlag = KernelBuffer(count: n, initial: 0)
        chunkCounts = KernelBuffer(count: (n + self.chunkSize - 1) / self.chunkSize, initial: 0)
    }

    public var chunkCount: Int { (n + chunkSize - 1) / chunkSize }

    /// Batches smaller than this are delivered serially (tests lower it to exercise the
    /// parallel path on small networks).
    public var parallelDeliveryMinSpikes = 2048
    /// Targets per block of delivery by blocks (`BlockedDelivery.swift`), used for worker
    /// ranges of more than two blocks; tests lower it to exercise that path on small networks.
    public var deliveryBlockTargets = DeliveryView.defaultBlockTargets
    /// The worker gang of the segment being run, if any (set by the shard around a run of
    /// steps): parallel loops then cost an atomic publish instead of a Dispatch call, and
    /// delivery goes parallel from `gangDeliveryMinSpikes` spikes (from one: each worker then
    /// writes the rings of the neurons it updates, which stay in its core's cache — fixed
    /// 64 000 on two threads 2.35 → 2.06 s against 64; COBA unchanged).
    public var gang: WorkerGang?
    public var gangDeliveryMinSpikes = 1
    /// Steps between two underflow sweeps (`Underflow.swift`: decaying state below 2⁻⁵⁰⁰ set
    /// to zero, at steps t with t mod this = 0); tests raise it to compare against no sweep.
    public var underflowSweepEvery = 64
    /// Delivery's cuts and segments for the current worker count (`deliveryPlan(threads:)`).
    var plan: DeliveryPlan?

    // MARK: delivery

    /// Adds spikes (sorted by step, then source) into the delay rings. Each must arrive
    /// after the last step already run and within the ring's depth.
    ///
    /// With `threads` > 1 the local targets are cut into that many contiguous ranges and each
    /// worker walks every spike, taking the part of its row that falls in its range, in runs
    /// of one target population, between the row's marks (`DeliveryPlan`, `RowMarks`). Each
    /// target is still summed in spike order, so the rings are bit-identical for any thread
    /// count. `after`, when given, is run by worker w right after its part, in the same phase
    /// (for every w in turn after a serial delivery); `step(…delivering:…)` updates worker w's
    /// neurons there.
    public func deliver(_ spikes: [Spike], threads: Int = 1, then after: (@Sendable (Int) -> Void)? = nil) {
        // Below this many spikes a batch is delivered serially: waking the workers costs more
        // than it saves (measured: with a one-step epoch at 16 000 neurons, parallel delivery
        // of ~25 spikes per step made two threads slower than one).
        guard !spikes.isEmpty else { return }
        let plan = deliveryPlan(threads: threads)
        let view = DeliveryView(self)
        let minSpikes = gang == nil ? parallelDeliveryMinSpikes : gangDeliveryMinSpikes
        let workers = spikes.count >= minSpikes ? plan.workers : 1
        let segments = plan.segments.shared
        // NMDA saturation: each spike's NMDA factor, from the traces advanced in spike order.
        let factors = saturation.map { s in spikes.withUnsafeBufferPointer { s.factors($0) } } ?? []
        factors.withUnsafeBufferPointer { fp in
            // SAFETY: `fp` is read only inside this closure (the loop below returns when every
            // chunk has run), and only when it holds one factor per spike.
            let f = fp.isEmpty ? nil : SharedPointer(UnsafeMutablePointer(mutating: fp.baseAddress!))
            if workers <= 1 {
                spikes.withUnsafeBufferPointer { view.deliver($0, nmdaFactors: f, segments: segments, plan.range(of: plan.workers)) }
                if let after { for w in 0..<plan.workers { after(w) } }
                return
            }
            let first = plan.first   // worker w's segments: first[w] ..< first[w + 1]
            spikes.withUnsafeBufferPointer { sp in
                let list = SharedPointer(UnsafeMutablePointer(mutating: sp.baseAddress!))
                let count = sp.count
                ChunkedLoop.run(chunks: workers, threads: workers, gang: gang) { w in
                    // SAFETY: worker w writes ring entries only for local targets in its range
                    // (its segments lie between its bounds); the ranges are disjoint. The spike
                    // list and the plan's segments are only read; `plan` outlives the loop.
                    // The loop returns only when every chunk has run, so `list` is never read after
                    // `withUnsafeBufferPointer` ends (a gang member may still hold the finished
                    // phase, but its tickets are used up and the closure is not called again).
                    view.deliver(UnsafeBufferPointer(start: list.base, count: count), nmdaFactors: f,
                                 segments: segments, first[w]..<first[w + 1])
                    after?(w)
                }
            }
        }
    }

    /// The plan for `threads` (workers = threads, at most one per 64 targets), made when the
    /// worker count changes; the table marks its rows at the plan's cuts. Worker w's targets
    /// are the neurons of the gang's lane w in the update (chunks w·C/W ..< (w+1)·C/W of C),
    /// so the core that updates a neuron is the one that adds into its rings.
    func deliveryPlan(threads: Int) -> DeliveryPlan {
        let workers = threads > 1 ? min(threads, max(1, n / 64)) : 1
        if let p = plan, p.workers == workers, p.cuts == synapses.marks.cuts { return p }
        let C = chunkCount
        let bounds = (0...workers).map { UInt32(min(n, $0 * C / workers * chunkSize)) }
        let p = DeliveryPlan(n: n, populationStart: populationStart.array, bounds: bounds)
        synapses.mark(cuts: p.cuts, threads: threads)
        plan = p
        return p
    }

    // MARK: update

    /// Advances every neuron by one step `t`, appending local indices of neurons that spiked
    /// (ascending) to `spiked`.
    public func step(_ t: Int, threads: Int, sampleStats: Bool, into spiked: inout [Int32]) {
        step(t, threads: threads, sampleStats: sampleStats, delivering: [], into: &spiked)
    }

    /// Delivers `spikes` (as `deliver(_:threads:)`), then advances every neuron by one step
    /// `t`. Inside a worker gang both are one parallel phase: member w delivers into the
    /// targets of its delivery range and then updates them, which are exactly its lane of
    /// chunks (`deliveryPlan`) — one hand-off between the cores per step instead of two, and
    /// each neuron's rings written and read by the same core. A neuron's update reads its own
    /// rings only, so it needs no other range's delivery; each target still sums its spikes
    /// in spike order, so the rings are the same bits as delivering first.
    public func step(_ t: Int, threads: Int, sampleStats: Bool, delivering spikes: [Spike], into spiked: inout [Int32]) {
        let view = KernelView(self)
        let slot = t % ringDepth
        let chunks = chunkCount
        let cells = layout.cells
        let ranges = populationRanges
        let nmda = receivesNMDA
        let stim = stimulated
        let size = chunkSize
        let sweep = t % max(1, underflowSweepEvery) == 0
        @inline(__always) @Sendable func runChunk(_ c: Int) {
            let lo = c * size, hi = min(view.n, lo + size)
            var count = 0
            for p in 0..<ranges.count {
                let r = ranges[p]
                let a = max(lo, r.lowerBound), b = min(hi, r.upperBound)
                if a >= b { continue }
                // SAFETY: chunk c writes only indices a..<b ⊂ [c·size, (c+1)·size) of the state
                // arrays and ring column, and only spike slots [c·size, c·size + count) — disjoint
                // from every other chunk. All buffers outlive the loop (owned by `self`).
                view.update(range: a..<b, cell: cells[p], nmda: nmda[p], stimulus: stim[p], step: t, slot: slot,
                            stats: sampleStats, sweep: sweep, spikeBase: lo, count: &count)
            }
            view.counts[c] = count
        }
        let plan = threads > 1 && !spikes.isEmpty ? deliveryPlan(threads: threads) : nil
        if gang != nil, let plan, plan.workers == threads, chunks >= threads {
            if !stimuli.isEmpty { applyStimuli(step: t) }   // writes no ring
            // SAFETY: worker w delivers into its range's targets only, and then updates chunks
            // w·C/W ..< (w+1)·C/W, whose neurons are that range (`deliveryPlan`); ranges and
            // chunks are disjoint, as in the plain parallel update.
            let W = plan.workers
            deliver(spikes, threads: threads) { w in
                for c in (w * chunks / W)..<((w + 1) * chunks / W) { runChunk(c) }
            }
        } else {
            if !spikes.isEmpty { deliver(spikes, threads: threads) }
            if !stimuli.isEmpty { applyStimuli(step: t) }
            // One thread: the chunks inline, without the escaping closure (a heap context of
            // the view's ~30 pointers per step) that the parallel loop needs.
            if threads <= 1 {
                for c in 0..<chunks { runChunk(c) }
            } else {
                ChunkedLoop.run(chunks: chunks, threads: threads, gang: gang) { runChunk($0) }
            }
        }
        for c in 0..<chunks {
            let base = c * size
            for k in 0..<view.counts[c] { spiked.append(view.spikes[base + k]) }
        }
        if sampleStats { statSamples += 1 }
    }

    /// Clears the sums behind interval means.
    public func resetStats() {
        vSum.fill(0); gASum.fill(0); gNSum.fill(0); gGSum.fill(0); statSamples = 0
    }
}

/// What delivery reads and writes, shareable with parallel workers.
struct DeliveryView: Sendable {
    let n: Int, R: Int, P: Int
    /// Each row's marks (`RowMarks`): `stride` indices per source.
    let marks: SharedPointer<UInt32>, stride: Int
    let tgt: SharedPointer<UInt32>
    let wts: SharedPointer<Float>, dly: SharedPointer<UInt16>
    /// The table's one weight and one delay when every synapse has the same (`wts`, `dly` are
    /// then empty): NaN and −1 otherwise.
    let uniformWeight: Float, uniformDelay: Int
    let srcPop: SharedPointer<UInt8>
    let mA: SharedPointer<Float>, mN: SharedPointer<Float>, mG: SharedPointer<Float>
    let rA: SharedPointer<Float>, rN: SharedPointer<Float>, rG: SharedPointer<Float>
    /// Targets per block when delivering by blocks.
    let blockTargets: Int

    init(_ k: ShardKernel) {
        n = k.n; R = k.ringDepth; P = k.populations
        marks = k.synapses.marks.marks.shared; stride = k.synapses.marks.stride; tgt = k.synapses.target.shared
        wts = k.synapses.weightStore.shared; dly = k.synapses.delayStore.shared
        uniformWeight = k.synapses.uniformWeight ?? .nan; uniformDelay = k.synapses.uniformDelay.map { Int($0) } ?? -1
        srcPop = k.sourcePopulation.shared
        mA = k.mixBuffers.ampa.shared; mN = k.mixBuffers.nmda.shared; mG = k.mixBuffers.gaba.shared
        rA = k.ringA.shared; rN = k.ringN.shared; rG = k.ringG.shared
        blockTargets = min(max(1, k.deliveryBlockTargets), 1 << 40)
    }

    /// Delivers every spike into the rings of the targets of `segments[range]` (a worker's
    /// runs of one population, between two marks of each row); with `nmdaFactors` (NMDA
    /// saturation) spike k's NMDA conductance is scaled by factor k.
    @inline(__always)
    func deliver(_ spikes: UnsafeBufferPointer<Spike>, nmdaFactors: SharedPointer<Float>? = nil,
                 segments: SharedPointer<DeliverySegment>, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        if needsBlocks(segments, range) {
            deliverByBlocks(spikes, nmdaFactors: nmdaFactors, segments: segments, range)
            return
        }
        // Prefetching in two stages hides the first touch of each spike's row, a miss to
        // memory in a large network (fixed 64 000: a 64 MB table, 256 kB of row marks):
        // the row's marks `boundsLookahead` spikes ahead, the part of the row this worker
        // reads `rowLookahead` ahead.
        let head = segments[range.lowerBound].from, tail = segments[range.upperBound - 1].to
        let count = spikes.count
        for k in 0..<min(Self.boundsLookahead, count) { prefetchMarks(Int(spikes[k].source)) }
        for k in 0..<min(Self.rowLookahead, count) { prefetchRow(Int(spikes[k].source), head, tail) }
        for (k, s) in spikes.enumerated() {
            if k + Self.boundsLookahead < count { prefetchMarks(Int(spikes[k + Self.boundsLookahead].source)) }
            if k + Self.rowLookahead < count { prefetchRow(Int(spikes[k + Self.rowLookahead].source), head, tail) }
            let g = Int(s.source)
            let row = marks.base + g * stride
            if row[head] == row[tail] { continue }
            let base = Int(srcPop[g]) * P
            let s0 = s.step % R   // one division per spike, not per synapse
            // Runs of one target population (local populations are contiguous and rows sorted
            // by target), so each run adds with fixed receptor factors and no per-synapse
            // branch; a receptor a run does not use is skipped. Each ring entry still receives
            // its adds in row order, so the sums are the same bits.
            for i in range {
                let seg = segments[i]
                let jlo = Int(row[seg.from]), jhi = Int(row[seg.to])
                if jlo == jhi { continue }
                let m = base + seg.population
                if mA[m] != 0 { add(rA, mA[m], s0, jlo..<jhi) }
                if mN[m] != 0 { add(rN, nmdaFactors.map { mN[m] * $0[k] } ?? mN[m], s0, jlo..<jhi) }
                if mG[m] != 0 { add(rG, mG[m], s0, jlo..<jhi) }
            }
        }
    }

    /// How many spikes ahead delivery prefetches row marks and synapse rows.
    static let boundsLookahead = 12, rowLookahead = 4

    /// Prefetches source g's row marks.
    @inline(__always)
    func prefetchMarks(_ g: Int) {
        // SAFETY: hints only; the group lies in the marks buffer (a prefetch never faults anyway).
        np_prefetch(marks.base + g * stride); np_prefetch(marks.base + g * stride + stride - 1)
    }

    /// Prefetches the head of the part of source g's row between marks `from` and `to` — its
    /// first `rowHead` targets, weights and delays, one hint per cache line. The head is what
    /// a row's first touch misses on; the hardware's stream prefetcher follows a long row
    /// from there.
    @inline(__always)
    func prefetchRow(_ g: Int, _ from: Int, _ to: Int) {
        let row = marks.base + g * stride
        let lo = Int(row[from]), hi = min(Int(row[to]), lo + Self.rowHead)
        // SAFETY: hints only; the addresses lie in the row (a prefetch never faults anyway).
        var j = lo
        while j < hi { np_prefetch(tgt.base + j); j += 16 }
        if uniformWeight.isNaN {
            j = lo
            while j < hi { np_prefetch(wts.base + j); j += 16 }
        }
        if uniformDelay < 0 {
            j = lo
            while j < hi { np_prefetch(dly.base + j); j += 32 }
        }
    }

    /// Synapses at the head of a row that `prefetchRow` hints.
    static let rowHead = 128

    /// ring[slot(j)·n + target(j)] += weight(j)·factor for the synapses j of `run`, where
    /// slot(j) = (s0 + delay(j)) mod R. With one delay for the table the run has one slot;
    /// with one weight, one product weight·factor (the same bits as each synapse's).
    @inline(__always)
    func add(_ ring: SharedPointer<Float>, _ factor: Float, _ s0: Int, _ run: Range<Int>) {
        if uniformDelay >= 0 {
            var slot = s0 + uniformDelay
            while slot >= R { slot -= R }
            let row = ring.base + slot * n
            if !uniformWeight.isNaN {
                let x = uniformWeight * factor
                for j in run { row[Int(tgt[j])] += x }
            } else {
                for j in run { row[Int(tgt[j])] += wts[j] * factor }
            }
            return
        }
        if !uniformWeight.isNaN {
            let x = uniformWeight * factor
            for j in run {
                var slot = s0 + Int(dly[j])
                while slot >= R { slot -= R }
                ring[slot * n + Int(tgt[j])] += x
            }
            return
        }
        for j in run {
            var slot = s0 + Int(dly[j])   // = (step + d) mod R
            while slot >= R { slot -= R }
            ring[slot * n + Int(tgt[j])] += wts[j] * factor
        }
    }
}

/// The pointers and constants one step needs, shareable with the parallel chunks.
struct KernelView: Sendable {
    let n: Int
    let dt: Double
    let ringDepth: Int
    let rc: ReceptorConstants
    let pr: Propagators
    let v, w, gA, xN, sN, gG: SharedPointer<Double>
    let ref: SharedPointer<Float>
    let key: SharedPointer<UInt64>
    let stimG, stimJ: SharedPointer<Double>
    let ringA, ringN, ringG: SharedPointer<Float>
    let vSum, gASum, gNSum, gGSum: SharedPointer<Double>
    let spikes: SharedPointer<Int32>
    let counts: SharedPointer<Int>
    let flag: SharedPointer<UInt8>

    init(_ k: ShardKernel) {
        n = k.n; dt = k.dt; ringDepth = k.ringDepth; rc = k.receptors; pr = k.propagators
        v = k.v.shared; w = k.w.shared; gA = k.gA.shared; xN = k.xN.shared; sN = k.sN.shared; gG = k.gG.shared
        ref = k.refractory.shared; key = k.driveKey.shared
        stimG = k.stimG.shared; stimJ = k.stimJ.shared
        ringA = k.ringA.shared; ringN = k.ringN.shared; ringG = k.ringG.shared
        vSum = k.vSum.shared; gASum = k.gASum.shared; gNSum = k.gNSum.shared; gGSum = k.gGSum.shared
        spikes = k.chunkSpikes.shared; counts = k.chunkCounts.shared
        flag = k.stepFlag.shared
    }
}
