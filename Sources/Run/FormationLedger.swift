// When each synapse formed: the time of its last creation during the run (ms of network
// time on the fast clock, slow-clock hours with a slow clock), for synapses created by
// structural plasticity or spine realisation; synapses present from the start have none.
// Also the synapses a formation block prevented. `remove_spines` and SONATA edge files
// read it; checkpoints keep it. Kept beside the synapse table, not in it: only synapses created during a run
// are listed, and delivery never reads it.

import Network
import Plasticity
import Recording

struct FormationLedger: Sendable {
    /// Whether formation times are kept: only a scenario with `remove_spines` reads them, or
    /// one writing SONATA edge files (their formation_time), so every other run (weeks of
    /// spine turnover on the slow clock) keeps none.
    let keepsTimes: Bool
    private(set) var formed: [SynapseKey: Double] = [:]
    /// Creations prevented by each intervention's formation block so far.
    var prevented: [Int: Int] = [:]

    init(keepsTimes: Bool) { self.keepsTimes = keepsTimes }

    mutating func created(_ keys: [SynapseKey], at time: Double) {
        guard keepsTimes else { return }
        for k in keys { formed[k] = time }
    }

    mutating func deleted(_ keys: [SynapseKey]) {
        guard keepsTimes, !formed.isEmpty else { return }
        for k in keys { formed.removeValue(forKey: k) }
    }

    /// When `key` last formed, if during the run and times are kept.
    func formationTime(of key: SynapseKey) -> Double? { formed[key] }

    /// Synapses that formed in [from, to), sorted.
    func formed(from: Double, to: Double) -> [SynapseKey] {
        formed.filter { $0.value >= from - 1e-9 && $0.value < to - 1e-9 }.map(\.key).sorted()
    }

    var state: FormationLedgerState {
        let keys = formed.keys.sorted()
        return FormationLedgerState(pre: keys.map(\.pre), post: keys.map(\.post), time: keys.map { formed[$0]! },
                                    prevented: prevented.keys.sorted(), preventedCounts: prevented.keys.sorted().map { prevented[$0]! })
    }

    /// From a checkpoint, which may come from anywhere: ids inside the network, prevented
    /// counts of distinct interventions among the scenario's `interventions`, far from overflowing.
    init(_ s: FormationLedgerState, neurons: Int, interventions: Int, keepsTimes: Bool) throws {
        self.keepsTimes = keepsTimes
        guard s.pre.count == s.post.count, s.pre.count == s.time.count, s.prevented.count == s.preventedCounts.count,
              s.pre.allSatisfy({ $0 >= 0 && Int($0) < neurons }), s.post.allSatisfy({ $0 >= 0 && Int($0) < neurons }),
              Set(s.prevented).count == s.prevented.count, s.prevented.allSatisfy({ (0..<interventions).contains($0) }),
              s.preventedCounts.allSatisfy({ (0...(1 << 40)).contains($0) }) else {
            throw RunError.invalid("the checkpoint's synapse formation times do not fit this network")
        }
        for i in s.pre.indices { formed[SynapseKey(pre: s.pre[i], post: s.post[i])] = s.time[i] }
        for (k, c) in zip(s.prevented, s.preventedCounts) { prevented[k] = c }
    }
}

struct FormationLedgerState: Codable, Sendable {
    var pre: [Int32], post: [Int32], time: [Double]
    var prevented: [Int], preventedCounts: [Int]
}
