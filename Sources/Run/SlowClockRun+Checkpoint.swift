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

    mutating func restore(_ s: SlowDriverState) throws {
        guard s.block.count == block.count, s.signalling.count == signalling.count, s.pools.new.count == pools.new.count,
              s.pendingFormation.values.count == pendingFormation.count else {
            throw CheckpointError.corrupt("the slow-clock state of the checkpoint does not fit this network")
        }
        pk = s.pk; stress = s.stress; block = s.block; effects = s.effects; drugEffects = s.drugEffects
        signalling = s.signalling; pools = s.pools; activity = s.activity; referenceRate = s.referenceRate
        setPointRatio = s.setPointRatio; initialRate = s.initialRate; lastWindowTime = s.lastWindowTime; lastRate = s.lastRate
        pendingFormation = s.pendingFormation.values; pendingElimination = s.pendingElimination.values; time = s.time
        neuronActivity = s.neuronActivity.values; neuronBaseline = s.neuronBaseline?.values; inflammationLevel = s.inflammationLevel.values
        if let st = s.inflammation, var i = inflammation {
            i.tiles = st.tiles; i.microglia = st.microglia; i.damage = st.damage; i.release = st.release.values
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
