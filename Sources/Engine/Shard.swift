// A shard: the actor owning one vertical strip of the sheet — its neurons, the synapses
// onto them, their delay rings — and advancing them by whole epochs with the kernel.

import Kernel

public actor Shard {
    public let index: Int
    let kernel: ShardKernel
    let threads: Int
    let globalIds: [Int32]
    /// Sample state every this many steps for interval means.
    let statEvery: Int

    public nonisolated let synapseCount: Int
    public nonisolated let minDelay: Int
    public nonisolated let maxDelay: Int
    public nonisolated let synapseBytes: Int

    init(index: Int, kernel: ShardKernel, threads: Int, statEvery: Int) {
        self.index = index; self.kernel = kernel; self.threads = threads
        self.globalIds = kernel.layout.globalIds; self.statEvery = statEvery
        synapseCount = kernel.synapses.count; minDelay = kernel.synapses.minDelay
        maxDelay = kernel.synapses.maxDelay; synapseBytes = kernel.synapses.bytes
    }

    /// Builds the shard for `targets` (ascending global ids) of a blueprint.
    static func build(index: Int, targets: [Int32], blueprint bp: Blueprint, threads: Int,
                      chunkSize: Int, statEvery: Int) -> Shard {
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
        let table = SynapseTable(globalNeurons: bp.neuronCount, synapses: Connectivity.synapses(onto: targets, blueprint: bp))
        let kernel = ShardKernel(layout: layout, synapses: table, receptors: sc.receptors, dt: sc.time.dt,
                                 chunkSize: chunkSize, seed: sc.seed)
        return Shard(index: index, kernel: kernel, threads: threads, statEvery: statEvery)
    }


    /// Runs steps t0 ..< t0+steps after delivering `incoming` (spikes of earlier epochs, sorted).
    /// When `selfDeliver` is set (the only shard), the shard also delivers its own spikes every
    /// `epoch` steps, exactly as the exchange would. Returns the spikes emitted, sorted.
    func advance(from t0: Int, steps: Int, incoming: [Spike], selfDeliver: Bool, epoch: Int) -> [Spike] {
        kernel.deliver(incoming)
        var emitted: [Spike] = []
        var local: [Int32] = []
        local.reserveCapacity(256)
        var pendingStart = 0
        for t in t0..<(t0 + steps) {
            local.removeAll(keepingCapacity: true)
            kernel.step(t, threads: threads, sampleStats: t % statEvery == 0, into: &local)
            for i in local { emitted.append(Spike(step: t, source: globalIds[Int(i)])) }
            if selfDeliver, (t + 1 - t0) % epoch == 0 || t + 1 == t0 + steps {
                if pendingStart < emitted.count {
                    kernel.deliver(Array(emitted[pendingStart...]))
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
            for j in Int(t.rowStart[src])..<Int(t.rowStart[src + 1]) {
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
