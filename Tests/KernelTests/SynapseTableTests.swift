// The rewirable synapse table against a plain reference model under random insertions and
// deletions: same synapses per row in the same order, invariants (row marks included) after
// every operation, after compaction and after a restore.

import Testing
@testable import Kernel

@Suite struct SynapseTableTests {
    /// Insertions carry weight 1 and delay 1 — the initial synapses' — up to op `agreeing`
    /// (the table keeps them once until then), their own weight and delay after it.
    @Test(arguments: [0, 2500, 5000])
    func randomRewiringMatchesReference(agreeing: Int) throws {
        let n = 40
        var seq = KeyedSequence(key: 3)
        var initial: [SynapseSpec] = []
        for t in 0..<n { for _ in 0..<3 { initial.append(SynapseSpec(source: Int32(seq.below(n)), target: Int32(t), weight: 1, delay: 1)) } }
        let table = try SynapseTable(globalNeurons: n, synapses: initial)
        // Reference: per source, (target, weight) sorted by target, stable.
        var ref = [[(Int32, Float)]](repeating: [], count: n)
        for s in initial { ref[Int(s.source)].append((s.target, s.weight)) }
        for r in 0..<n { ref[r] = ref[r].enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element) }
        #expect(table.uniformWeight == 1 && table.uniformDelay == 1)
        // Rows marked where delivery would cut them (population starts, worker bounds).
        table.mark(cuts: [1, 7, 20, 33], threads: 2)
        #expect(table.checkInvariants().isEmpty, "\(table.checkInvariants())")
        for op in 0..<5000 {
            let src = seq.below(n), tgt = Int32(seq.below(n))
            if seq.uniform() < 0.6 {
                let w = op < agreeing ? 1 : Float(op), d = UInt16(1 + seq.below(9))
                table.insert(SynapseSpec(source: Int32(src), target: tgt, weight: w, delay: op < agreeing ? 1 : d))
                let k = ref[src].lastIndex { $0.0 <= tgt }.map { $0 + 1 } ?? 0
                ref[src].insert((tgt, w), at: k)
            } else {
                let removed = table.remove(source: src, target: tgt)
                if let k = ref[src].firstIndex(where: { $0.0 == tgt }) {
                    #expect(removed); ref[src].remove(at: k)
                } else {
                    #expect(!removed)
                }
            }
            #expect(table.checkInvariants().isEmpty, "op \(op): \(table.checkInvariants())")
            if op < agreeing { #expect(table.uniformWeight == 1 && table.uniformDelay == 1, "op \(op)") }
        }
        if agreeing < 5000 { #expect(table.uniformWeight == nil && table.uniformDelay == nil) }
        #expect(table.checkInvariants().isEmpty)
        for r in 0..<n {
            let got = table.row(r).map { (Int32(table.target[$0]), table.weight(at: $0)) }
            #expect(got.map(\.0) == ref[r].map(\.0) && got.map(\.1) == ref[r].map(\.1), "row \(r)")
        }
        #expect(table.count == ref.reduce(0) { $0 + $1.count })
        table.compact()
        #expect(table.checkInvariants().isEmpty)
        #expect(table.maxDelay <= 9)
        // A checkpoint's rows restore the same synapses, kept once again if they agree.
        let copy = try SynapseTable(globalNeurons: n, synapses: [])
        copy.mark(cuts: [39], threads: 1)
        #expect(copy.restore(table.rows(), localNeurons: n, maxRingDelay: 9) == nil)
        #expect(copy.marks.cuts == [39] && copy.checkInvariants().isEmpty, "\(copy.checkInvariants())")
        for r in 0..<n { #expect(copy.row(r).map { copy.weight(at: $0) } == ref[r].map(\.1), "restored row \(r)") }
        #expect((copy.uniformWeight != nil) == (agreeing == 5000) && (copy.uniformDelay != nil) == (agreeing == 5000))
        // A writer's `weight` gives every synapse its own entry, with the same values.
        _ = copy.weight
        #expect(copy.uniformWeight == nil)
        for r in 0..<n { #expect(copy.row(r).map { copy.weight[$0] } == ref[r].map(\.1)) }
    }

    /// Synapses onto target t of a random network: a few from random sources, drawn from
    /// t's own keyed stream (so listing a target twice lists the same synapses).
    static func synapses(onto t: Int, n: Int, values: Bool, _ emit: (SynapseSpec) -> Void) {
        var seq = KeyedSequence(key: 99, start: UInt64(t) << 20)
        for _ in 0..<(1 + seq.below(7)) {
            let s = seq.below(n), w = Float(seq.uniform()), d = UInt16(1 + seq.below(20))
            emit(SynapseSpec(source: Int32(s), target: Int32(t), weight: values ? w : 1, delay: values ? d : 0))
        }
    }

    /// The streaming build (count, prefix, fill, by blocks on several threads) gives the
    /// table of the plain list, slot for slot, for any thread count.
    @Test func streamingBuildEqualsTheListedTable() throws {
        let n = 3_001
        var list: [SynapseSpec] = []
        for t in 0..<n { Self.synapses(onto: t, n: n, values: true) { list.append($0) } }
        let reference = try SynapseTable(globalNeurons: n, synapses: list)
        for threads in [1, 2, 3, 8] {
            let table = try SynapseTable(globalNeurons: n, targets: n, threads: threads) { range, values, emit in
                for t in range { Self.synapses(onto: t, n: n, values: values, emit) }
            }
            #expect(table.checkInvariants().isEmpty)
            #expect(table.count == list.count && table.used == reference.used)
            #expect(table.rowStart.array == reference.rowStart.array && table.rowEnd.array == reference.rowEnd.array)
            #expect(table.target.array == reference.target.array && table.weight.array == reference.weight.array
                    && table.delay.array == reference.delay.array, "threads \(threads)")
            #expect(table.minDelay == reference.minDelay && table.maxDelay == reference.maxDelay)
        }
    }

    /// More synapses than a shard addresses are refused after counting, before the storage
    /// is allocated.
    @Test func tooManySynapsesAreRefusedBeforeAllocation() {
        let n = 100
        #expect(throws: SynapseTableError.self) {
            _ = try SynapseTable(globalNeurons: n, targets: n, threads: 2, maxSlots: 50) { range, values, emit in
                for t in range { Self.synapses(onto: t, n: n, values: values, emit) }
            }
        }
        let fits = try? SynapseTable(globalNeurons: n, targets: n, threads: 2, maxSlots: 10_000) { range, values, emit in
            for t in range { Self.synapses(onto: t, n: n, values: values, emit) }
        }
        #expect(fits?.checkInvariants().isEmpty == true)
    }
}
