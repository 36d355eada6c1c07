// A shard: the actor owning one vertical strip of the sheet — its neurons, the synapses
// onto them, their delay rings — and advancing them by whole epochs with the kernel.

import Kernel
import Plasticity

public actor Shard {
    public let index: Int
    let kernel: ShardKernel
    let threads: Int
    let globalIds: [Int32]
    /// Local index of each global id this shard holds (built once; ids never change).
    lazy var localIndex: [Int32: Int32] = Dictionary(uniqueKeysWithValues: globalIds.enumerated().map { ($0.element, Int32($0.offset)) })
    /// Sample state every this many steps for interval means.
    let statEvery: Int
    /// Weight plasticity at delivery, when any projection has a weight rule.
    var plastic: PlasticDelivery?
    /// Spikes per step of the last segment, to size the next segment's spike list
    /// (`segment`); before the first, 20 Hz per neuron.
    private var spikesPerStep: Double?
    /// The LFP proxy's pass over this shard's contributing neurons (`record.lfp`); nil = none.
    var lfp: LFPProbe?

    public nonisolated let synapseCount: Int
    public nonisolated let minDelay: Int
    public nonisolated let maxDelay: Int
    public nonisolated let synapseBytes: Int

    init(index: Int, kernel: ShardKernel, threads: Int, statEvery: Int, lfp: LFPProbe? = nil) {
        self.index = index; self.kernel = kernel; self.threads = threads; self.lfp = lfp
        self.globalIds = kernel.layout.globalIds; self.statEvery = statEvery
        synapseCount = kernel.synapses.count; minDelay = kernel.synapses.minDelay
        maxDelay = kernel.synapses.maxDelay; synapseBytes = kernel.synapses.bytes
    }

    /// Builds the shard for `targets` (ascending global ids) of a blueprint.
    static func build(index: Int, targets: [Int32], blueprint bp: Blueprint, threads: Int,
                      chunkSize: Int, statEvery: Int, lfp: LFPGeometry? = nil) throws(SynapseTableError) -> Shard {
        let sc = bp.scenario
        let mixes = bp.receptorMixes()
        let initV: [Double] = targets.map { g in
            let p = sc.populations[Int(bp.populationOf[Int(g)])]
            let u = CounterRNG(seed: sc.seed).uniform(.initialState, entity: UInt64(g), counter: 0)
            return p.initialV.lowerBound + u * (p.initialV.upperBound - p.initialV.lowerBound)
        }
        let layout = ShardLayout(globalIds: targets, population: targets.map { bp.populationOf[Int($0)] },
                                 cells: bp.cellModels(), sourcePopulation: bp.populationOf,
                                 mixAMPA: mixes.ampa, mixNMDA: mixes.nmda, mixGABA: mixes.gaba, initialV: initV)
        let table = try Connectivity(blueprint: bp).table(onto: targets, threads: threads)
        // Plasticity, the slow clock's spine turnover and interventions write weights or form
        // synapses of other weights: give each synapse its own entry now, so the memory is
        // taken (and `synapseBytes` says so) at build, as `SizeEstimate` counts it, rather
        // than at the first spike or rewiring.
        if sc.changesSynapses { _ = table.weight }
        // Rings deep enough for any delay a projection can produce, so synapses created by
        // structural plasticity fit too.
        let w = sc.sheet.periodic ? sc.sheet.width / 2 : sc.sheet.width
        let h = sc.sheet.periodic ? sc.sheet.height / 2 : sc.sheet.height
        let farthest = (w * w + h * h).squareRoot()
        let deepest = sc.projections.map { Int($0.delaySteps(distance: farthest, dt: sc.time.dt)) + 1 }.max() ?? 1
        let kernel = ShardKernel(layout: layout, synapses: table, receptors: sc.receptors, dt: sc.time.dt,
                                 chunkSize: chunkSize, seed: sc.seed, minRingDepth: deepest + 1)
        let probe = lfp.flatMap { g in
            sc.record.lfp.map { LFPProbe(geometry: g, globalIds: targets, stepsPerSample: $0.stepsPerSample(dt: sc.time.dt), receptors: kernel.receptors) }
        }
        return Shard(index: index, kernel: kernel, threads: threads, statEvery: statEvery, lfp: probe)
    }


    /// Runs steps t0 ..< t0+steps after delivering `incoming` (spikes of earlier epochs, sorted).
    /// When `selfDeliver` is set (the only shard), the shard also delivers its own spikes every
    /// `epoch` steps, exactly as the exchange would. Returns the spikes emitted, sorted.
    func advance(from t0: Int, steps: Int, incoming: [Spike], selfDeliver: Bool, epoch: Int) -> [Spike] {
        // Schedule: one worker gang for the whole segment (one Dispatch call, not one per
        // step); inside it, per step: the neuron update over chunks (parallel), the spikes
        // gathered in chunk order (leader), and at each epoch's end delivery by target
        // range (parallel when there are enough spikes). Without weight plasticity an
        // epoch's delivery joins the next step's update as one phase (member w delivers into
        // its lane's neurons, then updates them); the segment's last epoch is delivered alone.
        WorkerGang.run(threads: threads) { gang in
            kernel.gang = gang
            defer { kernel.gang = nil }
            return segment(from: t0, steps: steps, incoming: incoming, selfDeliver: selfDeliver, epoch: epoch)
        }
    }

    private func segment(from t0: Int, steps: Int, incoming: [Spike], selfDeliver: Bool, epoch: Int) -> [Spike] {
        deliver(incoming)
        var emitted: [Spike] = []
        // Room for the segment's spikes at once, with a margin: grown by doubling, the list
        // touched about twice its final size in fresh pages, and page faults are slow in a VM
        // (fixed 64 000, one segment of a million spikes: 40 → 30 ms). Room never written
        // costs no memory.
        let perStep = spikesPerStep ?? Double(kernel.n) * 20 * kernel.dt / 1000   // 20 Hz, dt in ms
        emitted.reserveCapacity(Int(perStep * Double(steps) * 1.25) + 64)
        defer { spikesPerStep = Double(emitted.count) / Double(max(1, steps)) }
        var local: [Int32] = []
        local.reserveCapacity(256)
        var pendingStart = 0
        // An epoch's own spikes, to be delivered in the next step's phase (see `advance`);
        // with weight plasticity, whose rules act serially around each delivery, none are.
        var pending: [Spike] = []
        for t in t0..<(t0 + steps) {
            local.removeAll(keepingCapacity: true)
            kernel.step(t, threads: threads, sampleStats: t % statEvery == 0, delivering: pending, into: &local)
            pending.removeAll(keepingCapacity: true)
            lfp?.record(step: t, kernel: kernel)
            for i in local { emitted.append(Spike(step: t, source: globalIds[Int(i)])) }
            if selfDeliver, (t + 1 - t0) % epoch == 0 || t + 1 == t0 + steps {
                if pendingStart < emitted.count {
                    if plastic == nil, t + 1 < t0 + steps {
                        pending.append(contentsOf: emitted[pendingStart...])
                    } else {
                        deliver(Array(emitted[pendingStart...]))
                    }
                    pendingStart = emitted.count
                }
            }
        }
        return emitted
    }

    /// Per-neuron means of sampled state since the last call, then cleared.
    func takeStateMeans() -> StateMeans {
        let k = kernel, n = k.n
        let s = max(1, k.statSamples)
        var m = StateMeans(ids: globalIds, v: [], gAMPA: [], gNMDA: [], gGABA: [], vNow: k.v.array)
        m.v.reserveCapacity(n)
        for i in 0..<n {
            m.v.append(k.vSum[i] / Double(s)); m.gAMPA.append(k.gASum[i] / Double(s))
            m.gNMDA.append(k.gNSum[i] / Double(s)); m.gGABA.append(k.gGSum[i] / Double(s))
        }
        k.resetStats()
        return m
    }

    /// A sample of this shard's synapses as (pre, post) global ids: each synapse is kept
    /// when a hash of (seed, pre, post) falls below `fraction`, so the sample does not depend
    /// on how the sheet is split into shards.
    func synapseSample(fraction: Double, seed: UInt64) -> [(Int32, Int32)] {
        let t = kernel.synapses
        var out: [(Int32, Int32)] = []
        guard t.count > 0, fraction > 0 else { return out }
        let rng = CounterRNG(seed: seed)
        let limit = UInt64(min(1, fraction) * 0x1p63) << 1
        for src in 0..<t.globalNeurons {
            for j in t.row(src) {
                let post = globalIds[Int(t.target[j])]
                if rng.bits(.sample, entity: UInt64(src) << 32 | UInt64(UInt32(post)), counter: 0) < limit {
                    out.append((Int32(src), post))
                }
            }
        }
        return out
    }
}

