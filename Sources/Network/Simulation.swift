// The simulation: the actor that owns the shards and runs the schedule of the fast clock,
// exchanging spikes between shards at epoch boundaries. With ranks (`RankGroup`), this
// process owns a contiguous block of the shards; every question to the network is gathered
// from every rank in shard order (`gather`), so each rank sees what one process would.

import Foundation
import Kernel
import Plasticity

public actor Simulation {
    public let blueprint: Blueprint
    public let options: RunOptions
    /// The shards this process holds: all of them, or with ranks its block (`RankLayout`).
    let shards: [Shard]
    /// Shards of the whole network, over every rank.
    public let shardCount: Int
    /// Index of this process's first shard.
    let firstShard: Int
    /// The ranks the network is spread over; nil = this process holds every shard.
    let ranks: (any RankGroup)?
    /// Steps per epoch: the smallest synaptic delay, so a spike never arrives in the epoch
    /// that emitted it.
    public let epochSteps: Int
    public let synapseCount: Int
    public let synapseBytes: Int
    public private(set) var step = 0
    /// Spikes emitted in the last epoch, awaiting delivery (sorted by step, source).
    var pending: [Spike] = []
    /// The LFP proxy's merger (`record.lfp`); nil = no LFP.
    var lfpSampler: LFPSampler?

    /// Builds the network: positions, then every shard's synapses in parallel. Throws
    /// `SynapseTableError` when a shard would hold more synapses than it can address.
    public init(blueprint: Blueprint, options: RunOptions) async throws {
        self.blueprint = blueprint
        self.options = options
        let S = max(1, options.shards)
        let parts = blueprint.partition(shards: S)
        let group = options.ranks.flatMap { $0.size > 1 ? $0 : nil }
        let mine = group.map { RankLayout.shards(rank: $0.rank, size: $0.size, total: S) } ?? 0..<S
        ranks = group
        shardCount = S
        firstShard = mine.lowerBound
        let perShard = max(1, options.threads / max(1, mine.count))
        let statEvery = max(1, Int((1.0 / blueprint.scenario.time.dt).rounded()) / 1)
        let lfp = blueprint.scenario.record.lfp.map { LFPGeometry(blueprint: blueprint, config: $0) }
        let built = try await withThrowingTaskGroup(of: (Int, Shard).self) { group in
            for (i, targets) in parts.enumerated() where mine.contains(i) {
                group.addTask {
                    (i, try Shard.build(index: i, targets: targets, blueprint: blueprint, threads: perShard,
                                        chunkSize: options.chunkSize, statEvery: statEvery, lfp: lfp))
                }
            }
            var out = [(Int, Shard)]()
            for try await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        shards = built
        if let c = blueprint.scenario.record.lfp {
            lfpSampler = LFPSampler(electrodes: c.electrodes.count, stepsPerSample: c.stepsPerSample(dt: blueprint.scenario.time.dt), rate: c.rate)
        }
        // The epoch is bounded by the smallest delay any synapse can have — including synapses
        // structural plasticity may create later — not just the ones that exist now.
        let local = [Int64(built.reduce(0) { $0 + $1.synapseCount }), Int64(built.reduce(0) { $0 + $1.synapseBytes }),
                     Int64(built.map(\.minDelay).filter { $0 > 0 }.min() ?? Int.max)]
        let totals = try Simulation.combine(local, over: group)
        epochSteps = min(Simulation.epochSteps(blueprint.scenario), Int(totals.map { $0[2] }.min() ?? Int64.max))
        synapseCount = Int(totals.reduce(0) { $0 + $1[0] })
        synapseBytes = Int(totals.reduce(0) { $0 + $1[1] })
        if let rules = WeightRules.kernelRules(blueprint.scenario) {
            for s in built {
                await s.enablePlasticity(PlasticDelivery(neurons: blueprint.neuronCount,
                                                         populations: blueprint.scenario.populations.count,
                                                         rules: rules, dt: blueprint.scenario.time.dt))
            }
        }
    }

    /// Every rank's values (this process's alone without ranks).
    static func combine(_ values: [Int64], over group: (any RankGroup)?) throws -> [[Int64]] {
        guard let g = group else { return [values] }
        var w = WireWriter()
        w.put(array: values)
        return try g.exchange(w.bytes).map { b in var r = WireReader(b); return try r.getArray(Int64.self) }
    }

    /// Each shard's answer, in shard order over every rank: this process's shards answer `ask`;
    /// with ranks the parts are exchanged, so every rank returns the whole list.
    func gather<T>(_ ask: (Shard) async -> T, encode: (T, inout WireWriter) -> Void,
                   decode: (inout WireReader) throws -> T) async throws -> [T] {
        var mine: [T] = []
        for s in shards { mine.append(await ask(s)) }
        guard let g = ranks else { return mine }
        var w = WireWriter()
        w.put(Int64(mine.count))
        for m in mine { encode(m, &w) }
        var all: [T] = []
        for part in try g.exchange(w.bytes) {
            var r = WireReader(part)
            let n = try r.get(Int64.self)
            guard (0...Int64(shardCount)).contains(n) else { throw WireReader.Malformed() }
            for _ in 0..<n { all.append(try decode(&r)) }
        }
        return all
    }

    /// Every rank's value, in rank order (this process's alone without ranks).
    package func valueOfEveryRank(_ v: Int64) throws -> [Int64] {
        try Simulation.combine([v], over: ranks).map { $0.first ?? v }
    }

    /// Whether any rank says yes (this process's answer without ranks).
    package func anyRank(_ yes: Bool) throws -> Bool {
        try Simulation.combine([yes ? 1 : 0], over: ranks).contains { $0.first == 1 }
    }

    /// Steps per epoch: the smallest synaptic delay of any projection (so a spike never
    /// arrives in the epoch that emitted it, including on synapses created later).
    public static func epochSteps(_ sc: Scenario) -> Int {
        max(1, sc.projections.map { max(1, Int(($0.synapticDelay / sc.time.dt).rounded())) }.min() ?? Int.max / 4)
    }

    /// Advances the network by `steps` steps and returns the spikes emitted, sorted by
    /// (step, source).
    ///
    /// The schedule, per epoch of E = `epochSteps` steps (E ≤ minimum delay):
    ///   1. every shard delivers the spikes of the previous epoch (`pending`, sorted by step
    ///      then source) into its delay rings — reads `pending`, writes shard rings only;
    ///   2. every shard runs E kernel steps (see `ShardKernel.step`) — shards run concurrently
    ///      as child tasks, each with its own Dispatch chunk loop; they share nothing;
    ///   3. the spikes of all shards (sorted lists) are merged into the new `pending`.
    /// Because E ≤ the minimum delay, no spike is due inside the epoch that emitted it, so
    /// shards need not talk mid-epoch. With one shard, delivery happens inside the shard at
    /// the same epoch boundaries and the exchange is skipped. With ranks, step 3 gathers the
    /// spikes of every rank's shards (one exchange per epoch) before the sort.
    public func advance(steps: Int) async throws -> [Spike] {
        var out: [Spike] = []
        if shardCount == 1 {
            out = await shards[0].advance(from: step, steps: steps, incoming: [], selfDeliver: true, epoch: epochSteps)
            step += steps
            if lfpSampler != nil { try await mergeLFP() }
            return out
        }
        var remaining = steps
        while remaining > 0 {
            let e = min(epochSteps, remaining)
            let t0 = step
            let incoming = pending
            var results = [[Spike]](repeating: [], count: shards.count)
            if options.threads <= 1 {
                for (i, s) in shards.enumerated() {
                    results[i] = await s.advance(from: t0, steps: e, incoming: incoming, selfDeliver: false, epoch: e)
                }
            } else {
                await withTaskGroup(of: (Int, [Spike]).self) { group in
                    for (i, s) in shards.enumerated() {
                        group.addTask { (i, await s.advance(from: t0, steps: e, incoming: incoming, selfDeliver: false, epoch: e)) }
                    }
                    for await (i, r) in group { results[i] = r }
                }
            }
            // Each shard's spikes are sorted, and so is each rank's merge of them: merging the
            // sorted lists gives the sort of their union (keys (step, source) are unique) in
            // O(S log parts) — every rank does it for every spike of the network, each epoch.
            var merged = SpikeMerge.merge(results)
            if let g = ranks { merged = SpikeMerge.merge(try Simulation.exchange(merged, over: g)) }
            out.append(contentsOf: merged)
            pending = merged
            step += e
            remaining -= e
        }
        if lfpSampler != nil { try await mergeLFP() }
        return out
    }

    /// Every rank's spikes of an epoch, one list per rank.
    static func exchange(_ spikes: [Spike], over g: any RankGroup) throws -> [[Spike]] {
        var w = WireWriter()
        w.put(array: spikes.map(\.step))
        w.put(array: spikes.map(\.source))
        return try g.exchange(w.bytes).map { part in
            var r = WireReader(part)
            let steps = try r.getArray(Int.self), sources = try r.getArray(Int32.self)
            guard steps.count == sources.count else { throw WireReader.Malformed() }
            return zip(steps, sources).map { Spike(step: $0, source: $1) }
        }
    }

    /// Per-neuron state means since the last call, in global order.
    package func takeState() async throws -> GlobalState {
        var g = GlobalState(count: blueprint.neuronCount)
        let parts = try await gather({ await $0.takeStateMeans() }, encode: { m, w in
            w.put(array: m.ids); w.put(array: m.v); w.put(array: m.gAMPA); w.put(array: m.gNMDA); w.put(array: m.gGABA); w.put(array: m.vNow)
        }, decode: { r in
            let m = StateMeans(ids: try r.getArray(), v: try r.getArray(), gAMPA: try r.getArray(), gNMDA: try r.getArray(),
                               gGABA: try r.getArray(), vNow: try r.getArray())
            let n = m.ids.count
            guard [m.v, m.gAMPA, m.gNMDA, m.gGABA, m.vNow].allSatisfy({ $0.count == n }),
                  m.ids.allSatisfy({ $0 >= 0 && Int($0) < blueprint.neuronCount }) else { throw WireReader.Malformed() }
            return m
        })
        for m in parts { g.scatter(m) }
        return g
    }

    /// A sample of about `count` synapses as (pre, post) global ids, sorted.
    package func synapseSample(count: Int) async throws -> (pre: [Int32], post: [Int32]) {
        guard count > 0, synapseCount > 0 else { return ([], []) }
        let fraction = Double(count) / Double(synapseCount)
        let seed = blueprint.scenario.seed
        var pairs = try await gather({ await $0.synapseSample(fraction: fraction, seed: seed) }, encode: { p, w in
            w.put(array: p.map(\.0)); w.put(array: p.map(\.1))
        }, decode: { r in
            let a = try r.getArray(Int32.self), b = try r.getArray(Int32.self)
            guard a.count == b.count else { throw WireReader.Malformed() }
            return Array(zip(a, b))
        }).flatMap { $0 }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return (pairs.map(\.0), pairs.map(\.1))
    }
}

extension Simulation {
    /// Delivers spikes still waiting for exchange, so that none emitted before a rewiring is
    /// delivered through a synapse created by it (NEST issue #571).
    package func flush() async {
        guard shardCount > 1, !pending.isEmpty else { return }
        let p = pending
        for s in shards { await s.deliverOnly(p) }
        pending = []
    }

    /// Every synapse between the given population pairs, sorted by (post, pre).
    public func synapses(between pairs: Set<[Int]>) async throws -> [(key: SynapseKey, weight: Float)] {
        let pop = blueprint.populationOf
        let all = try await gather({ await $0.synapses(between: pairs, populationOf: pop) }, encode: { l, w in
            w.put(array: l.map(\.key.pre)); w.put(array: l.map(\.key.post)); w.put(array: l.map(\.weight))
        }, decode: { r in
            let pre = try r.getArray(Int32.self), post = try r.getArray(Int32.self), weight = try r.getArray(Float.self)
            guard pre.count == post.count, pre.count == weight.count else { throw WireReader.Malformed() }
            return (0..<pre.count).map { (key: SynapseKey(pre: pre[$0], post: post[$0]), weight: weight[$0]) }
        }).flatMap { $0 }
        return sortedByPost(all) { $0.key }
    }

    /// Every synapse of the network with its weight and delay, sorted by (post, pre): the
    /// edges of a SONATA network file.
    package func edges() async throws -> [SynapseEdge] {
        let pop = blueprint.populationOf
        let all = try await gather({ await $0.edges(populationOf: pop) }, encode: { l, w in
            w.put(array: l.map(\.key.pre)); w.put(array: l.map(\.key.post)); w.put(array: l.map(\.weight)); w.put(array: l.map(\.delay))
        }, decode: { r in
            let pre = try r.getArray(Int32.self), post = try r.getArray(Int32.self)
            let weight = try r.getArray(Float.self), delay = try r.getArray(UInt16.self)
            guard pre.count == post.count, pre.count == weight.count, pre.count == delay.count else { throw WireReader.Malformed() }
            return (0..<pre.count).map { SynapseEdge(key: SynapseKey(pre: pre[$0], post: post[$0]), weight: weight[$0], delay: delay[$0]) }
        }).flatMap { $0 }
        return sortedByPost(all) { $0.key }
    }

    /// Shard lists ordered by (post, pre). Each shard lists its synapses by ascending pre,
    /// and a post neuron belongs to one shard, so a stable counting sort by post gives
    /// (post, pre) order in O(n) — a comparison sort of a million synapses every structural
    /// update cost more than the update itself. Checked, with the comparison sort as the fallback.
    private func sortedByPost<T>(_ all: [T], _ key: (T) -> SynapseKey) -> [T] {
        let n = blueprint.neuronCount
        var start = [Int](repeating: 0, count: n + 1)
        for s in all { start[Int(key(s).post) + 1] += 1 }
        for i in 0..<n { start[i + 1] += start[i] }
        var out = all
        for s in all {
            out[start[Int(key(s).post)]] = s
            start[Int(key(s).post)] += 1
        }
        if zip(out, out.dropFirst()).contains(where: { key($1) < key($0) }) { out.sort { key($0) < key($1) } }
        return out
    }

    /// Applies a rewiring plan to every shard (each takes the synapses onto its neurons).
    package func apply(deleted: [SynapseKey], created: [(key: SynapseKey, delay: UInt16)]) async {
        await withTaskGroup(of: Void.self) { g in
            for s in shards { g.addTask { await s.apply(deleted: deleted, created: created) } }
        }
    }

    /// Excitatory synapses (spines) onto every neuron, global order.
    package func inDegrees() async throws -> [Int] {
        var out = [Int](repeating: 0, count: blueprint.neuronCount)
        let exc = blueprint.scenario.populations.map(\.excitatory), n = blueprint.neuronCount
        let parts = try await gather({ await $0.inDegrees(excitatory: exc) }, encode: { l, w in
            w.put(array: l.map(\.0)); w.put(array: l.map(\.1))
        }, decode: { r in
            let ids = try r.getArray(Int32.self), counts = try r.getArray(Int.self)
            guard ids.count == counts.count, ids.allSatisfy({ $0 >= 0 && Int($0) < n }) else { throw WireReader.Malformed() }
            return Array(zip(ids, counts))
        })
        for l in parts { for (g, c) in l { out[Int(g)] = c } }
        return out
    }

    /// Problems found by every shard's synapse-table invariant check.
    package func storageProblems() async throws -> [String] {
        try await gather({ await $0.storageProblems() }, encode: { l, w in
            w.put(Int64(l.count)); for x in l { w.put(x) }
        }, decode: { r in
            let n = try r.get(Int64.self)
            guard n >= 0, n < 1 << 20 else { throw WireReader.Malformed() }
            return try (0..<n).map { _ in try r.getString() }
        }).flatMap { $0 }
    }

    /// Every shard's count, summed over every rank.
    func total(_ ask: (Shard) async -> Int) async throws -> Int {
        try await gather(ask, encode: { v, w in w.put(Int64(v)) }, decode: { r in Int(try r.get(Int64.self)) }).reduce(0, +)
    }

    /// Drives that switch at `time` [ms] take effect from the next step.
    func applyDrives(at time: Double) async {
        let cells = blueprint.cellModels(at: time)
        for s in shards { await s.setCells(cells) }
    }

    /// Applies synaptic scaling factors (global order) to excitatory inputs in every shard.
    package func scaleExcitatoryInputs(_ factor: [Double], wMax: Float) async {
        let exc = blueprint.scenario.populations.map(\.excitatory)
        for s in shards { await s.scaleExcitatoryInputs(factor, excitatory: exc, wMax: wMax) }
    }

    /// Live synapse count.
    package func liveSynapses() async throws -> Int {
        try await total { await $0.liveSynapseCount() }
    }

    /// A warning for the run's notes when calcium-rule updates missed spikes the fixed-depth
    /// spike history had overwritten (`PlasticDelivery.calciumUpdatesMissingSpikes`); nil if none.
    package func plasticityWarning() async throws -> String? {
        let n = try await total { await $0.calciumUpdatesMissingSpikes() }
        guard n > 0 else { return nil }
        return "warning: \(n) calcium-rule weight updates missed spikes: a neuron fired more than 64 times "
            + "between two spikes of a presynaptic partner, and the oldest of those spikes were no longer in "
            + "the spike history, so those updates saw less calcium than there was"
    }

    /// Membrane potentials now [mV], global order.
    package func currentPotentials() async throws -> [Float] {
        var out = [Float](repeating: 0, count: blueprint.neuronCount)
        let n = blueprint.neuronCount
        let parts = try await gather({ await $0.potentials() }, encode: { l, w in
            w.put(array: l.map(\.0)); w.put(array: l.map(\.1))
        }, decode: { r in
            let ids = try r.getArray(Int32.self), v = try r.getArray(Double.self)
            guard ids.count == v.count, ids.allSatisfy({ $0 >= 0 && Int($0) < n }) else { throw WireReader.Malformed() }
            return Array(zip(ids, v))
        })
        for l in parts { for (id, v) in l { out[Int(id)] = Float(v) } }
        return out
    }
}

/// The simulation's part of a checkpoint: the step, the spikes awaiting exchange and every
/// shard's state (in shard order; a checkpoint resumes with the same shard count). With ranks,
/// each rank's checkpoint holds its own shards (`part`) and the pending spikes of all.
package struct SimulationState: Codable {
    var step: Int
    var pending: SpikeList
    var shards: [ShardState]
    /// With ranks: which rank wrote it, of how many, and its first shard of how many; nil = one process.
    var part: RankPart?
    /// The LFP merger (delay ring, open sample); nil without `record.lfp`.
    var lfp: LFPSampler?
}

extension Simulation {
    package func captureState() async -> SimulationState {
        var states: [ShardState] = []
        for s in shards { states.append(await s.captureState()) }
        let part = ranks.map { RankPart(rank: $0.rank, ranks: $0.size, firstShard: firstShard, shards: shardCount) }
        return SimulationState(step: step, pending: SpikeList(pending), shards: states, part: part, lfp: lfpSampler)
    }

    /// Restores the state a checkpoint at `atStep` holds. Every index and count is checked
    /// before use (a checkpoint may come from anywhere): the step, and the pending spikes'
    /// sources (neuron ids) and steps (emitted, not yet delivered: at most one epoch back).
    package func restore(_ s: SimulationState, atStep: Int) async throws {
        guard (1...64).contains(s.shards.count) else { throw CheckpointError.corrupt("the checkpoint holds \(s.shards.count) shards; a run has 1 to 64") }
        let mine = ranks.map { RankPart(rank: $0.rank, ranks: $0.size, firstShard: firstShard, shards: shardCount) }
        if s.part != mine {
            throw CheckpointError.ranks(checkpoint: s.part.map { "rank \($0.rank) of \($0.ranks), \($0.shards) shards" } ?? "one process, \(s.shards.count) shards",
                                        run: mine.map { "rank \($0.rank) of \($0.ranks), \($0.shards) shards" } ?? "one process, \(shardCount) shards")
        }
        guard s.shards.count == shards.count else {
            throw CheckpointError.shards(checkpoint: s.shards.count, run: shards.count)
        }
        guard s.step == atStep, s.step >= 0, s.step <= blueprint.scenario.time.steps else {
            throw CheckpointError.corrupt("the simulation's step \(s.step) is not the checkpoint's (\(atStep)) within the run's \(blueprint.scenario.time.steps) steps")
        }
        let p = s.pending
        guard p.steps.values.count == p.sources.values.count,
              p.sources.values.allSatisfy({ $0 >= 0 && Int($0) < blueprint.neuronCount }),
              p.steps.values.allSatisfy({ $0 <= s.step && $0 >= max(0, s.step - epochSteps) }),
              zip(p.spikes, p.spikes.dropFirst()).allSatisfy({ ($0.step, $0.source) <= ($1.step, $1.source) }) else {
            throw CheckpointError.corrupt("the checkpoint's pending spikes have neuron ids beyond the network's \(blueprint.neuronCount), steps outside the last epoch, or out of order")
        }
        // STDP's last presynaptic spikes were delivered, so they precede every pending one.
        let delivered = p.steps.values.min().map { min(s.step, Int($0)) } ?? s.step
        for (shard, st) in zip(shards, s.shards) {
            try await shard.restore(st, step: s.step, deliveredBefore: delivered, minDelay: epochSteps)
        }
        if (s.lfp == nil) != (lfpSampler == nil) { throw CheckpointError.corrupt("the checkpoint's LFP state is missing or unexpected") }
        if let saved = s.lfp, let mine = lfpSampler, !saved.fits(mine, step: s.step) {
            throw CheckpointError.corrupt("the checkpoint's LFP state has other electrodes, sampling or delay, arrays of other lengths, or an open sample outside step \(s.step)")
        }
        step = s.step
        pending = s.pending.spikes
        lfpSampler = s.lfp
    }
}

extension Simulation {
    /// Sets every population's cell model (the slow clock's receptor block between windows).
    /// Like every command to the shards, each rank applies it to its own: all ranks take the
    /// same decisions from the same gathered answers, so no exchange is needed.
    package func setCells(_ cells: [CellModel]) async {
        for s in shards { await s.setCells(cells) }
    }

    /// Scales each population's GABA_A output onto every population (the slow clock's PV
    /// phenotype between windows; 1 = as built).
    package func setGABAOutput(_ scales: [Float]) async {
        for s in shards { await s.setGABAOutput(scales) }
    }
}

extension Simulation {
    /// Installs the stimulus presentations in force from now on (an empty list ends them all).
    package func setStimuli(_ active: [ActiveStimulus]) async {
        for s in shards { await s.setStimuli(active, seed: blueprint.scenario.seed) }
    }

    /// Silences neurons for good (global ids): they stay at V_reset and never spike.
    package func silence(_ ids: [Int32]) async {
        let set = Set(ids)
        for s in shards { await s.silence(set) }
    }

    /// Every synapse from or onto the given neurons (all projections), sorted.
    package func synapses(touching ids: Set<Int32>) async throws -> [SynapseKey] {
        let all = Set(blueprint.scenario.projections.map { [$0.source, $0.target] })
        return try await synapses(between: all).map(\.key).filter { ids.contains($0.pre) || ids.contains($0.post) }
    }
}

extension Simulation {
    /// Multiplies the weights of inputs from excitatory (or, with `fromExcitatory` false,
    /// inhibitory) populations onto every neuron by `factor` (global order), clamped to wMax.
    package func scaleInputs(_ factor: [Double], fromExcitatory: Bool, wMax: Float) async {
        let flags = blueprint.scenario.populations.map { $0.excitatory == fromExcitatory }
        for s in shards { await s.scaleExcitatoryInputs(factor, excitatory: flags, wMax: wMax) }
    }
}

/// Which part of a run's shards a rank's checkpoint holds.
package struct RankPart: Codable, Equatable {
    var rank: Int
    var ranks: Int
    var firstShard: Int
    var shards: Int
}
