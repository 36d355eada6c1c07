// What a network will need in memory, before it is built: its steady size and its two peaks
// (construction, and a checkpoint written or read), checked against what this process may
// use — physical memory, its cgroup's limit (Slurm confines a job's `--mem` that way, and
// containers do), and Slurm's own `--mem` variables — so an over-large run is refused before
// anything is allocated instead of dying in the allocator.
//
// Sizes (per shard S, the kernel's storage; see `SynapseTable`):
//   steady        = 10 B × synapses + 1200 B × neurons + S × R × neurons, with R = 12 B of
//                   row index (start, end, capacity) and 4 B × (2 + P − 1 + T − 1) of row
//                   marks (start, end, one per population border and per border between the
//                   shard's T delivery workers; `RowMarks`) per source row;
//                   4 B × synapses when every synapse has one weight and one delay and
//                   nothing in the scenario changes weights or forms synapses
//                   (`uniformSynapses`): the table then keeps targets only
//   construction  = S × blocks × 4 B × neurons   (per-block row counts; blocks = 4 × the
//                   shard's threads, 1 on one thread) — synapses go straight into the table
//   checkpoint    = 48 B × synapses + 400 B × neurons, on top of the steady size: the rows are
//                   copied, packed into Data and encoded as base64 JSON in memory (write), and
//                   the file, its payload and the decoded arrays are held at once (read).
//                   Measured with brunel-ai at 10⁵ neurons and 1.25·10⁸ synapses (release,
//                   2 threads): peak RSS 1.33 GB without checkpoints, 6.35 GB writing one
//                   (`--checkpoint-every`), 6.89 GB resuming from it — 40 and 44 B per
//                   synapse; 48 leaves a margin (Benchmarks/README.md, "Memory").

import Foundation

/// An estimate of a network's size before it is built.
public struct SizeEstimate: Sendable {
    public var neurons: Double
    public var synapses: Double
    /// Bytes per synapse in the kernel's storage: target, weight and delay, or the target
    /// alone for `uniformSynapses`.
    public var bytesPerSynapse = SizeEstimate.fullBytesPerSynapse
    public static let fullBytesPerSynapse = 10.0, targetBytesPerSynapse = 4.0
    /// Bytes per neuron: state, delay rings (≈ 3 channels × ring depth × 4 B) and recording.
    public static let bytesPerNeuron = 1200.0
    /// Bytes per neuron per shard: the shard's row index (start, end, capacity of every source).
    public static let rowIndexBytes = 12.0
    /// Populations (each border between two is a cut at which rows are marked).
    public var populations: Int
    /// A checkpoint's transient bytes per synapse and per neuron (see the file comment).
    public static let checkpointBytesPerSynapse = 48.0
    public static let checkpointBytesPerNeuron = 400.0

    /// Gaussian projections are estimated from the sheet's density as pMax·2πσ²·ρ_pre
    /// sources per target (capped at the source count); without a sheet, pMax·N_pre.
    ///
    /// `staticWeights`: nothing in the scenario writes weights or forms synapses (no
    /// plasticity, slow clock, interventions or arms); with `dt`, the synapses are then
    /// counted at 4 bytes when `uniformSynapses` holds.
    public init(populations: [Population], projections: [Projection], sheet: Sheet?, dt: Double? = nil, staticWeights: Bool = false) {
        if staticWeights, let dt, Self.uniformSynapses(projections, dt: dt) { bytesPerSynapse = Self.targetBytesPerSynapse }
        neurons = Double(populations.reduce(0) { $0 + $1.count })
        self.populations = populations.count
        var s = 0.0
        for p in projections {
            let nPre = Double(populations[p.source].count), nPost = Double(populations[p.target].count)
            switch p.rule {
            case let .random(prob): s += prob * nPre * nPost
            case let .fixedInDegree(k): s += Double(k) * nPost
            case let .gaussian(pMax, sigma):
                let perTarget = sheet.map { pMax * 2 * Double.pi * sigma * sigma * nPre / ($0.width * $0.height) } ?? pMax * nPre
                s += min(nPre, perTarget) * nPost
            }
        }
        synapses = s
    }

    public init(scenario sc: Scenario) {
        self.init(populations: sc.populations, projections: sc.projections, sheet: sc.sheet, dt: sc.time.dt,
                  staticWeights: !sc.changesSynapses && sc.arms.isEmpty)
    }

    /// Whether every synapse will have one weight (no angular profiles) and one delay (no
    /// conduction velocity, one synaptic delay in steps) — the test `Connectivity` applies
    /// before it builds a table of targets only — and no projection is structural.
    public static func uniformSynapses(_ projections: [Projection], dt: Double) -> Bool {
        projections.allSatisfy { $0.profile == nil && $0.velocity <= 0 && !$0.structural }
            && Set(projections.map { $0.delaySteps(distance: 0, dt: dt) }).count <= 1
    }

