// The session applying structural interventions (`intervention` events): it finds the
// synapses or neurons each one reaches, removes them (pending spikes delivered first, as
// for every change of the table), keeps the formation ledger and the slow clock's counts
// in step, and writes a row of interventions.csv. Formation blocks are a pure function of
// time (`activeBlocks`), read by the structural update and the spine realisation.

import Foundation
import Kernel
import Network
import Plasticity

extension RunSession {
    /// A formation block in force: the intervention and the neurons it protects from new synapses.
    struct Block { var index: Int; var targets: Set<Int32> }

    /// The formation blocks in force at `now` (ms on the fast clock, h on the slow clock).
    func activeBlocks(now: Double) -> [Block] {
        scenario.interventions.enumerated().compactMap { i, iv in
            guard case let .blockFormation(until) = iv.action, iv.at <= now + 1e-9, now < until - 1e-9 else { return nil }
            return Block(index: i, targets: Set(blueprint.neurons(population: iv.population, region: iv.region)))
        }
    }

    /// Counts creations a block prevented (each against the first block that covers it).
    func notePrevented(_ keys: [SynapseKey], blocks: [Block]) {
        for k in keys {
            if let b = blocks.first(where: { $0.targets.contains(k.post) }) { ledger.prevented[b.index, default: 0] += 1 }
        }
    }

    /// Applies the interventions planned at this event.
    func intervene(at e: RunEvent) async throws {
        let now = e.hours ?? Double(t) * scenario.time.dt
        let points = schedule.interventions.filter { $0.step == t && $0.hours == e.hours }
        for p in points {
            let iv = scenario.interventions[p.intervention]
            let targets = Set(blueprint.neurons(population: iv.population, region: iv.region))
            if p.isEnd {
                try interventionRecorder?.row(time: now, name: iv.name, kind: "block_formation_end", targets: targets.count,
                                              removed: nil, killed: nil, prevented: ledger.prevented[p.intervention] ?? 0)
                continue
            }
            var removed: [SynapseKey] = []
            var dead: [Int32] = []
            switch iv.action {
            case let .removeSpines(from, to):
                // Spines: excitatory synapses onto the targets, still present.
                let live = Set(try await simulation.synapses(between: allPairs).map(\.key))
                let excitatory = scenario.populations.map(\.excitatory)
                removed = ledger.formed(from: from, to: to).filter { k in
                    targets.contains(k.post) && live.contains(k) && excitatory[Int(blueprint.populationOf[Int(k.pre)])]
                }
            case .blockFormation:
                break
            case let .lesion(projection, fraction):
                let pr = scenario.projections[projection]
                let rng = CounterRNG(seed: scenario.seed)
                let stream = CounterRNG.Stream.plasticity.sub(1000 + p.intervention)
                removed = try await simulation.synapses(between: [[pr.source, pr.target]]).map(\.key).filter { k in
                    targets.contains(k.post) &&
                        rng.uniform(stream, entity: UInt64(UInt32(bitPattern: k.pre)) << 32 | UInt64(UInt32(bitPattern: k.post)), counter: 0) < fraction
                }
            case .kill:
                dead = targets.filter { !killed.contains($0) }.sorted()
                removed = try await simulation.synapses(touching: Set(dead))
            }
            if !removed.isEmpty || !dead.isEmpty {
                await simulation.flush()
                if !dead.isEmpty { await simulation.silence(dead) }
                await simulation.apply(deleted: removed, created: [])
                ledger.deleted(removed)
                killed.formUnion(dead)
                if var s = slow {
                    s.recount(try await simulation.synapses(between: s.pairs))
                    slow = s
                }
                if structural != nil { spinesPerNeuron = try await simulation.inDegrees() }
            }
            let kind = iv.kind
            try interventionRecorder?.row(time: now, name: iv.name, kind: kind, targets: targets.count,
                                          removed: kind == "block_formation" ? nil : removed.count,
                                          killed: kind == "kill" ? dead.count : nil, prevented: nil)
        }
    }
}
