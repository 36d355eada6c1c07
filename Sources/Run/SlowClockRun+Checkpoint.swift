// What the slow clock carries from one slow step to the next, for checkpoints: the slow
// biology (PK, stress, block, effects, cascade, pools, activity references, pending
// structural change), the spine realiser's site memory and the slow record; and the
// driver's small effects the session asks for (engulfed spines, deaths, the E/I shift).
// Checkpoints are taken at the end of a slow step, a boundary the uninterrupted run has
// too, so a resumed run writes the same bytes.

import Foundation
import Physiology
import Plasticity
import Network
import Recording

struct SlowDriverState: Codable {
    var pk: PKSystem?
    var stress: ChronicStress
    var block: [Double]
    var effects: [String: Double], drugEffects: [String: Double]
    var signalling: SignallingState
    var pools: SpinePools
    var activity: [Double], referenceRate: [Double]?, setPointRatio: [Double], initialRate: [Double]?
    var lastWindowTime: Double?
    var lastRate: [Double]
    var pendingFormation: PackedArray<Double>, pendingElimination: PackedArray<Double>
    var time: Double
    var neuronActivity: PackedArray<Double>, neuronBaseline: PackedArray<Double>?, inflammationLevel: PackedArray<Double>
    var inflammation: InflammationState?
    var pv: PVPhenotypeState
}

/// The inflammation driver's state, and the synapses offered to microglia.
struct InflammationState: Codable {
    var tiles: [CytokineTile]
    var microglia: [MicrogliaPopulation]
    var damage: ExcitotoxicDamage?
    var release: PackedArray<Double>
    var engulfedPre: [Int32], engulfedPost: [Int32]
    var engulfedSinceRecord: Int
    var newlyDead: [Int32], dead: [Int32]
    var steps: UInt64
    var candidateIds: PackedArray<UInt64>, candidateWeights: PackedArray<Double>, candidateActivity: PackedArray<Double>
    var eiApplied: PackedArray<Double>
}

/// The slow clock's part of a checkpoint (the position in the schedule is the session's).
struct SlowCheckpoint: Codable {
    var lastRealised: Double
    var lastFormation: Double?, lastElimination: Double?
    var spines: PackedArray<Int>
    var driver: SlowDriverState
    /// The GABA_A output scales the kernels hold (set at the last window start).
    var appliedGABAOutput: [Float]
    var rewiring: RewiringState
    var realiserUpdates: UInt64
    var recorderBytes: Int
    var series: [MetricSeries]
    var seriesOrder: [String]
}

extension SlowBiologyDriver {
    var state: SlowDriverState {
        SlowDriverState(pk: pk, stress: stress, block: block, effects: effects, drugEffects: drugEffects, signalling: signalling,
                        pools: pools, activity: activity, referenceRate: referenceRate, setPointRatio: setPointRatio,
                        initialRate: initialRate, lastWindowTime: lastWindowTime, lastRate: lastRate,
                        pendingFormation: PackedArray(pendingFormation), pendingElimination: PackedArray(pendingElimination), time: time,
                        neuronActivity: PackedArray(neuronActivity), neuronBaseline: neuronBaseline.map { PackedArray($0) },
                        inflammationLevel: PackedArray(inflammationLevel),
                        inflammation: inflammation.map { i in
                            let e = i.engulfed.sorted()
                            return InflammationState(tiles: i.tiles, microglia: i.microglia, damage: i.damage, release: PackedArray(i.release),
                                                     engulfedPre: e.map(\.pre), engulfedPost: e.map(\.post),
                                                     engulfedSinceRecord: i.engulfedSinceRecord, newlyDead: i.newlyDead,
                                                     dead: i.dead.sorted(), steps: i.steps,
                                                     candidateIds: PackedArray(candidates.map(\.id)),
                                                     candidateWeights: PackedArray(candidates.map(\.weight)),
                                                     candidateActivity: PackedArray(candidates.map(\.activity)),
                                                     eiApplied: PackedArray(i.eiApplied))
                        }, pv: pv)
    }

