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
                        })
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
        if let mine = pk {
            guard let saved = s.pk, abs(saved.time - s.time) <= 1e-6 * max(1, abs(s.time)), let restored = mine.restoring(saved) else {
                throw bad("holds the pharmacokinetics of another regimen, or of another time than its slow clock")
            }
            pk = restored
        } else if s.pk != nil {
            throw bad("holds pharmacokinetics this scenario does not have")
        }
        stress = s.stress; block = s.block; effects = s.effects; drugEffects = s.drugEffects
        signalling = s.signalling; pools = s.pools; activity = s.activity; referenceRate = s.referenceRate
        setPointRatio = s.setPointRatio; initialRate = s.initialRate; lastWindowTime = s.lastWindowTime; lastRate = s.lastRate
        pendingFormation = s.pendingFormation.values; pendingElimination = s.pendingElimination.values; time = s.time
        neuronActivity = s.neuronActivity.values; neuronBaseline = s.neuronBaseline?.values; inflammationLevel = s.inflammationLevel.values
        if let st = s.inflammation, var i = inflammation {
            try Self.check(st, against: i, neurons: n)
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
    /// Every length, index and position of a checkpoint's inflammation state against the
    /// driver built from the scenario: the field's strips, the microglia (on the sheet and in
    /// their strip), excitotoxic damage, neuron ids and the candidate synapses.
    static func check(_ st: InflammationState, against i: InflammationDriver, neurons n: Int) throws {
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
