// Merging sorted spike lists: each shard returns its spikes of an epoch sorted by (step,
// source), so the network's sorted list is their merge — pairwise, in rounds, O(S log k) for
// k lists instead of a sort's O(S log S). A neuron spikes at most once per step, so keys are
// unique and the merge equals the sort of the union whatever the lists' order; lists that
// are not sorted (never from a shard) fall back to the sort.

import NeuroplastCore

package enum SpikeMerge {
    /// The sorted union of `lists`.
    package static func merge(_ lists: [[Spike]]) -> [Spike] {
        var parts = lists.filter { !$0.isEmpty }
        guard parts.allSatisfy(isSorted) else { return parts.flatMap { $0 }.sorted() }
        while parts.count > 1 {
            var next: [[Spike]] = []
            next.reserveCapacity((parts.count + 1) / 2)
            var i = 0
            while i + 1 < parts.count { next.append(two(parts[i], parts[i + 1])); i += 2 }
            if i < parts.count { next.append(parts[i]) }
            parts = next
        }
        return parts.first ?? []
    }

    static func isSorted(_ a: [Spike]) -> Bool { zip(a, a.dropFirst()).allSatisfy { !($1 < $0) } }

    /// Two sorted lists merged.
    static func two(_ a: [Spike], _ b: [Spike]) -> [Spike] {
        var out: [Spike] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if b[j] < a[i] { out.append(b[j]); j += 1 } else { out.append(a[i]); i += 1 }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }
}
