// A checkpoint may be crafted by anyone (its checksum is recomputed), so the slow clock's and
// structural plasticity's states are checked value by value on restore: every crafted value
// below is refused with CheckpointError instead of trapping later (Int of NaN, counters that
// overflow, a drug-effect key without a name) or exhausting memory; the states the run
// itself writes are accepted.

import Foundation
import InputReading
import Testing
import NeuroplastCore
import Physiology
@testable import Network
@testable import Run

@Suite struct SlowCheckpointValueTests {
    /// `Scenarios/excitotoxic-insult.yaml` (drug, inflammation, damage), shrunk.
    static func scenario() throws -> Scenario {
        let sets = ["populations.pyr.count=120", "populations.pv.count=18", "populations.sst.count=12",
                    "sheet.width=300 um", "sheet.height=300 um", "inflammation.microglia.count=10",
                    "inflammation.damage.insults.0.center=[150 um, 150 um]", "inflammation.damage.insults.0.radius=100 um"]
        let overrides = try sets.enumerated().map { try Override.parse($0.element, index: $0.offset) }
        return try ScenarioLoader.load(path: "Scenarios/excitotoxic-insult.yaml", overrides: overrides)
    }

    static func driver(_ sc: Scenario) throws -> SlowBiologyDriver {
        let bp = Blueprint(scenario: sc)
        return try SlowBiologyDriver(scenario: sc, blueprint: bp, slow: try #require(sc.slow),
                                     spines: [Int](repeating: 20, count: bp.neuronCount), start: 0)
    }

    @Test func craftedSlowBiologyIsRefused() throws {
        let sc = try Self.scenario()
        var d = try Self.driver(sc)
        for _ in 0..<6 { d.step(dt: d.clock.step) }
        let saved = d.state
        var fresh = try Self.driver(sc)
        try fresh.restore(saved)
        var stress = ChronicStress(episodes: [StressEpisode(start: 0, stop: 10, level: 1e300)])
        stress.step(at: 0, dt: 1)
        let crafted: [(String, (inout SlowDriverState) -> Void)] = [
            ("pending NaN", { $0.pendingFormation.values[0] = .nan }),
            ("pending huge", { $0.pendingElimination.values[1] = 1e300 }),
            ("pool infinite", { $0.pools.new[2] = .infinity }),
            ("pool huge", { $0.pools.initial[2] = 1e18 }),
            ("drive huge", { $0.signalling.drive[0] = 1e300 }),
            ("BDNF NaN", { $0.signalling.bdnf[0] = .nan }),
            ("block beyond 1", { $0.block[0] = 2 }),
            ("activity NaN", { $0.activity[0] = .nan }),
            ("PV phenotype NaN", { $0.pv.phenotype[0] = .nan }),
            ("PV phenotype above 1", { $0.pv.phenotype[0] = 2 }),
            ("oxidative load negative", { $0.pv.load[0] = -1 }),
            ("PV state of another network", { $0.pv.load.append(0); $0.pv.phenotype.append(1) }),
            ("set-point huge", { $0.setPointRatio[0] = 1e9 }),
            ("neuron activity negative", { $0.neuronActivity.values[3] = -1 }),
            ("rate infinite", { $0.lastRate[0] = .infinity }),
            ("window in the future", { $0.lastWindowTime = 1e300 }),
            ("inflammation level NaN", { $0.inflammationLevel.values[0] = .nan }),
            ("stress beyond its episodes", { $0.stress = stress }),
            ("effect key empty", { $0.drugEffects[""] = 0 }),
            ("effect key slash", { $0.drugEffects["/"] = 0 }),
            ("effect of another drug", { $0.drugEffects["ketamine/ampa_potentiation"] = 0.1 }),
            ("effect total huge", { $0.effects["anti_inflammatory"] = -1e6 }),
            ("inflammation steps", { $0.inflammation?.steps = .max }),
            ("engulfed count", { $0.inflammation?.engulfedSinceRecord = .max }),
            ("release NaN", { $0.inflammation?.release.values[0] = .nan }),
            ("microglia priming beyond 1", { $0.inflammation?.microglia[0].agents[0].priming = 2 }),
            ("microglia priming NaN", { $0.inflammation?.microglia[0].agents[0].priming = .nan }),
            ("microglia activation negative", { $0.inflammation?.microglia[0].agents[0].activation = -1 }),
            ("microglia complement infinite", { $0.inflammation?.microglia[0].agents[0].complement = .infinity }),
            ("E/I factor 0", { $0.inflammation?.eiApplied.values[0] = 0 }),
            ("death time NaN", { $0.inflammation?.damage?.deathTime[0] = .nan }),
            ("candidate weight NaN", { s in
                s.inflammation?.candidateIds = PackedArray([0])
                s.inflammation?.candidateWeights = PackedArray([.nan])
                s.inflammation?.candidateActivity = PackedArray([1])
            }),
        ]
        for (name, change) in crafted {
            var s = saved
            change(&s)
            var target = try Self.driver(sc)
            #expect(throws: CheckpointError.self, "\(name)") { try target.restore(s) }
        }
    }

