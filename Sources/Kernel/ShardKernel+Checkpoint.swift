// A shard kernel's state as a checkpoint keeps it: everything a later step reads — the
// membrane and conductance state, refractory counters, the delay rings (spikes already
// delivered but not yet arrived), the sums behind interval means, the cell models in force
// (drives and blocks switch during a run), the synapse rows and, with NMDA saturation, the
// presynaptic gating traces. The Poisson drive needs no
// state: it is drawn from a counter-based generator keyed by (neuron, step).

/// Everything of a `ShardKernel` that changes while it runs.
public struct KernelState: Codable, Sendable {
    public var n: Int
    public var ringDepth: Int
    public var v, w, gA, xN, sN, gG: PackedArray<Double>
    public var refractory: PackedArray<Float>
    public var ringA, ringN, ringG: PackedArray<Float>
    public var vSum, gASum, gNSum, gGSum: PackedArray<Double>
    public var statSamples: Int
    public var cells: [CellModel]
    public var synapses: SynapseTable.Rows
    /// Presynaptic NMDA gating traces (NMDA saturation only).
    public var saturation: SaturationState? = nil
}

/// A checkpoint's kernel state that does not fit the kernel it is restored into.
public struct KernelStateMismatch: Error, CustomStringConvertible {
    public var description: String
}

extension ShardKernel {
    public func captureState() -> KernelState {
        func pack<T>(_ b: KernelBuffer<T>) -> PackedArray<T> { PackedArray(b.array) }
        return KernelState(n: n, ringDepth: ringDepth, v: pack(v), w: pack(w), gA: pack(gA), xN: pack(xN), sN: pack(sN),
                           gG: pack(gG), refractory: pack(refractory), ringA: pack(ringA), ringN: pack(ringN),
                           ringG: pack(ringG), vSum: pack(vSum), gASum: pack(gASum), gNSum: pack(gNSum),
                           gGSum: pack(gGSum), statSamples: statSamples, cells: layout.cells, synapses: synapses.rows(),
                           saturation: saturation?.state)
    }

    /// Overwrites the kernel's state with `s`, which must come from a kernel built from the
    /// same blueprint and partition.
    public func restore(_ s: KernelState) throws(KernelStateMismatch) {
        guard s.n == n, s.ringDepth == ringDepth, s.cells.count == layout.cells.count else {
            throw KernelStateMismatch(description: "kernel state for \(s.n) neurons, ring depth \(s.ringDepth), \(s.cells.count) populations; this shard has \(n), \(ringDepth), \(layout.cells.count)")
        }
        func fill<T>(_ b: KernelBuffer<T>, _ p: PackedArray<T>, _ name: String) throws(KernelStateMismatch) {
            guard p.values.count == b.count else {
                throw KernelStateMismatch(description: "\(name): \(p.values.count) values, expected \(b.count)")
            }
            for (i, x) in p.values.enumerated() { b[i] = x }
        }
        try fill(v, s.v, "v"); try fill(w, s.w, "w"); try fill(gA, s.gA, "gA"); try fill(xN, s.xN, "xN")
        try fill(sN, s.sN, "sN"); try fill(gG, s.gG, "gG"); try fill(refractory, s.refractory, "refractory")
        try fill(ringA, s.ringA, "ringA"); try fill(ringN, s.ringN, "ringN"); try fill(ringG, s.ringG, "ringG")
        try fill(vSum, s.vSum, "vSum"); try fill(gASum, s.gASum, "gASum"); try fill(gNSum, s.gNSum, "gNSum")
        try fill(gGSum, s.gGSum, "gGSum")
        guard (0...Int(Int32.max)).contains(s.statSamples) else { throw KernelStateMismatch(description: "statSamples \(s.statSamples) lies outside 0…2³¹ − 1 (a run has fewer steps)") }
        for (p, (mine, theirs)) in zip(layout.cells, s.cells).enumerated() {
            if let problem = theirs.problem(against: mine) { throw KernelStateMismatch(description: "population \(p)'s cell model: \(problem)") }
        }
        let maxRefractory = Float(layout.cells.map(\.refractorySteps).max() ?? 0)
        if let r = s.refractory.values.first(where: { !($0 >= 0 && $0 <= maxRefractory) }) {
            throw KernelStateMismatch(description: "a refractory counter of \(r) steps lies outside 0…\(Int(maxRefractory))")
        }
        statSamples = s.statSamples
        layout.cells = s.cells
        switch (saturation, s.saturation) {
        case let (mine?, theirs?): try mine.restore(theirs)
        case (nil, nil): break
        default: throw KernelStateMismatch(description: "the checkpoint \(s.saturation == nil ? "has no" : "has") NMDA saturation traces; this scenario \(saturation == nil ? "has no" : "has") NMDA saturation")
        }
        if let problem = synapses.restore(s.synapses, localNeurons: n, maxRingDelay: ringDepth - 1) { throw KernelStateMismatch(description: problem) }
    }
}
