// Connectivity generation: the synapses onto each target neuron, drawn from the counter RNG
// keyed by (seed, projection, target), so the network is identical however the targets are
// split into shards, blocks or threads — and identical each time a target is generated
// again, which is what lets construction stream (count every row, then fill it: see
// `SynapseTable.init(globalNeurons:targets:threads:…)`) instead of listing every synapse first.
// A target's synapses come by (projection, draw order). A synapse's weight is 1 (its
// projection's conductances apply as they are), or W(Δθ) of the projection's angular profile
// between ring populations (`AngularProfile`).

import Kernel

#if canImport(Glibc)
import Glibc
#endif

public struct Connectivity: Sendable {
    let bp: Blueprint
    let rng: CounterRNG
    /// The projections onto each population, in scenario order.
    let byTarget: [[Int]]
    /// J⁻ of each projection's angular profile (1 without one).
    let jMinus: [Double]
    /// Each projection's delay [steps] when it does not depend on distance (velocity 0).
    let fixedDelay: [UInt16?]

    public init(blueprint bp: Blueprint) {
        let sc = bp.scenario
        self.bp = bp
        rng = CounterRNG(seed: sc.seed)
        byTarget = sc.populations.indices.map { p in sc.projections.indices.filter { sc.projections[$0].target == p } }
        jMinus = sc.projections.map { pr in pr.profile?.jMinus(sources: sc.populations[pr.source].count) ?? 1 }
        fixedDelay = sc.projections.map { pr in pr.velocity > 0 ? nil : pr.delaySteps(distance: 0, dt: sc.time.dt) }
    }

    /// Calls `emit(source, weight, delay)` for every synapse onto global neuron `t`, in its
    /// canonical order. With `values` false, weight and delay are not computed (the
    /// counting pass passes 1 and 0): which synapses exist never depends on them.
    @inline(__always)
    public func forEachSynapse(onto t: Int, values: Bool, _ emit: (_ source: Int, _ weight: Float, _ delay: UInt16) -> Void) {
        let sc = bp.scenario
        for pi in byTarget[Int(bp.populationOf[t])] {
            let pr = sc.projections[pi]
            let pre = bp.range(of: pr.source)
            var seq = KeyedSequence(key: rng.key(stream: CounterRNG.Stream.connectivity.sub(pi), entity: UInt64(t)))
            // Ring projections with an angular profile: weight W(θ_post − θ_pre).
            let profile = values ? pr.profile.map { (p: $0, jMinus: jMinus[pi], post: bp.preferredAngle(t) ?? 0) } : nil
            let fixed = fixedDelay[pi]
            func add(_ s: Int) {
                guard values else { return emit(s, 1, 0) }
                let w = profile.map { Float($0.p.weight(angularDistance($0.post, bp.preferredAngle(s) ?? 0), jMinus: $0.jMinus)) } ?? 1
                emit(s, w, fixed ?? bp.delaySteps(pr, pre: s, post: t))
            }
            switch pr.rule {
            case let .random(p):
                guard p > 0 else { continue }
                if p >= 1 {
                    for s in pre where pr.autapses || s != t { add(s) }
                    continue
                }
                // Geometric skipping: the gap to the next connected source is geometric(p).
                let logq = log1p(-p)
                var s = pre.lowerBound - 1
                while true {
                    let u = seq.uniform()
                    s += 1 + Int(log1p(-u) / logq)
                    if s >= pre.upperBound { break }
                    if !pr.autapses && s == t { continue }
                    add(s)
                }
            case let .gaussian(pMax, sigma):
                let cutoff2 = (5 * sigma) * (5 * sigma)
                let inv2s2 = 1 / (2 * sigma * sigma)
                for s in pre where pr.autapses || s != t {
                    let d = bp.distance(s, t)
                    let d2 = d * d
                    if d2 > cutoff2 { continue }  // p < pMax·e^(−12.5): negligible
                    let u = CounterRNG.unit(CounterRNG.bits(key: seq.key, counter: UInt64(s)))
                    if u < pMax * exp(-d2 * inv2s2) { add(s) }
                }
            case let .fixedInDegree(k):
                for _ in 0..<k {
                    var s = pre.lowerBound + seq.below(pre.count)
                    var tries = 0
                    while !pr.autapses && s == t && pre.count > 1 && tries < 64 {
                        s = pre.lowerBound + seq.below(pre.count); tries += 1
                    }
                    if !pr.autapses && s == t { continue }
                    add(s)
                }
            }
        }
    }

    /// The weight and the delay [steps] every synapse will have, where the rules fix them:
    /// weight 1 without angular profiles, and one delay when no projection has a conduction
    /// velocity and all have the same synaptic delay (`SizeEstimate.uniformSynapses` is the
    /// same test). The table is then built with targets only.
    var uniform: (weight: Float?, delay: UInt16?) {
        let sc = bp.scenario
        let weight: Float? = sc.projections.allSatisfy { $0.profile == nil } ? 1 : nil
        let delays = Set(fixedDelay)   // nil: a projection with a conduction velocity
        return (weight, delays.count == 1 ? delays.first.flatMap { $0 } : nil)
    }

    /// The synapse table of a shard holding `targets` (global ids, ascending), built in two
    /// streaming passes on `threads` threads; refused (before the storage is allocated) when
    /// the shard would hold more synapses than its 32-bit row offsets address — or half as
    /// many when structural plasticity may form synapses, so that its rows can grow.
    public func table(onto targets: [Int32], threads: Int) throws(SynapseTableError) -> SynapseTable {
        let sc = bp.scenario
        let grows = sc.plasticity.structural != nil || sc.projections.contains(where: \.structural)
        return try SynapseTable(globalNeurons: bp.neuronCount, targets: targets.count, threads: threads,
                                maxSlots: Int(UInt32.max) / (grows ? 2 : 1), uniform: uniform) { range, values, emit in
            for local in range {
                forEachSynapse(onto: Int(targets[local]), values: values) { s, w, d in
                    emit(SynapseSpec(source: Int32(truncatingIfNeeded: s), target: Int32(truncatingIfNeeded: local), weight: w, delay: d))
                }
            }
        }
    }
}
