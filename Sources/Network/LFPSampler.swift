// The merger of the LFP proxy: adds the shards' per-sample sums (integers, so in any order),
// applies the 6 ms AMPA delay with a ring of per-electrode AMPA sample sums, and turns each
// completed sample into LFP values [pA] (`LFPProxy`). Its state goes into checkpoints:
// the ring and the sample still open at a segment boundary.

import Foundation

/// Completed LFP samples: sample `first + k` is row k of `values` (E values, pA).
public struct LFPSamples: Sendable, Codable, Equatable {
    /// Index of the first sample (sample k spans steps k·m ..< (k+1)·m, m steps per sample).
    public var first: Int
    public var electrodes: Int
    /// Row-major: sample k, electrode e at k·E + e.
    public var values: [Double]
    public var count: Int { electrodes == 0 ? 0 : values.count / electrodes }
    public init(first: Int, electrodes: Int, values: [Double]) { self.first = first; self.electrodes = electrodes; self.values = values }
}

package struct LFPSampler: Codable, Sendable {
    let electrodes: Int
    let stepsPerSample: Int
    /// τ in samples.
    let delay: Int
    /// AMPA sums of the last `delay` completed samples, sample k at slot k mod delay (zeros
    /// before the run: no AMPA current before t = 0).
    var ring: PackedArray<Int64>
    /// The sample still accumulating, if any, and its sums (AMPA 0..<E, then GABA).
    var openSample = -1
    var open: PackedArray<Int64>
    /// Completed samples not yet taken.
    var done: LFPSamples

    init(electrodes E: Int, stepsPerSample m: Int, rate: Double) {
        electrodes = E; stepsPerSample = m
        delay = LFPProxy.delaySamples(rate: rate)
        ring = PackedArray([Int64](repeating: 0, count: delay * E))
        open = PackedArray([Int64](repeating: 0, count: 2 * E))
        done = LFPSamples(first: 0, electrodes: E, values: [])
    }

    /// Whether `self` (from a checkpoint at `step`) is the state of `fresh`, the sampler the
    /// scenario builds, at that step: the same electrodes, sampling and delay, arrays of their
    /// lengths, and an open sample (if any) that is the one containing `step`.
    func fits(_ fresh: LFPSampler, step: Int) -> Bool {
        let E = fresh.electrodes, m = fresh.stepsPerSample
        return electrodes == E && stepsPerSample == m && delay == fresh.delay
            && ring.values.count == delay * E && open.values.count == 2 * E
            && m > 0 && step >= 0
            && (openSample == -1 || (openSample == step / m && step % m != 0))   // no products: they overflow
            && done.electrodes == E && done.first >= 0 && (E == 0 || done.values.count % E == 0)
            && (done.values.isEmpty || done.first <= step / m)
    }

    /// Adds the merged sums of a segment that ended at network step `end` (exclusive);
    /// every sample whose steps all lie before `end` is completed.
    mutating func add(_ s: LFPSums, end: Int) {
        let E = electrodes
        guard s.firstSample >= 0, E > 0 else { return }
        for k in 0..<s.sampleCount {
            let index = s.firstSample + k
            if index != openSample {
                precondition(openSample < 0 || index == openSample + 1, "LFP samples out of order")
                openSample = index
                for j in 0..<2 * E { open.values[j] = 0 }
            }
            for j in 0..<2 * E { open.values[j] &+= s.values[k * 2 * E + j] }
            if (index + 1) * stepsPerSample <= end { complete() }
        }
    }

    /// LFP_e = (A_e(k − τ) − α·G_e(k)) / (scale · m) for the open sample k; A_e(k) into the ring.
    private mutating func complete() {
        let E = electrodes, k = openSample
        if done.values.isEmpty { done.first = k }
        let slot = (k % delay) * E
        let norm = LFPProxy.scale * Double(stepsPerSample)
        for e in 0..<E {
            let delayed = ring.values[slot + e]
            ring.values[slot + e] = open.values[e]
            done.values.append((Double(delayed) - LFPProxy.gabaFactor * Double(open.values[E + e])) / norm)
        }
        openSample = -1
    }

    /// The completed samples since the last call.
    mutating func take() -> LFPSamples {
        defer { done = LFPSamples(first: 0, electrodes: electrodes, values: []) }
        return done
    }
}
