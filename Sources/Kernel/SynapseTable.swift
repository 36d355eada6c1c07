// Synapse storage of one shard: the synapses onto the shard's neurons, grouped by global
// source id (compressed rows), so delivering a spike touches one contiguous row and writes
// only shard-local state. 10 bytes per synapse: target (4), weight (4), delay (2).

/// One synapse as produced by connectivity generation, before compression.
public struct SynapseSpec: Sendable, Equatable {
    public var source: Int32      // global id
    public var target: Int32      // local index in the shard
    public var weight: Float      // dimensionless factor on the projection's conductances
    public var delay: UInt16      // [steps] ≥ 1
    public init(source: Int32, target: Int32, weight: Float, delay: UInt16) {
        self.source = source; self.target = target; self.weight = weight; self.delay = delay
    }
}

/// Compressed-row synapse table keyed by global source id.
///
/// Rows keep the order in which synapses were given for equal sources (a stable counting
/// sort), so when generation lists synapses by (target, draw order) the summation order at
/// every target is canonical and independent of how neurons are split into shards.
public final class SynapseTable {
    /// Row r = synapses from global source r: `rowStart[r] ..< rowStart[r+1]`.
    public let rowStart: KernelBuffer<UInt32>
    public let target: KernelBuffer<UInt32>
    public let weight: KernelBuffer<Float>
    public let delay: KernelBuffer<UInt16>
    public let count: Int
    public let globalNeurons: Int
    /// Largest and smallest delay [steps] in the table (0 if empty).
    public let maxDelay: Int
    public let minDelay: Int

    public init(globalNeurons: Int, synapses: [SynapseSpec]) {
        self.globalNeurons = globalNeurons
        count = synapses.count
        var starts = [UInt32](repeating: 0, count: globalNeurons + 1)
        for s in synapses { starts[Int(s.source) + 1] += 1 }
        for i in 0..<globalNeurons { starts[i + 1] += starts[i] }
        var next = starts
        let tgt = KernelBuffer<UInt32>(count: count, initial: 0)
        let w = KernelBuffer<Float>(count: count, initial: 0)
        let d = KernelBuffer<UInt16>(count: count, initial: 0)
        var lo = Int.max, hi = 0
        for s in synapses {
            let k = Int(next[Int(s.source)]); next[Int(s.source)] += 1
            tgt[k] = UInt32(s.target); w[k] = s.weight; d[k] = s.delay
            lo = min(lo, Int(s.delay)); hi = max(hi, Int(s.delay))
        }
        rowStart = KernelBuffer(starts, empty: 0)
        target = tgt; weight = w; delay = d
        maxDelay = count == 0 ? 0 : hi
        minDelay = count == 0 ? 0 : lo
    }

    /// Bytes used per synapse (excluding the row index).
    public static let bytesPerSynapse = MemoryLayout<UInt32>.size + MemoryLayout<Float>.size + MemoryLayout<UInt16>.size

    /// Total bytes including the row index.
    public var bytes: Int { count * Self.bytesPerSynapse + (globalNeurons + 1) * MemoryLayout<UInt32>.size }
}