    /// Restores the slow biology of a checkpoint. Every length and index is checked against
    /// the driver built from the scenario (a checkpoint may come from anywhere); what the
    /// scenario fixes — PK models and doses, the cytokine grid and strips, microglia
    /// parameters — is kept from that driver, and only the state that evolves is taken.
    mutating func restore(_ s: SlowDriverState) throws {
        func bad(_ what: String) -> CheckpointError { .corrupt("the slow-clock state of the checkpoint \(what)") }
        let n = neuronActivity.count
        guard s.block.count == block.count, s.signalling.count == signalling.count, s.signalling.isConsistent, s.pools.new.count == pools.new.count,
              s.pools.stable.count == pools.stable.count, s.pools.initial.count == pools.initial.count,
              s.pendingFormation.values.count == pendingFormation.count, s.pendingElimination.values.count == pendingElimination.count,
              s.activity.count == activity.count, s.setPointRatio.count == setPointRatio.count, s.lastRate.count == lastRate.count,
              s.referenceRate.map({ $0.count == activity.count }) ?? true, s.initialRate.map({ $0.count == lastRate.count }) ?? true,
              s.neuronActivity.values.count == n, s.neuronBaseline.map({ $0.values.count == n }) ?? true,
              s.inflammationLevel.values.count == inflammationLevel.count,
              // the slow clock's time: after the run's start, within its duration
              s.time.isFinite, s.time >= time, s.time <= time + 24 * 365 * 10 else {
            throw bad("does not fit this network")
        }
        try checkValues(of: s)
        guard let restoredStress = stress.restoring(level: s.stress.level) else {
            throw bad("holds a glucocorticoid level \(s.stress.level) that this scenario's stress episodes do not reach")
        }
        if let mine = pk {
            guard let saved = s.pk, abs(saved.time - s.time) <= 1e-6 * max(1, abs(s.time)), let restored = mine.restoring(saved) else {
                throw bad("holds the pharmacokinetics of another regimen, or of another time than its slow clock")
            }
            pk = restored
        } else if s.pk != nil {
            throw bad("holds pharmacokinetics this scenario does not have")
        }
        stress = restoredStress; block = s.block; effects = s.effects; drugEffects = s.drugEffects
        signalling = s.signalling; pools = s.pools; activity = s.activity; referenceRate = s.referenceRate
        setPointRatio = s.setPointRatio; initialRate = s.initialRate; lastWindowTime = s.lastWindowTime; lastRate = s.lastRate
        pendingFormation = s.pendingFormation.values; pendingElimination = s.pendingElimination.values; time = s.time
        neuronActivity = s.neuronActivity.values; neuronBaseline = s.neuronBaseline?.values; inflammationLevel = s.inflammationLevel.values
        pv = s.pv
        if let st = s.inflammation, var i = inflammation {
            try Self.check(st, against: i, neurons: n, time: s.time)
            for k in i.tiles.indices { i.tiles[k].values = st.tiles[k].values }
            for k in i.microglia.indices { i.microglia[k].agents = st.microglia[k].agents }
            if let d = st.damage { i.damage?.damage = d.damage; i.damage?.deathTime = d.deathTime }
            i.release = st.release.values
            i.engulfed = Set(zip(st.engulfedPre, st.engulfedPost).map { SynapseKey(pre: $0, post: $1) })
            i.eiApplied = st.eiApplied.values
            i.engulfedSinceRecord = st.engulfedSinceRecord; i.newlyDead = st.newlyDead; i.dead = Set(st.dead); i.steps = st.steps
            let pos = i.positions
            candidates = st.candidateIds.values.indices.map { k in
                let id = st.candidateIds.values[k]
                let p = pos[Int(id & 0xFFFF_FFFF)]
                return SynapseCandidate(id: id, x: p.x, y: p.y, weight: st.candidateWeights.values[k],
                                        activity: st.candidateActivity.values[k], tag: 0)
            }
            inflammation = i
        } else if (s.inflammation == nil) != (inflammation == nil) {
            throw CheckpointError.corrupt("the checkpoint's inflammation state does not match the scenario")
        }
    }
}

