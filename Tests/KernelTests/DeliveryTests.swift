// Spike delivery against a plain reference: every synapse of every spike added in row order
// with its (source, target) populations' receptor factors. Delivery itself cuts rows at
// population borders and at worker ranges by the rows' marks (`DeliveryPlan`, `RowMarks`),
// here with 1–3 workers, populations whose borders fall inside and on workers' ranges, and
// an empty population.

import NeuroplastCore
import Testing
@testable import Kernel

@Suite struct DeliveryTests {
    static let n = 200
    /// Populations of 60, 17 and 123 neurons.
    static let population: [UInt8] = (0..<n).map { $0 < 60 ? 0 : $0 < 77 ? 1 : 2 }
    /// Populations of 66, 0 and 134 neurons: population 1 empty, 2 starting at worker 1's
    /// bound with three workers (200·1/3 = 66).
    static let withEmpty: [UInt8] = (0..<n).map { $0 < 66 ? 0 : 2 }

    /// Source s has a row of s mod 61 synapses (0–60: below, at and across 16-lane blocks),
    /// random targets with repeats (rows sorted by target), delays 1–4 steps (or all 3 with
    /// `oneDelay`), weights in [0.5, 1.5) (or all 0.7 with `oneWeight`: the table then keeps
    /// them once); receptor factors differ per population pair and some are 0.
    func kernel(oneWeight: Bool = false, oneDelay: Bool = false, population: [UInt8] = Self.population) -> ShardKernel {
        var seq = KeyedSequence(key: 5)
        var synapses: [SynapseSpec] = []
        for s in 0..<Self.n {
            for _ in 0..<(s % 61) {
                synapses.append(SynapseSpec(source: Int32(s), target: Int32(seq.below(Self.n)),
                                            weight: oneWeight ? 0.7 : Float(0.5 + seq.uniform()),
                                            delay: oneDelay ? 3 : UInt16(1 + seq.below(4))))
            }
        }
        // Rows sorted by target, as connectivity builds them (generated target by target).
        synapses.sort { $0.target < $1.target }
        let cell = CellModel(model: KernelFixtures.lif(), dt: 0.1, current: 0, drive: .none)
        let mix = { (k: Int) in (0..<9).map { Float(($0 * k) % 4) * 0.25 } }
        let layout = ShardLayout(globalIds: (0..<Self.n).map(Int32.init), population: population,
                                 cells: [cell, cell, cell], sourcePopulation: population,
                                 mixAMPA: mix(1), mixNMDA: mix(2), mixGABA: mix(3),
                                 initialV: [Double](repeating: -65, count: Self.n))
        return ShardKernel(layout: layout, synapses: try! SynapseTable(globalNeurons: Self.n, synapses: synapses),
                           receptors: KernelFixtures.receptors, dt: 0.1, chunkSize: 64, seed: 1)
    }

    @Test(arguments: [1, 2, 3], [(false, false), (true, false), (false, true), (true, true)])
    func deliveryEqualsReference(threads: Int, uniform: (weight: Bool, delay: Bool)) {
        expectDeliveryEqualsReference(threads: threads, uniform: uniform, population: Self.population)
    }

    @Test(arguments: [1, 2, 3])
    func deliveryWithAnEmptyPopulationEqualsReference(threads: Int) {
        expectDeliveryEqualsReference(threads: threads, uniform: (false, false), population: Self.withEmpty)
    }

    func expectDeliveryEqualsReference(threads: Int, uniform: (weight: Bool, delay: Bool), population: [UInt8]) {
        var seq = KeyedSequence(key: 7)
        var spikes: [Spike] = []
        for step in 0..<3 { for _ in 0..<50 { spikes.append(Spike(step: step, source: Int32(seq.below(Self.n)))) } }
        spikes.sort()
        let k = kernel(oneWeight: uniform.weight, oneDelay: uniform.delay, population: population)
        #expect((k.synapses.uniformWeight != nil) == uniform.weight && (k.synapses.uniformDelay != nil) == uniform.delay)
        k.parallelDeliveryMinSpikes = 1
        k.deliver(spikes, threads: threads)
        // The reference: each synapse in row order, factor by (source, target) population.
        let table = k.synapses, R = k.ringDepth, P = 3
        var rings = [[Float]](repeating: [Float](repeating: 0, count: R * Self.n), count: 3)
        let mixes = [k.layout.mixAMPA, k.layout.mixNMDA, k.layout.mixGABA]
        for s in spikes {
            for j in table.row(Int(s.source)) {
                let target = Int(table.target[j])
                let m = Int(population[Int(s.source)]) * P + Int(population[target])
                let e = ((s.step + Int(table.delay(at: j))) % R) * Self.n + target
                for r in 0..<3 where mixes[r][m] != 0 { rings[r][e] += table.weight(at: j) * mixes[r][m] }
            }
        }
        for (r, ring) in [k.ringA, k.ringN, k.ringG].enumerated() {
            #expect(ring.array.map(\.bitPattern) == rings[r].map(\.bitPattern), "receptor \(r), threads \(threads), uniform \(uniform)")
        }
        #expect(k.synapses.checkInvariants().isEmpty)
        #expect(k.plan?.workers == min(threads, 3))
    }

    /// A source population's GABA_A output scaled (PV cells that lost their phenotype): its
    /// GABA factor onto every population is the layout's × scale, the other receptors and
    /// populations untouched; scale 1 restores the layout's factors bit for bit.
    @Test func gabaOutputScalesOneSourcePopulation() {
        let k = kernel(), P = 3
        k.setGABAOutput(source: 1, scale: 0.5)
        let gaba = k.mixBuffers.gaba, layout = k.layout.mixGABA
        for m in 0..<(P * P) {
            let expected = m / P == 1 ? layout[m] * 0.5 : layout[m]
            #expect(gaba.pointer[m].bitPattern == expected.bitPattern, "factor \(m)")
        }
        #expect((0..<(P * P)).allSatisfy { k.mixBuffers.ampa.pointer[$0] == k.layout.mixAMPA[$0] })
        k.setGABAOutput(source: 1, scale: 1)
        #expect((0..<(P * P)).allSatisfy { gaba.pointer[$0].bitPattern == layout[$0].bitPattern })
        // Out of range and non-finite scales are ignored.
        k.setGABAOutput(source: 7, scale: 0.5)
        k.setGABAOutput(source: 0, scale: .nan)
        #expect((0..<(P * P)).allSatisfy { gaba.pointer[$0].bitPattern == layout[$0].bitPattern })
    }
}
