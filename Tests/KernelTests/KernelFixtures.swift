// Small kernels built by hand for the kernel tests: one population of cells, optional
// synapses, no engine, no files.

@testable import Kernel

enum KernelFixtures {
    static let receptors = ReceptorKinetics(ampaTau: 2, ampaE: 0, nmdaTauRise: 2, nmdaTauDecay: 100, nmdaE: 0,
                                            mg: 1, mgHalf: 3.57, mgSlope: 0.062, gabaTau: 10, gabaE: -70)

    static func lif(C: Double = 200, gL: Double = 10, EL: Double = -70, Vth: Double = -50, Vreset: Double = -60,
                    tRef: Double = 2, I: Double = 0) -> NeuronModel {
        .lif(LIFParameters(C: C, gL: gL, EL: EL, Vth: Vth, Vreset: Vreset, tRef: tRef, Iext: I))
    }

    /// A kernel of `count` identical cells in one population.
    static func kernel(count: Int, model: NeuronModel, dt: Double = 0.1, v0: Double = -70,
                       tonic: (ampa: Double, nmda: Double, gaba: Double) = (0, 0, 0),
                       drive: PoissonDrive = .none, synapses: [SynapseSpec] = [],
                       mix: (ampa: Float, nmda: Float, gaba: Float) = (0, 0, 0), chunkSize: Int = 64,
                       seed: UInt64 = 7) -> ShardKernel {
        let cell = CellModel(model: model, dt: dt, current: 0, drive: drive, tonic: tonic)
        let layout = ShardLayout(globalIds: (0..<count).map(Int32.init), population: [UInt8](repeating: 0, count: count),
                                 cells: [cell], sourcePopulation: [UInt8](repeating: 0, count: count),
                                 mixAMPA: [mix.ampa], mixNMDA: [mix.nmda], mixGABA: [mix.gaba],
                                 initialV: [Double](repeating: v0, count: count))
        return ShardKernel(layout: layout, synapses: try! SynapseTable(globalNeurons: count, synapses: synapses),
                           receptors: receptors, dt: dt, chunkSize: chunkSize, seed: seed)
    }

    /// Runs `steps` steps inside a worker gang of `threads`, each step's spikes delivered in
    /// the next step's phase (`step(…delivering:…)`, as a shard without weight plasticity
    /// does) and the last step's on their own; returns the spikes.
    static func runJoined(_ k: ShardKernel, steps: Int, threads: Int) -> [Spike] {
        WorkerGang.run(threads: threads) { gang in
            k.gang = gang
            defer { k.gang = nil }
            var all: [Spike] = [], pending: [Spike] = [], local: [Int32] = []
            for t in 0..<steps {
                local.removeAll(keepingCapacity: true)
                k.step(t, threads: threads, sampleStats: false, delivering: pending, into: &local)
                pending = local.map { Spike(step: t, source: $0) }
                all.append(contentsOf: pending)
            }
            k.deliver(pending, threads: threads)
            return all
        }
    }

    /// Runs `steps` steps delivering each step's spikes back into the kernel; returns them.
    static func run(_ k: ShardKernel, steps: Int, threads: Int = 1) -> [Spike] {
        var all: [Spike] = []
        var local: [Int32] = []
        for t in 0..<steps {
            local.removeAll(keepingCapacity: true)
            k.step(t, threads: threads, sampleStats: false, into: &local)
            let spikes = local.map { Spike(step: t, source: $0) }
            k.deliver(spikes)
            all.append(contentsOf: spikes)
        }
        return all
    }
}