extension SlowBiologyDriver {
    /// Highest expected spine count a checkpoint may hold per neuron, in a pool or pending
    /// realisation: realisation lists every spine to form, so a count must be small.
    static let maxSpineCount = 1e6

    /// Every value of a checkpoint's slow biology against the ranges the slow clock can
    /// produce (a checkpoint may come from anywhere): non-finite or huge values would reach
    /// the integer spine counts of the next realisation, the NMDA conductances of the next
    /// window or the cytokine field. Lengths are checked by `restore`.
    func checkValues(of s: SlowDriverState) throws {
        func bad(_ what: String) -> CheckpointError { .corrupt("the slow-clock state of the checkpoint \(what)") }
        func within(_ r: ClosedRange<Double>) -> (Double) -> Bool { { r.contains($0) } }
        // Fractions may exceed 0…1 by rounding.
        let fraction = within(-1e-9...(1 + 1e-9))
        let count = within(0...Self.maxSpineCount)
        guard s.block.allSatisfy(fraction) else { throw bad("holds an NMDA block outside 0…1") }
        guard [s.pools.new, s.pools.stable, s.pools.initial].allSatisfy({ $0.allSatisfy(count) }) else {
            throw bad("holds spine pools outside 0…\(Self.maxSpineCount)")
        }
        // Gross turnover is positive; a pending count may fall below 0 by rounding only.
        guard [s.pendingFormation.values, s.pendingElimination.values].allSatisfy({ $0.allSatisfy(within(-1...Self.maxSpineCount)) }) else {
            throw bad("holds pending spine turnover outside 0…\(Self.maxSpineCount)")
        }
        let g = s.signalling
        guard [g.eEF2, g.proteins, g.lag, g.lag2, g.drive].allSatisfy({ $0.allSatisfy(fraction) }),
              [g.bdnf, g.mtor].allSatisfy({ $0.allSatisfy(within(0...1e6)) }) else {
            throw bad("holds a signalling cascade outside its ranges (fractions 0…1, BDNF and mTOR 0…10⁶)")
        }
        // Rate ratios are capped when computed (activity and set-point at 4, a neuron's at 10).
        guard s.activity.allSatisfy(within(0...4)), s.setPointRatio.allSatisfy(within(0...4)),
              s.neuronActivity.values.allSatisfy(within(0...10)) else {
            throw bad("holds activity ratios outside 0…4 (populations) or 0…10 (neurons)")
        }
        let nonNegative = within(0...Double.greatestFiniteMagnitude)
        guard s.lastRate.allSatisfy(nonNegative), s.referenceRate?.allSatisfy(nonNegative) ?? true,
              s.initialRate?.allSatisfy(nonNegative) ?? true, s.neuronBaseline?.values.allSatisfy(nonNegative) ?? true else {
            throw bad("holds firing rates that are not finite and ≥ 0")
        }
        guard s.lastWindowTime.map({ $0.isFinite && $0 <= s.time }) ?? true else {
            throw bad("holds a last window at \(s.lastWindowTime ?? 0) h, not finite or after its slow clock's \(s.time) h")
        }
        guard s.inflammationLevel.values.allSatisfy(nonNegative) else { throw bad("holds inflammation levels that are not finite and ≥ 0") }
        guard s.pv.isValid(populations: block.count) else {
            throw bad("holds a PV oxidative load or phenotype that does not fit (one per population; loads finite and ≥ 0, phenotypes 0…1)")
        }
        try checkEffects(drug: s.drugEffects, total: s.effects)
    }

