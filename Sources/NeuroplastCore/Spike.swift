// A spike as it travels between shards: the step it was emitted in and the global id of
// the neuron that emitted it. Spikes are delivered sorted by (step, source) so every
// target sums its inputs in the same order whatever the shard count.

public struct Spike: Sendable, Hashable, Comparable {
    /// Time step of emission (time = step·dt).
    public var step: Int
    /// Global neuron id.
    public var source: Int32
    @inlinable public init(step: Int, source: Int32) { self.step = step; self.source = source }
    @inlinable public static func < (a: Spike, b: Spike) -> Bool {
        a.step != b.step ? a.step < b.step : a.source < b.source
    }
}
