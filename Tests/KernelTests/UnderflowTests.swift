// The underflow sweep (`Underflow.swift`): without it, a silent neuron's decaying state
// sticks in the subnormal range; with it, that state reaches exactly zero and never
// passes through the subnormal range, and V, the spikes and the sampled sums are the same
// bits as without it.

import Testing
@testable import Kernel

@Suite struct UnderflowTests {
    /// Every decaying state variable of one silent neuron, started at a normal value: LIF
    /// with AMPA, NMDA (rise and gating) and GABA, and AdEx with a = 0 (w decays to zero). At
    /// dt = 1 ms the slowest of them (NMDA decay, 100 ms: p = 0.99) reaches the subnormal
    /// range after about 71 000 steps.
    static func silentKernel(adex: Bool) -> ShardKernel {
        let model: NeuronModel = adex
            ? .adex(LIFParameters(C: 200, gL: 10, EL: -70, Vth: -50, Vreset: -58, tRef: 2, Iext: 0),
                    AdExParameters(a: 0, b: 40, deltaT: 2, VT: -50, tauW: 30, Vpeak: 0))
            : KernelFixtures.lif()
        // The NMDA mix makes the population receive NMDA, so its gating is integrated.
        let k = KernelFixtures.kernel(count: 3, model: model, dt: 1, v0: -70, mix: (0, 1, 0))
        for i in 0..<3 {
            k.gA[i] = 4; k.gG[i] = 9; k.xN[i] = 0.5; k.sN[i] = 2
            if adex { k.w[i] = 30 }
        }
        return k
    }

    /// Runs `steps` steps of `k` and returns each step's V bits and the first step at which
    /// any decaying state variable was subnormal (nil: none).
    static func trace(_ k: ShardKernel, steps: Int) -> (v: [UInt64], firstSubnormal: Int?) {
        var local: [Int32] = [], v: [UInt64] = [], first: Int?
        for t in 0..<steps {
            k.step(t, threads: 1, sampleStats: false, into: &local)
            for i in 0..<k.n {
                v.append(k.v[i].bitPattern)
                let state = [k.v[i], k.gA[i], k.gG[i], k.xN[i], k.sN[i], k.w[i]]
                if first == nil, state.contains(where: { $0.isSubnormal }) { first = t }
            }
        }
        #expect(local.isEmpty, "a silent neuron should not fire")
        return (v, first)
    }

    @Test(arguments: [false, true])
    func silentStateReachesZeroWithoutSubnormals(adex: Bool) {
        let steps = 80_000
        let unswept = Self.silentKernel(adex: adex)
        unswept.underflowSweepEvery = .max   // only step 0 sweeps, where nothing is small
        let withoutSweep = Self.trace(unswept, steps: steps)
        #expect(withoutSweep.firstSubnormal != nil, "without the sweep the decaying state should stick in the subnormal range")

        let swept = Self.silentKernel(adex: adex)
        let withSweep = Self.trace(swept, steps: steps)
        #expect(withSweep.firstSubnormal == nil, "subnormal state at step \(withSweep.firstSubnormal ?? -1)")
        for i in 0..<swept.n {
            #expect(swept.gA[i] == 0 && swept.gG[i] == 0 && swept.xN[i] == 0 && swept.sN[i] == 0 && swept.w[i] == 0)
        }
        #expect(withSweep.v == withoutSweep.v, "V should be the same bits with and without the sweep")
    }

    /// A driven recurrent network that falls silent when its drive stops: spikes, V at
    /// every step and the sampled sums are the same bits with the sweep (every 64 steps) and
    /// without it, through the active phase and the silence after it.
    @Test func activeThenSilentNetworkIsUnchangedBySweep() {
        let n = 120, steps = 30_000, driveSteps = 2_000
        func run(sweepEvery: Int) -> (spikes: [Spike], v: [UInt64], sums: [UInt64]) {
            var synapses: [SynapseSpec] = []
            for s in 0..<n { for j in 1...6 { synapses.append(SynapseSpec(source: Int32(s), target: Int32((s * 7 + j * 13) % n), weight: 1, delay: 2)) } }
            let drive = PoissonDrive(rate: 2.0, dt: 0.1, weight: 6, channel: 0)
            let k = KernelFixtures.kernel(count: n, model: KernelFixtures.lif(), drive: drive, synapses: synapses,
                                          mix: (0.8, 0.2, 0.5), chunkSize: 32)
            k.underflowSweepEvery = sweepEvery
            var spikes: [Spike] = [], v: [UInt64] = [], local: [Int32] = []
            for t in 0..<steps {
                if t == driveSteps {
                    var cell = k.layout.cells[0]
                    cell.drive = .none
                    k.setCell(population: 0, cell)
                }
                local.removeAll(keepingCapacity: true)
                k.step(t, threads: 1, sampleStats: t % 10 == 0, into: &local)
                let now = local.map { Spike(step: t, source: $0) }
                k.deliver(now)
                spikes.append(contentsOf: now)
                if t % 500 == 0 { v.append(contentsOf: (0..<n).map { k.v[$0].bitPattern }) }
            }
            let sums = (0..<n).flatMap { [k.vSum[$0], k.gASum[$0], k.gNSum[$0], k.gGSum[$0]] }.map(\.bitPattern)
            return (spikes, v, sums)
        }
        let swept = run(sweepEvery: 64), unswept = run(sweepEvery: .max)
        #expect(swept.spikes.count > n, "the drive should make the network fire")
        #expect(swept.spikes.allSatisfy { $0.step < driveSteps + 200 }, "the network should fall silent after the drive")
        #expect(swept.spikes == unswept.spikes)
        #expect(swept.v == unswept.v)
        #expect(swept.sums == unswept.sums)
    }
}