    /// The drugs' effects of a checkpoint: only the scenario's drugs and effects, each
    /// between 0 and its maximum (an effect relaxes toward a Hill curve's value), each
    /// total between the sums of its drugs' (a checkpoint may come from anywhere; a key is
    /// split at its "/" when the effects are summed).
    func checkEffects(drug: [String: Double], total: [String: Double]) throws {
        func bad(_ what: String) -> CheckpointError { .corrupt("the slow-clock state of the checkpoint \(what)") }
        var bounds: [String: ClosedRange<Double>] = [:], totals: [String: ClosedRange<Double>] = [:]
        for d in pharmacology?.drugs ?? [] {
            for (name, e) in d.effects {
                let r = min(0, e.emax)...max(0, e.emax)
                bounds[d.name + "/" + name] = r
                let t = totals[name] ?? 0...0
                totals[name] = (t.lowerBound + r.lowerBound)...(t.upperBound + r.upperBound)
            }
        }
        func fits(_ x: Double, _ r: ClosedRange<Double>?) -> Bool {
            guard let r, x.isFinite else { return false }
            let slack = 1e-9 * max(1, -r.lowerBound, r.upperBound)
            return x >= r.lowerBound - slack && x <= r.upperBound + slack
        }
        for (key, x) in drug.sorted(by: { $0.key < $1.key }) where !fits(x, bounds[key]) {
            throw bad("holds drug effect \"\(key)\" = \(x), not an effect of this scenario's drugs or beyond its maximum")
        }
        for (name, x) in total.sorted(by: { $0.key < $1.key }) where !fits(x, totals[name]) {
            throw bad("holds effect \"\(name)\" = \(x), not an effect of this scenario's drugs or beyond their maxima")
        }
    }

    /// Every length, index and position of a checkpoint's inflammation state against the
    /// driver built from the scenario: the field's strips, the microglia (on the sheet and in
    /// their strip), excitotoxic damage, neuron ids and the candidate synapses; and every
    /// value and counter that the next steps use (a checkpoint may come from anywhere).
    /// `time`: the checkpoint's slow clock [h].
    static func check(_ st: InflammationState, against i: InflammationDriver, neurons n: Int, time: Double) throws {
        func bad(_ what: String) -> CheckpointError { .corrupt("the inflammation state of the checkpoint \(what)") }
        guard st.tiles.count == i.tiles.count,
              zip(st.tiles, i.tiles).allSatisfy({ $0.values.count == $1.values.count && $0.values.allSatisfy { $0 >= 0 && $0 <= 1e12 } }) else {
            throw bad("holds a cytokine field of another shape, or values outside 0…10¹² reference units")
        }
        guard st.microglia.count == i.microglia.count else { throw bad("holds another number of microglia strips") }
        for (saved, mine) in zip(st.microglia, i.microglia) {
            for a in saved.agents {
                guard a.x.isFinite, a.y.isFinite, a.activation.isFinite, mine.grid.contains(x: a.x, y: a.y),
                      mine.columns.contains(mine.grid.column(of: a.x)) else {
                    throw bad("places a microglion at (\(a.x), \(a.y)) µm, off the sheet or outside its strip")
                }
                // Each relaxes towards values within 0…1 (activation to s(C), priming to P* < 1,
                // complement output to the priming).
                guard (0...1).contains(a.activation), (0...1).contains(a.priming), (0...1).contains(a.complement) else {
                    throw bad("holds a microglion with activation \(a.activation), priming \(a.priming) or complement output \(a.complement) outside 0…1")
                }
            }
        }
        if (st.damage == nil) != (i.damage == nil) { throw bad("has excitotoxic damage where the scenario has none, or none where it has") }
        if let d = st.damage, let m = i.damage {
            guard d.damage.count == m.damage.count, d.deathTime.count == m.deathTime.count, d.damage.allSatisfy({ $0.isFinite }) else {
                throw bad("holds damage for another number of neurons")
            }
        }
        let ids = st.engulfedPre + st.engulfedPost + st.newlyDead + st.dead
        guard st.release.values.count == i.release.count, st.eiApplied.values.count == i.eiApplied.count,
              st.engulfedPre.count == st.engulfedPost.count, ids.allSatisfy({ $0 >= 0 && Int($0) < n }) else {
            throw bad("holds arrays of another size or neuron ids beyond the network's \(n)")
        }
        let c = st.candidateIds.values
        guard st.candidateWeights.values.count == c.count, st.candidateActivity.values.count == c.count,
              c.allSatisfy({ Int($0 & 0xFFFF_FFFF) < i.positions.count && Int($0 >> 32) < n }) else {
            throw bad("holds candidate synapses of unequal lengths or beyond the network")
        }
        guard (st.candidateWeights.values + st.candidateActivity.values).allSatisfy({ $0.isFinite }) else {
            throw bad("holds candidate synapses with weights or activities that are not finite")
        }
        // Release feeds the field, whose values are bounded above.
        guard st.release.values.allSatisfy({ $0 >= 0 && $0 <= 1e12 }) else {
            throw bad("holds a release outside 0…10¹² per cell and hour")
        }
        // The applied factor is 1 + shift·level, shift and level ≥ 0; inputs are divided by it.
        guard st.eiApplied.values.allSatisfy({ $0.isFinite && $0 >= 1 }) else {
            throw bad("holds an E/I factor that is not finite and ≥ 1")
        }
        if let d = st.damage {
            guard d.deathTime.allSatisfy({ $0.map { $0.isFinite && $0 <= time } ?? true }) else {
                throw bad("holds a time of death that is not finite or after its slow clock's \(time) h")
            }
        }
        // Counters that count up at every step: far beyond any run, far below overflow.
        guard st.steps <= 1 << 40, (0...(1 << 40)).contains(st.engulfedSinceRecord) else {
            throw bad("holds step or engulfment counters \(st.steps), \(st.engulfedSinceRecord) outside 0…2⁴⁰")
        }
    }

