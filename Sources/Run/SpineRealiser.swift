// Turns the spine pools' expected formation and elimination into real synapses created and
// deleted, every `structural_every` hours of the slow clock. Counts are rounded
// stochastically (unbiased) with the counter RNG keyed by neuron and update; victims are
// drawn per neuron with probability ∝ weight^β (β grows with stress: large spines are lost
// first, Radley 2008); new spines get partners through `Rewiring` (distance-dependent,
// biased back to recently lost sites). The result does not depend on shard or thread count:
// everything is decided here from the gathered, sorted synapse list.

import Plasticity
import Network

struct SpineRealiser {
    var rewiring: Rewiring
    let seed: UInt64
    let excitatory: [Bool]
    let spiny: [Bool]
    var updates: UInt64 = 0
    /// How much stress biases spine loss to large (strong) synapses: β = sizeBias·G.
    let sizeBias = 2.0
    /// Vacant boutons offered per excitatory neuron at each update.
    let boutonSlack = 2.0

    init(scenario sc: Scenario, blueprint bp: Blueprint, clock: SlowClockConfig) {
        let pairs = sc.projections.filter(\.structural).map { ($0.source, $0.target) }
        excitatory = bp.populationOf.map { sc.populations[Int($0)].excitatory }
        let targets = Set(pairs.map(\.1))
        spiny = bp.populationOf.map { targets.contains(Int($0)) }
        seed = sc.seed
        rewiring = Rewiring(rules: RewiringRules(sigma: clock.formationSigma, siteMemory: clock.siteMemory, siteBias: clock.siteBias,
                                                 siteTau: clock.siteTau * 3_600_000, pruneBelow: nil, pruneAfter: 0),
                            seed: sc.seed ^ 0x736C_6F77, sign: excitatory.map { $0 ? .excitatory : .inhibitory },
                            population: bp.populationOf, x: bp.x, y: bp.y, width: sc.sheet.width, height: sc.sheet.height,
                            periodic: sc.sheet.periodic, allowedPairs: pairs)
    }

    /// Highest count `round` gives: expected counts are checked when a checkpoint is
    /// restored, and saturate here too, so that no value can trap in the conversion to an
    /// integer or in a sum over the network.
    static let maxCount = 1e9

    /// Unbiased integer from an expected count; 0 for counts that are not positive (or not
    /// numbers), `maxCount` for larger ones.
    func round(_ x: Double, neuron: Int, salt: Int) -> Int {
        guard x > 0 else { return 0 }
        let x = min(x, Self.maxCount)
        let f = x.rounded(.down)
        let u = CounterRNG(seed: seed).uniform(CounterRNG.Stream.plasticity.sub(100 + salt), entity: UInt64(neuron), counter: updates)
        return Int(f) + (u < x - f ? 1 : 0)
    }

    /// One realisation at `now` [ms of biological time]: `formation`/`elimination` are the
    /// expected counts per neuron since the last one; `stress` the glucocorticoid level.
    /// `dead`: neurons that neither lose, form nor offer synapses (excitotoxic death).
    /// `threads`: threads for formation's distance factors (the plan is the same for any count).
    mutating func plan(now: Double, synapses: [(key: SynapseKey, weight: Float)], formation: [Double],
                       elimination: [Double], stress: Double, dead: Set<Int32> = [], threads: Int = 1) -> RewiringPlan {
        updates += 1
        let n = excitatory.count
        var incoming = [[(key: SynapseKey, weight: Float)]](repeating: [], count: n)
        for s in synapses { incoming[Int(s.key.post)].append(s) }
        // 1. Spine loss: per neuron, victims weighted by weight^β, without replacement.
        var deleted: [SynapseKey] = []
        let beta = sizeBias * stress
        for j in 0..<n where spiny[j] && !incoming[j].isEmpty && !dead.contains(Int32(j)) {
            var k = min(incoming[j].count, round(elimination[j], neuron: j, salt: 0))
            guard k > 0 else { continue }
            var pool = incoming[j]
            var seq = KeyedSequence(key: CounterRNG(seed: seed).key(stream: CounterRNG.Stream.plasticity.sub(102), entity: UInt64(j) &* 0x1_0000_0000 &+ updates))
            while k > 0, !pool.isEmpty {
                let w = pool.map { beta > 0 ? pow(Double(max($0.weight, 1e-6)), beta) : 1.0 }
                var u = seq.uniform() * w.reduce(0, +)
                var c = pool.count - 1
                for (i, x) in w.enumerated() { if u < x { c = i; break }; u -= x }
                deleted.append(pool.remove(at: c).key)
                k -= 1
            }
        }
        deleted.sort()
        rewiring.noteLost(deleted, now: now)
        // 2. Formation: each spiny neuron offers `formed` new dendritic elements; excitatory
        //    neurons offer a few vacant boutons; Rewiring pairs them.
        let gone = Set(deleted)
        let remaining = synapses.filter { !gone.contains($0.key) }
        var elements = SynapticElements(neurons: n)
        for s in remaining {
            elements.axonal[Int(s.key.pre)] += 1
            elements.dendriticExc[Int(s.key.post)] += 1
        }
        var wanted = [Int](repeating: 0, count: n)
        for i in 0..<n where spiny[i] && !dead.contains(Int32(i)) { wanted[i] = round(formation[i], neuron: i, salt: 1) }
        // Enough vacant boutons for every new spine to find a partner nearby.
        let senders = max(1, excitatory.filter { $0 }.count)
        let slack = max(boutonSlack, (2 * Double(wanted.reduce(0, +)) / Double(senders)).rounded(.up))
        for i in 0..<n {
            if excitatory[i] && !dead.contains(Int32(i)) { elements.axonal[i] += slack }
            elements.dendriticExc[i] += Double(wanted[i])
        }
        var plan = rewiring.update(now: now, synapses: remaining, elements: elements, threads: threads)
        plan.deleted = (plan.deleted + deleted).sorted()
        return plan
    }
}

#if canImport(Glibc)
import Glibc
#endif
