// The simulation's side of the LFP proxy: after each segment every shard hands over its
// per-sample sums, which are added (integers, so any shard order gives the same bits) and
// passed to the merger; the session takes the completed samples at record boundaries.

extension Shard {
    /// The probe's sums since the last call (empty without `record.lfp`).
    func takeLFP() -> LFPSums { lfp?.take() ?? LFPSums(firstSample: -1, electrodes: 0, values: []) }
}

extension Simulation {
    /// Adds every shard's sums of the segment just run into the merger.
    func mergeLFP() async throws {
        var total = LFPSums(firstSample: -1, electrodes: 0, values: [])
        let parts = try await gather({ await $0.takeLFP() }, encode: { l, w in
            w.put(Int64(l.firstSample)); w.put(Int64(l.electrodes)); w.put(array: l.values)
        }, decode: { r in
            LFPSums(firstSample: Int(try r.get(Int64.self)), electrodes: Int(try r.get(Int64.self)), values: try r.getArray(Int64.self))
        })
        for p in parts { total.add(p) }
        lfpSampler?.add(total, end: step)
    }

    /// LFP samples completed since the last call; nil without `record.lfp`.
    package func takeLFPSamples() -> LFPSamples? { lfpSampler?.take() }
}
