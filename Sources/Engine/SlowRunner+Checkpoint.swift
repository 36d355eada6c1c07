// What a slow-clock run carries from one slow step to the next, for checkpoints: the loop
// position, the slow biology (PK, stress, block, effects, cascade, pools, activity
// references, pending structural change), the spine realiser's site memory and the slow
// record. Checkpoints are taken at the end of a slow step, a boundary the uninterrupted run
// has too, so a resumed run writes the same bytes.

import Foundation
import Physiology
import Plasticity

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
}

struct SlowCheckpoint: Codable {
    /// The next slow step to run.
    var nextStep: Int
    var networkStep: Int
    var nextWindow: Int
    var lastRealised: Double
    var lastFormation: Double?, lastElimination: Double?
    var framesWritten: Int
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
                        pendingFormation: PackedArray(pendingFormation), pendingElimination: PackedArray(pendingElimination), time: time)
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
    }
}

extension SlowRecorder {
    /// Flushes slow.csv and returns its length with the series so far.
    func capture() throws -> (bytes: Int, series: [MetricSeries], order: [String]) {
        (try file.sync(), order.compactMap { series[$0] }, order)
    }
}
