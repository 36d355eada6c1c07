// Delivery by target blocks (`BlockedDelivery.swift`) equals spike-by-spike delivery bit for
// bit: block sizes lowered so that a few hundred targets make many blocks, on one thread
// and several, with per-synapse and uniform weights and delays, and two populations whose
// sources use different receptors.

import Testing
@testable import Kernel

@Suite struct BlockedDeliveryTests {
    /// Two populations (first `n/3` excitatory onto AMPA and NMDA, the rest inhibitory onto
    /// GABA), 30 synapses per target; `uniform`: one weight and one delay for all.
    func network(uniform: Bool) -> ShardKernel {
        let n = 300, split = 100
        var seq = KeyedSequence(key: 41)
        var syn: [SynapseSpec] = []
        for t in 0..<n {
            for _ in 0..<30 {
                syn.append(SynapseSpec(source: Int32(seq.below(n)), target: Int32(t),
                                       weight: uniform ? 0.75 : Float(0.5 + seq.uniform()),
                                       delay: uniform ? 3 : UInt16(1 + seq.below(20))))
            }
        }
        let cell = CellModel(model: KernelFixtures.lif(), dt: 0.1, current: 0, drive: .none, tonic: (0, 0, 0))
        let population = (0..<n).map { UInt8($0 < split ? 0 : 1) }
        let layout = ShardLayout(globalIds: (0..<n).map(Int32.init), population: population, cells: [cell, cell],
                                 sourcePopulation: population,
                                 mixAMPA: [0.6, 0.4, 0, 0], mixNMDA: [0.3, 0.2, 0, 0], mixGABA: [0, 0, 1.5, 2.5],
                                 initialV: [Double](repeating: -65, count: n))
        return ShardKernel(layout: layout, synapses: try! SynapseTable(globalNeurons: n, synapses: syn),
                           receptors: KernelFixtures.receptors, dt: 0.1, chunkSize: 64, seed: 7)
    }

    func rings(_ k: ShardKernel) -> [[UInt32]] { [k.ringA, k.ringN, k.ringG].map { $0.array.map(\.bitPattern) } }

    @Test(arguments: [false, true])
    func blockedDeliveryEqualsSpikeBySpike(uniform: Bool) {
        var seq = KeyedSequence(key: 8)
        var spikes: [Spike] = []
        for step in 0..<10 { for _ in 0..<40 { spikes.append(Spike(step: step, source: Int32(seq.below(300)))) } }
        spikes.sort()
        let reference = network(uniform: uniform)
        #expect((reference.synapses.uniformDelay != nil) == uniform && (reference.synapses.uniformWeight != nil) == uniform)
        reference.deliver(spikes, threads: 1)   // 300 targets: one block (the default is 32 768)
        for block in [1, 7, 50] {
            for threads in [1, 2, 3] {
                let k = network(uniform: uniform)
                k.deliveryBlockTargets = block
                k.parallelDeliveryMinSpikes = 1
                k.deliver(spikes, threads: threads)
                #expect(rings(k) == rings(reference), "block \(block), threads \(threads), uniform \(uniform)")
            }
        }
    }

    /// Whole runs with blocked delivery, inside a worker gang (delivery joined to the update)
    /// and on one thread: the same spikes and state as the default.
    @Test func blockedRunsEqualTheDefault() {
        let reference = ChunkingTests().network(chunkSize: 64)
        let spikes = KernelFixtures.run(reference, steps: 1000)
        #expect(spikes.count > 300, "the network should be active; got \(spikes.count) spikes")
        for threads in [1, 2] {
            let k = ChunkingTests().network(chunkSize: 64)
            k.deliveryBlockTargets = 7
            let got = KernelFixtures.runJoined(k, steps: 1000, threads: threads)
            #expect(got == spikes, "threads \(threads): spikes differ")
            #expect(ChunkingTests().bits(k) == ChunkingTests().bits(reference), "threads \(threads): state differs")
            #expect(rings(k) == rings(reference), "threads \(threads): rings differ")
        }
    }
}