    /// The part one rank holds when it has `local` of `total` shards: its share of the
    /// synapses; neurons count whole (the blueprint and the gathered per-neuron arrays are
    /// held by every rank, so this errs on the safe side).
    public func share(ofShards local: Int, in total: Int) -> SizeEstimate {
        var e = self
        e.synapses = synapses * Double(max(1, local)) / Double(max(1, total))
        return e
    }

    /// The steady size with one shard on one thread.
    public var bytes: Double { steady(shards: 1, threads: 1) }

    /// A shard's bytes per source row: its index and its marks, with `threads` delivery
    /// workers in the shard.
    public func rowBytes(threadsPerShard threads: Int) -> Double {
        Self.rowIndexBytes + 4 * Double(2 + max(0, populations - 1) + max(0, threads - 1))
    }

    /// Network and neuron state with `shards` shards sharing `threads` threads.
    public func steady(shards: Int, threads: Int) -> Double {
        let s = max(1, shards), perShard = max(1, threads / s)
        return synapses * bytesPerSynapse + neurons * (Self.bytesPerNeuron + Double(s) * rowBytes(threadsPerShard: perShard))
    }

    /// The transient of construction: each shard's per-block row counts.
    public func construction(shards: Int, threads: Int) -> Double {
        let s = max(1, shards), perShard = max(1, threads / s)
        let blocks = perShard <= 1 ? 1 : 4 * perShard
        return Double(s * blocks) * 4 * neurons
    }

    /// The transient of writing or reading a checkpoint.
    public var checkpoint: Double { synapses * Self.checkpointBytesPerSynapse + neurons * Self.checkpointBytesPerNeuron }

    /// The peak while the network is built.
    public func buildPeak(shards: Int, threads: Int) -> Double { steady(shards: shards, threads: threads) + construction(shards: shards, threads: threads) }

    /// The peak while a checkpoint is written or read.
    public func checkpointPeak(shards: Int, threads: Int) -> Double { steady(shards: shards, threads: threads) + checkpoint }
}

/// The memory this process may use.
public enum MemoryBudget {
    /// This process's budget, read once: loading a sweep reads every point's scenario, and
    /// neither the cgroup's limit nor Slurm's variables change while a process runs.
    public static let process: (bytes: Double, source: String) = usable()

    /// The cores a run uses by default (`--threads`).
    public static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// The smallest of 80 % of physical memory, 90 % of the cgroup's limit and of Slurm's
    /// `--mem` (`SLURM_MEM_PER_NODE`, or `SLURM_MEM_PER_CPU` × `SLURM_CPUS_ON_NODE`, in MiB),
    /// each where present. `environment` and `cgroupRoot` are parameters for tests.
    public static func usable(environment: [String: String] = ProcessInfo.processInfo.environment,
                              cgroupRoot: String = "/sys/fs/cgroup",
                              physical: Double = Double(ProcessInfo.processInfo.physicalMemory)) -> (bytes: Double, source: String) {
        var best = (bytes: physical * 0.8, source: "80 % of physical memory")
        func consider(_ bytes: Double?, _ source: String) {
            if let b = bytes, b.isFinite, b > 0, b < best.bytes { best = (b, source) }
        }
        consider(cgroupLimit(root: cgroupRoot).map { $0 * 0.9 }, "90 % of the cgroup's memory limit")
        let mib = 1_048_576.0
        if let perNode = environment["SLURM_MEM_PER_NODE"].flatMap(Double.init) {
            consider(perNode * mib * 0.9, "90 % of the Slurm job's --mem")
        } else if let perCPU = environment["SLURM_MEM_PER_CPU"].flatMap(Double.init),
                  let cpus = environment["SLURM_CPUS_ON_NODE"].flatMap(Double.init) {
            consider(perCPU * cpus * mib * 0.9, "90 % of the Slurm job's --mem-per-cpu × CPUs")
        }
        return best
    }

    /// The memory limit of this process's cgroup (v2 `memory.max`, else v1
    /// `memory.limit_in_bytes`); nil when unlimited or unknown.
    static func cgroupLimit(root: String) -> Double? {
        var candidates = [root + "/memory.max", root + "/memory/memory.limit_in_bytes"]
        // cgroup v2: the process's own group, from /proc/self/cgroup ("0::/path").
        if let own = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
           let line = own.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) {
            let path = String(line.dropFirst(3))
            if path != "/" { candidates.insert(root + path + "/memory.max", at: 0) }
        }
        for c in candidates {
            guard let text = try? String(contentsOfFile: c, encoding: .utf8) else { continue }
            let v = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if v == "max" { return nil }
            // v1 reports "unlimited" as a huge page-rounded number.
            if let b = Double(v), b < 1e18 { return b }
        }
        return nil
    }
}

/// The figure of a byte count for messages ("1.3 GiB").
public func formatBytes(_ b: Double) -> String {
    if b >= 1_073_741_824 { return String(format1: b / 1_073_741_824) + " GiB" }
    if b >= 1_048_576 { return String(format1: b / 1_048_576) + " MiB" }
    return String(format1: b / 1024) + " KiB"
}
