// Connectivity generation: the synapses onto a set of target neurons, drawn from the
// counter RNG keyed by (seed, projection, target), so the network is identical however the
// targets are split into shards. Synapses are listed by (target, projection, draw order).
// A synapse's weight is 1 (its projection's conductances apply as they are), or W(Δθ) of the
// projection's angular profile between ring populations (`AngularProfile`).

import Kernel

#if canImport(Glibc)
import Glibc
#endif

public enum Connectivity {
    /// Synapses onto `targets` (global ids, ascending); `local(g)` maps a target to its
    /// index in the shard.
    public static func synapses(onto targets: [Int32], blueprint bp: Blueprint) -> [SynapseSpec] {
        let sc = bp.scenario
        let rng = CounterRNG(seed: sc.seed)
        var out: [SynapseSpec] = []
        let byTarget = Dictionary(grouping: sc.projections.indices, by: { sc.projections[$0].target })
        let jMinus = sc.projections.map { pr in pr.profile?.jMinus(sources: sc.populations[pr.source].count) ?? 1 }
        for (local, tg) in targets.enumerated() {
            let t = Int(tg)
            let tp = Int(bp.populationOf[t])
            for pi in byTarget[tp] ?? [] {
                let pr = sc.projections[pi]
                let pre = bp.range(of: pr.source)
                var seq = KeyedSequence(key: rng.key(stream: CounterRNG.Stream.connectivity.sub(pi), entity: UInt64(t)))
                // Ring projections with an angular profile: weight W(θ_post − θ_pre).
                let profile = pr.profile.map { (p: $0, jMinus: jMinus[pi], post: bp.preferredAngle(t) ?? 0) }
                func add(_ s: Int) {
                    let w = profile.map { Float($0.p.weight(angularDistance($0.post, bp.preferredAngle(s) ?? 0), jMinus: $0.jMinus)) } ?? 1
                    out.append(SynapseSpec(source: Int32(s), target: Int32(local), weight: w,
                                           delay: bp.delaySteps(pr, pre: s, post: t)))
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
        return out
    }
}