/// Per-neuron interval means of state, in the shard's order.
struct StateMeans: Sendable {
    var ids: [Int32]
    var v: [Double]       // [mV]
    var gAMPA: [Double]   // [nS]
    var gNMDA: [Double]   // [nS] after Mg²⁺ block
    var gGABA: [Double]   // [nS]
    var vNow: [Double]    // [mV] at the end of the interval
}

extension Shard {
    /// (global id, V [mV]) of every neuron.
    func potentials() -> [(Int32, Double)] {
        (0..<kernel.n).map { (globalIds[$0], kernel.v[$0]) }
    }
}

extension Shard {
    func liveSynapseCount() -> Int { kernel.synapses.count }

    /// Calcium-rule updates so far that missed spikes overwritten in the spike history.
    func calciumUpdatesMissingSpikes() -> Int { plastic?.calciumUpdatesMissingSpikes ?? 0 }

    /// Installs the cell models and NMDA block in force from now on (drives or blocks
    /// switched on or off).
    func setCells(_ cells: [CellModel]) {
        for (p, c) in cells.enumerated() { kernel.setCell(population: p, c) }
    }

    /// Scales each population's GABA_A output (1 = as the scenario built it).
    func setGABAOutput(_ scales: [Float]) {
        for (p, s) in scales.enumerated() { kernel.setGABAOutput(source: p, scale: s) }
    }

