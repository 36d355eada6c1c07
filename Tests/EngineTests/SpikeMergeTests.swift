// The merge of sorted spike lists (each shard's, then each rank's) equals the sort of their
// union: random lists of unique (step, source) keys split in random ways, empty lists, one
// list, and an unsorted list (which falls back to the sort).

import NeuroplastCore
import Network
import Testing

@Suite struct SpikeMergeTests {
    @Test func mergeEqualsSortOfTheUnion() {
        var rng = CounterRNG(seed: 7)
        for trial in 0..<200 {
            let n = Int(rng.uniform(.initialState, entity: UInt64(trial), counter: 0) * 3000)
            var all = Set<Spike>()
            for k in 0..<n {
                let step = Int(rng.uniform(.initialState, entity: UInt64(trial), counter: UInt64(2 * k + 1)) * 15)
                let source = Int32(rng.uniform(.initialState, entity: UInt64(trial), counter: UInt64(2 * k + 2)) * 5000)
                all.insert(Spike(step: step, source: source))
            }
            let lists = 1 + trial % 9
            var parts = [[Spike]](repeating: [], count: lists)
            for s in all { parts[Int(s.source) % lists].append(s) }
            parts = parts.map { $0.sorted() }
            #expect(SpikeMerge.merge(parts) == all.sorted(), "trial \(trial): \(lists) lists")
        }
        #expect(SpikeMerge.merge([]) == [])
        #expect(SpikeMerge.merge([[], []]) == [])
        let unsorted = [Spike(step: 2, source: 1), Spike(step: 1, source: 3)]
        #expect(SpikeMerge.merge([unsorted, [Spike(step: 1, source: 0)]]) == [Spike(step: 1, source: 0), Spike(step: 1, source: 3), Spike(step: 2, source: 1)])
    }
}