    /// The synapses microglia engulfed since the last realisation (and forgets them).
    mutating func takeEngulfed() -> Set<SynapseKey> {
        let e = inflammation?.engulfed ?? []
        inflammation?.engulfed = []
        return e
    }

    /// Engulfed spines leave the stable pool of their neuron.
    mutating func lostSpines(_ keys: [SynapseKey]) {
        for k in keys { pools.remove(Int(k.post)) }
    }

    /// The structural synapses microglia may engulf until the next realisation (sorted).
    mutating func offer(_ synapses: [(key: SynapseKey, weight: Float)]) {
        guard let infl = inflammation else { return }
        candidates = InflammationDriver.candidates(synapses, positions: infl.positions, activity: neuronActivity)
    }

    /// The pools' expected turnover has been realised: start counting afresh.
    mutating func clearPendingTurnover() {
        for i in pendingFormation.indices { pendingFormation[i] = 0; pendingElimination[i] = 0 }
    }

    /// The E/I shift of inflammation for the coming window: per-neuron ratios to apply to
    /// excitatory inputs (their inverse to inhibitory ones); nil when off or unchanged.
    mutating func eiShift() -> [Double]? {
        guard inflammation != nil else { return nil }
        let levels = inflammationLevel
        return inflammation?.eiRatios(levels: levels)
    }

    /// Neurons that died in the last step (and forgets them).
    mutating func takeDeaths() -> [Int32] {
        let d = inflammation?.newlyDead ?? []
        inflammation?.newlyDead = []
        return d
    }
}

extension SlowRecorder {
    /// Flushes slow.csv and returns its length with the series so far.
    func capture() throws -> (bytes: Int, series: [MetricSeries], order: [String]) {
        (try file.sync(), order.compactMap { series[$0] }, order)
    }
}