    /// Installs the stimulus presentations in force from the next step on (global targets;
    /// this shard keeps its own, keyed for Poisson input by stimulus and global id).
    func setStimuli(_ active: [ActiveStimulus], seed: UInt64) {
        let rng = CounterRNG(seed: seed)
        kernel.setStimuli(active.map { a in
            var local: [Int32] = [], keys: [UInt64] = []
            for g in a.targets {
                guard let i = localIndex[g] else { continue }
                local.append(i)
                if case .poisson = a.input { keys.append(rng.key(stream: CounterRNG.Stream.stimulus.sub(a.index), entity: UInt64(g))) }
            }
            return StimulusProgram(targets: local, keys: keys, input: a.input)
        })
    }

    /// Silences dead neurons among this shard's (global ids).
    func silence(_ ids: Set<Int32>) {
        kernel.silence(local: globalIds.enumerated().filter { ids.contains($0.element) }.map(\.offset))
    }

    func storageProblems() -> [String] { kernel.synapses.checkInvariants().map { "shard \(index): \($0)" } }

    /// Delivers spikes into the rings without stepping (flush before rewiring).
    func deliverOnly(_ spikes: [Spike]) { deliver(spikes) }

    /// Delivery into the rings, with weight plasticity when the scenario has any.
    func deliver(_ spikes: [Spike]) {
        if let p = plastic { p.deliver(spikes, kernel: kernel, threads: threads) } else { kernel.deliver(spikes, threads: threads) }
    }

    func enablePlasticity(_ p: PlasticDelivery) { plastic = p }

    /// Synaptic scaling: multiplies the weights of excitatory synapses onto each local neuron
    /// by its factor (global id order), clipped to [0, wMax].
    func scaleExcitatoryInputs(_ factor: [Double], excitatory: [Bool], wMax: Float) {
        let t = kernel.synapses
        for src in 0..<t.globalNeurons where excitatory[Int(kernel.layout.sourcePopulation[src])] {
            for j in t.row(src) {
                let f = factor[Int(globalIds[Int(t.target[j])])]
                if f != 1 { t.weight[j] = min(wMax, max(0, Float(Double(t.weight(at: j)) * f))) }
            }
        }
    }

    /// Synapses between the given (pre population, post population) pairs as (pre, post)
    /// global ids with their weights, in (source, target) order.
    func synapses(between pairs: Set<[Int]>, populationOf: [UInt8]) -> [(key: SynapseKey, weight: Float)] {
        var out: [(key: SynapseKey, weight: Float)] = []
        gather(between: pairs, populationOf: populationOf) { key, weight, _ in out.append((key, weight)) }
        return out
    }

