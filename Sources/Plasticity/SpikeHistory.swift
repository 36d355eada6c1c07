// The recent spikes of every neuron, kept by each shard from the spike stream it receives,
// so that plasticity can be computed when a presynaptic spike is delivered (NEST's
// "archiving" neurons). A ring of the last `depth` spike steps per neuron.

public struct SpikeHistory: Sendable {
    public let depth: Int
    public internal(set) var steps: [Int32]     // neuron-major rings, -1 = empty
    public internal(set) var head: [UInt8]      // next write position per neuron

    /// Per neuron, the latest spike step overwritten in its ring (−1: none), so that a reader
    /// can tell whether spikes it needs are gone. Not kept in checkpoints: after a resume it
    /// starts again from −1.
    public internal(set) var overwritten: [Int32]

    public init(neurons: Int, depth: Int = 8) {
        self.depth = depth
        steps = [Int32](repeating: -1, count: neurons * depth)
        head = [UInt8](repeating: 0, count: neurons)
        overwritten = [Int32](repeating: -1, count: neurons)
    }

    public mutating func add(_ spikes: [Spike]) {
        for s in spikes {
            let i = Int(s.source)
            let slot = i * depth + Int(head[i])
            if steps[slot] >= 0 { overwritten[i] = steps[slot] }
            steps[slot] = Int32(truncatingIfNeeded: s.step)
            head[i] = UInt8((Int(head[i]) + 1) % depth)
        }
    }

    /// The k-th oldest entry of neuron i's ring (k in 0..<depth; −1 = empty). Entries run in
    /// time order from k = 0.
    @inline(__always)
    public func entry(_ i: Int, _ k: Int) -> Int {
        var slot = Int(head[i]) + k
        if slot >= depth { slot -= depth }
        return Int(steps[i * depth + slot])
    }

    /// Spike steps of neuron i in [from, to), ascending.
    /// Whether neuron i's ring still holds every spike it had at or after step `from`.
    public func holdsAll(of i: Int, from: Int) -> Bool { overwritten[i] < 0 || Int(overwritten[i]) < from }

    public func spikes(of i: Int, from: Int, to: Int) -> [Int] {
        var out: [Int] = []
        for k in 0..<depth {
            let s = Int(steps[i * depth + (Int(head[i]) + k) % depth])
            if s >= 0, s >= from, s < to { out.append(s) }
        }
        return out
    }
}