    @Test func craftedSlowClockFieldsAreRefused() throws {
        let sc = try Self.scenario()
        let bp = Blueprint(scenario: sc)
        let d = try Self.driver(sc)
        let realiser = SpineRealiser(scenario: sc, blueprint: bp, clock: try #require(sc.slow).clock)
        let n = bp.neuronCount
        let good = SlowCheckpoint(lastRealised: 0, lastFormation: nil, lastElimination: nil,
                                  spines: PackedArray([Int](repeating: 20, count: n)), driver: d.state,
                                  appliedGABAOutput: [Float](repeating: 1, count: sc.populations.count),
                                  rewiring: realiser.rewiring.state, realiserUpdates: 3, recorderBytes: 0, series: [], seriesOrder: [])
        try SlowClockRun.check(good, neurons: n)
        let crafted: [(String, (inout SlowCheckpoint) -> Void)] = [
            ("spine count huge", { $0.spines.values[0] = .max }),
            ("GABA output above 1", { $0.appliedGABAOutput[0] = 1.5 }),
            ("GABA output NaN", { $0.appliedGABAOutput[0] = .nan }),
            ("GABA output of another network", { $0.appliedGABAOutput.append(1) }),
            ("realiser counter", { $0.realiserUpdates = .max }),
            ("rewiring counter", { $0.rewiring.updates = .max }),
            ("repeated weak synapse", { $0.rewiring.weakPre = [1, 1]; $0.rewiring.weakPost = [2, 2]; $0.rewiring.weakSince = [0, 0] }),
            ("last realisation NaN", { $0.lastRealised = .nan }),
        ]
        for (name, change) in crafted {
            var c = good
            change(&c)
            #expect(throws: CheckpointError.self, "\(name)") { try SlowClockRun.check(c, neurons: n) }
        }
    }

    /// The second line: rounding an expected count saturates instead of trapping.
    @Test func spineRoundingSaturates() throws {
        let sc = try Self.scenario()
        let realiser = SpineRealiser(scenario: sc, blueprint: Blueprint(scenario: sc), clock: try #require(sc.slow).clock)
        #expect(realiser.round(.nan, neuron: 0, salt: 0) == 0)
        #expect(realiser.round(-.infinity, neuron: 0, salt: 0) == 0)
        #expect(realiser.round(-3, neuron: 0, salt: 0) == 0)
        #expect(realiser.round(3, neuron: 0, salt: 0) == 3)
        #expect(realiser.round(.infinity, neuron: 0, salt: 0) == Int(SpineRealiser.maxCount))
        #expect(realiser.round(1e300, neuron: 0, salt: 0) == Int(SpineRealiser.maxCount))
    }

    @Test func craftedStructuralStateIsRefused() throws {
        let sc = try ScenarioLoader.load(path: "Scenarios/structural-homeostasis.yaml")
        let bp = Blueprint(scenario: sc)
        let cfg = try #require(sc.plasticity.structural)
        let saved = StructuralDriver(config: cfg, blueprint: bp).state
        var fresh = StructuralDriver(config: cfg, blueprint: bp)
        try fresh.restore(saved, now: 0)
        let n = bp.neuronCount
        let crafted: [(String, (inout StructuralState) -> Void)] = [
            ("axonal NaN", { $0.axonal.values[0] = .nan }),
            ("dendritic huge", { $0.dendriticExc.values[1] = 1e300 }),
            ("dendritic negative", { $0.dendriticInh.values[2] = -1 }),
            ("calcium infinite", { $0.calcium.values[0] = .infinity }),
            ("calcium after the checkpoint", { $0.calciumTime.values[0] = 1e300 }),
            ("formation scale NaN", { $0.formationScale = PackedArray([Double](repeating: .nan, count: n)) }),
            ("retraction scale negative", { $0.retractionScale = PackedArray([Double](repeating: -1, count: n)) }),
            ("update counter", { $0.rewiring.updates = .max }),
            ("repeated weak synapse", { $0.rewiring.weakPre = [1, 1]; $0.rewiring.weakPost = [2, 2]; $0.rewiring.weakSince = [0, 0] }),
        ]
        for (name, change) in crafted {
            var s = saved
            change(&s)
            var target = StructuralDriver(config: cfg, blueprint: bp)
            #expect(throws: CheckpointError.self, "\(name)") { try target.restore(s, now: 0) }
        }
    }
}