    /// Every synapse onto this shard's neurons with its weight and delay [steps], by ascending pre.
    func edges(populationOf: [UInt8]) -> [SynapseEdge] {
        let P = (populationOf.max().map { Int($0) } ?? 0) + 1
        var out: [SynapseEdge] = []
        out.reserveCapacity(kernel.synapses.count)
        gather(between: Set((0..<P).flatMap { a in (0..<P).map { [a, $0] } }), populationOf: populationOf) {
            out.append(SynapseEdge(key: $0, weight: $1, delay: $2))
        }
        return out
    }

    /// Calls `emit` with every synapse between the given population pairs (pre ascending).
    private func gather(between pairs: Set<[Int]>, populationOf: [UInt8], _ emit: (SynapseKey, Float, UInt16) -> Void) {
        let t = kernel.synapses
        // The pairs as a P × P table: a set lookup per synapse (an array key, hashed) was most
        // of the cost of gathering a million synapses.
        let P = (populationOf.max().map { Int($0) } ?? 0) + 1
        var wanted = [Bool](repeating: false, count: P * P)
        for pr in pairs where pr.count == 2 && pr[0] < P && pr[1] < P && pr[0] >= 0 && pr[1] >= 0 { wanted[pr[0] * P + pr[1]] = true }
        func gather(_ weight: (Int, Int) -> Float) {
            for src in 0..<t.globalNeurons {
                let sp = Int(populationOf[src])
                for j in t.row(src) {
                    let post = globalIds[Int(t.target[j])]
                    if wanted[sp * P + Int(populationOf[Int(post)])] {
                        emit(SynapseKey(pre: Int32(src), post: post), weight(src, j), t.delay(at: j))
                    }
                }
            }
        }
        // With STDP, the weight includes the facilitation still pending at the next pre spike.
        if let p = plastic { p.withCurrentWeights(kernel: kernel) { gather($0) } } else { gather { t.weight(at: $1) } }
    }

    /// Applies the part of a rewiring plan that concerns this shard's neurons.
    func apply(deleted: [SynapseKey], created: [(key: SynapseKey, delay: UInt16)]) {
        let local = localIndex
        for k in deleted {
            if let l = local[k.post] { kernel.synapses.remove(source: Int(k.pre), target: l) }
        }
        for c in created {
            if let l = local[c.key.post] {
                kernel.synapses.insert(SynapseSpec(source: c.key.pre, target: l, weight: 1, delay: c.delay))
            }
        }
    }

    /// Excitatory synapses (spines) onto each of this shard's neurons: (global id, count).
    func inDegrees(excitatory: [Bool]) -> [(Int32, Int)] {
        let t = kernel.synapses
        var counts = [Int](repeating: 0, count: kernel.n)
        for src in 0..<t.globalNeurons where excitatory[Int(kernel.layout.sourcePopulation[src])] {
            for j in t.row(src) { counts[Int(t.target[j])] += 1 }
        }
        return zip(globalIds, counts).map { ($0, $1) }
    }
}

/// A shard's part of a checkpoint.
package struct ShardState: Codable {
    var kernel: KernelState
    var plastic: PlasticState?
}

extension Shard {
    func captureState() -> ShardState { ShardState(kernel: kernel.captureState(), plastic: plastic?.captureState()) }

    /// Restores the shard at `step`; spikes before `deliveredBefore` have been delivered, and
    /// no synapse may be shorter than `minDelay` steps (the epoch: a shorter one would be due
    /// inside the epoch that emitted its spike).
    func restore(_ s: ShardState, step: Int, deliveredBefore: Int, minDelay: Int) throws {
        do { try kernel.restore(s.kernel) } catch { throw CheckpointError.corrupt("the checkpoint's shard \(index): \(error)") }
        guard kernel.synapses.count == 0 || kernel.synapses.minDelay >= minDelay else {
            throw CheckpointError.corrupt("the checkpoint's shard \(index) has synapses of \(kernel.synapses.minDelay) steps, shorter than the \(minDelay)-step epoch")
        }
        if (s.plastic == nil) != (plastic == nil) { throw CheckpointError.corrupt("the checkpoint's shard \(index): weight plasticity state missing or unexpected") }
        if let p = plastic, let st = s.plastic, let problem = p.restore(st, step: step, deliveredBefore: deliveredBefore) {
            throw CheckpointError.corrupt("the checkpoint's shard \(index): \(problem)")
        }
    }
}
