// The slow clock's biology between fast windows: drug concentrations (PKSystem), NMDA block
// per population (BlockModel), other drug effects, chronic stress, the BDNF/mTOR cascade
// per neuron and the spine pools of every neuron that receives structural synapses. One
// `step` advances all of it by Δt_slow with the last window's activity held constant.

import Foundation
import Physiology
import Plasticity
import Network
import Recording

struct SlowBiologyDriver {
    let scenario: Scenario
    let blueprint: Blueprint
    let clock: SlowClockConfig
    let pharmacology: PharmacologyConfig?
    let signallingParameters = SignallingParameters()
    let spineParameters = SpineParameters()
    var pk: PKSystem?
    var stress: ChronicStress
    /// NMDA block of each population now (0…1).
    var block: [Double]
    /// Levels of the drugs' other effects now, by effect name (after onset filtering).
    var effects: [String: Double] = [:]
    /// Per drug and effect ("drug/effect").
    var drugEffects: [String: Double] = [:]
    var signalling: SignallingState
    var pools: SpinePools
    /// Neurons that receive structural synapses (their spines turn over).
    let spiny: [Bool]
    /// Each population's rate in the last window relative to a reference that adapts over
    /// `activityTau` hours (BDNF release follows changes of activity, not its level).
    var activity: [Double]
    var referenceRate: [Double]?
    /// Rate relative to the first window (the homeostatic set-point of spine turnover).
    var setPointRatio: [Double]
    var initialRate: [Double]?
    var lastWindowTime: Double?
    let activityTau = 12.0   // [h]
    var lastRate: [Double]
    /// Expected gross formation and elimination per neuron since the last realisation.
    var pendingFormation: [Double]
    var pendingElimination: [Double]
    /// Biological time [h].
    var time: Double
    /// Cytokines, microglia and damage (scenarios with `inflammation`).
    var inflammation: InflammationDriver?
    /// Per-neuron rate of the last window relative to the neuron's first window.
    var neuronActivity: [Double]
    var neuronBaseline: [Double]?
    /// Per-neuron inflammation level of the last step.
    var inflammationLevel: [Double]
    /// Synapses microglia may engulf (set at each structural realisation).
    var candidates: [SynapseCandidate] = []
    /// Oxidative load and phenotype of the PV populations (Behrens et al. 2007).
    var pv: PVPhenotypeState
    let pvParameters = PVPhenotypeParameters()

    init(scenario sc: Scenario, blueprint bp: Blueprint, slow: SlowBiology, spines: [Int], start: Double, strips: Int = 1) throws {
        scenario = sc; blueprint = bp; clock = slow.clock; pharmacology = slow.pharmacology
        if let ph = slow.pharmacology {
            do {
                pk = try PKSystem(drugs: ph.drugs, species: ph.species, bodyWeight: ph.bodyWeight, doses: ph.doses, curves: ph.curves)
            } catch {
                throw RunError.invalid("pharmacology: \(error)")
            }
        }
        stress = ChronicStress(episodes: slow.stress.map { StressEpisode(start: $0.start, stop: $0.stop, level: $0.level) })
        let n = bp.neuronCount
        let P = sc.populations.count
        block = [Double](repeating: 0, count: P)
        signalling = SignallingState(neurons: n)
        let structuralTargets = Set(sc.projections.filter(\.structural).map(\.target))
        let isSpiny = bp.populationOf.map { structuralTargets.contains(Int($0)) }
        spiny = isSpiny
        pools = SpinePools(spines: spines.indices.map { isSpiny[$0] ? Double(spines[$0]) : 0 }, parameters: SpineParameters())
        activity = [Double](repeating: 1, count: P)
        setPointRatio = activity
        pv = PVPhenotypeState(populations: P)
        lastRate = [Double](repeating: 0, count: P)
        pendingFormation = [Double](repeating: 0, count: n)
        pendingElimination = pendingFormation
        time = start
        if start < 0 { pk?.advance(to: 0) }
        neuronActivity = [Double](repeating: 1, count: n)
        inflammationLevel = [Double](repeating: 0, count: n)
        if let c = slow.inflammation {
            do { inflammation = try InflammationDriver(config: c, blueprint: bp, strips: strips) } catch {
                throw RunError.invalid("inflammation: \(error)")
            }
        }
    }

    /// Takes a window's population rates [Hz]; the first window sets the set-point.
    mutating func observeWindow(rates: [Double], neuronRates: [Double]) {
        if neuronBaseline == nil { neuronBaseline = neuronRates }
        let base = neuronBaseline ?? neuronRates
        neuronActivity = neuronRates.indices.map { base[$0] > 0 ? min(10, neuronRates[$0] / base[$0]) : (neuronRates[$0] > 0 ? 2 : 1) }
        lastRate = rates
        if initialRate == nil { initialRate = rates; referenceRate = rates }
        let ref = referenceRate ?? rates, initial = initialRate ?? rates
        activity = rates.indices.map { ref[$0] > 0 ? min(4, rates[$0] / ref[$0]) : 1 }
        setPointRatio = rates.indices.map { initial[$0] > 0 ? min(4, rates[$0] / initial[$0]) : 1 }
        let keep = lastWindowTime.map { exp(-(time - $0) / activityTau) } ?? 1
        referenceRate = rates.indices.map { rates[$0] + (ref[$0] - rates[$0]) * keep }
        lastWindowTime = time
    }

    /// Advances every slow process from `time` to `time + dt` [h].
    mutating func step(dt: Double) {
        let t0 = time
        stress.step(at: t0, dt: dt)
        if t0 >= 0, var p = pk {
            p.advance(to: t0 + dt)
            pk = p
            updateBlockAndEffects(dt: dt)
        }
        for q in scenario.populations.indices where scenario.populations[q].cellClass == "pv" {
            pv.step(q, dt: dt, activation: effects["nox2_activation"] ?? 0, inhibition: effects["nox2_inhibition"] ?? 0, parameters: pvParameters)
        }
        let g = stress.level
        var spineParameters = self.spineParameters
        if inflammation != nil {
            // NMDA calcium of each neuron: its activity relative to baseline through the
            // unblocked receptors; an insult adds drive through the same receptors.
            let unblocked = blueprint.populationOf.map { 1 - block[Int($0)] }
            let calcium = neuronActivity.indices.map { neuronActivity[$0] * unblocked[$0] }
            // Stepped in place: a copy taken out and written back would copy each of its
            // arrays and sets on first write, every slow step.
            inflammation?.step(at: t0, dt: dt, glucocorticoid: g, clearance: 1 + (effects["anti_inflammatory"] ?? 0),
                               calcium: calcium, unblocked: unblocked, candidates: candidates)
        }
        if let infl = inflammation {
            inflammationLevel = infl.levels()
            for i in infl.newlyDead { pools.initial[Int(i)] = 0; pools.new[Int(i)] = 0; pools.stable[Int(i)] = 0 }
            spineParameters.inflammationFormation = infl.config.formationEffect
            spineParameters.inflammationLoss = infl.config.lossEffect
        }
        let trigger = pharmacology?.bdnfTrigger ?? .both
        var sp = signallingParameters
        if trigger == .blockAtRest { sp.gainActivity = 0 }
        if let c = inflammation?.config { sp.inflammationBDNF = c.bdnfEffect }
        let hnk = hnkEffect
        let bdnf = (pharmacology?.bdnfKnockout ?? false) ? 0.0 : 1.0
        var memo: [Int: (before: SIMD8<Double>, input: SignallingInput, after: SIMD8<Double>)] = [:]
        for i in 0..<blueprint.neuronCount where spiny[i] {
            let p = Int(blueprint.populationOf[i])
            var u = SignallingInput()
            // The block of the receptors the neuron has (after any knockdown).
            u.restBlock = trigger == .activity ? 0 : block[p]
            u.bdnf = bdnf
            u.activity = t0 >= 0 ? activity[p] : 1
            u.ssri = effects["bdnf_synthesis"] ?? 0
            u.ampa = hnk
            u.mtorInhibition = effects["mtor_inhibition"] ?? 0
            u.glucocorticoid = g
            u.inflammation = inflammationLevel[i]
            // Neurons with the same state and input evolve identically (inputs are per
            // population): compute once, copy to the rest.
            let before = signalling.state(of: i)
            if let m = memo[p], m.input == u, m.before == before {
                signalling.setState(of: i, m.after)
            } else {
                signalling.step(i, dt: dt, input: u, parameters: sp)
                memo[p] = (before, u, signalling.state(of: i))
            }
            var s = SpineInput()
            s.drive = signalling.drive[i]
            s.proteins = signalling.proteins[i]
            s.glucocorticoid = g
            s.inflammation = inflammationLevel[i]
            s.activity = t0 >= 0 ? setPointRatio[p] : 1
            let flux = pools.step(i, dt: dt, input: s, parameters: spineParameters)
            pendingFormation[i] += flux.formed
            pendingElimination[i] += flux.eliminated
        }
        time = t0 + dt
    }

    /// NMDA block per population from the free brain concentrations, and the other effects.
    mutating func updateBlockAndEffects(dt: Double) {
        guard let ph = pharmacology, let p = pk else { return }
        var free: [String: Double] = [:]
        var nmda: [String: NMDABlockParameters] = [:]
        for d in ph.drugs {
            free[d.name] = p.brainFree(d.name)
            if let b = d.nmda { nmda[d.name] = b }
        }
        let model = BlockModel(setting: ph.block.physiology, interneuronSelectivity: ph.interneuronSelectivity)
        let tau = nmda.values.map(\.tauBlock).max() ?? 1
        let trapping = nmda.values.map(\.trapping).max() ?? 0
        for q in block.indices {
            let inhibitory = !scenario.populations[q].excitatory
            let target = model.equilibrium(free: free, drugs: nmda, subtypes: ph.remainingSubtypes(q), inhibitory: inhibitory)
            block[q] = BlockModel.relax(block[q], toward: target, dt: dt * 3600, tau: tau,
                                        openProbability: ph.useDependent ? 0.05 * activity[q] : nil, trapping: trapping)
        }
        // Each drug's effect relaxes with its own onset time; effects of one kind add up.
        for d in ph.drugs {
            for (name, e) in d.effects.sorted(by: { $0.key < $1.key }) {
                let key = d.name + "/" + name
                let target = e.value(at: free[d.name] ?? 0)
                let now = drugEffects[key] ?? 0
                drugEffects[key] = e.tau > 0 ? target + (now - target) * exp(-dt / e.tau) : target
            }
        }
        var total: [String: Double] = [:]
        for key in drugEffects.keys.sorted() { total[String(key.split(separator: "/").last!), default: 0] += drugEffects[key]! }
        effects = total
    }

    /// (2R,6R)-HNK's AMPA potentiation now (0 with the scenario's `hnk_ampa` switch off).
    var hnkEffect: Double { (pharmacology?.hnkAMPA ?? true) ? (effects["ampa_potentiation"] ?? 0) : 0 }

    /// The factor on the network's AMPA conductances now (drugs act on every population).
    var ampaScale: Double {
        AMPAModulation().scale(block: effects["ampa_block"] ?? 0, potentiation: hnkEffect)
    }

    /// Each population's GABA_A output scale (the PV phenotype; 1 for every other class).
    var gabaOutput: [Float] { pv.phenotype.map { Float($0) } }

    /// The share of population `p`'s NMDA receptors neither knocked down nor blocked.
    func nmdaAvailable(_ p: Int) -> Double {
        (1 - block[p]) * (pharmacology?.remainingNMDA(p) ?? 1)
    }

    /// Population-level drug and stress values for the record.
    var glucocorticoid: Double { stress.level }

    func concentrations() -> [(drug: String, plasma: Double, brainFree: Double)] {
        guard let p = pk else { return [] }
        return p.drugNames.map { ($0, p.plasma($0), p.brainFree($0)) }
    }

    /// Mean of a per-neuron quantity over spiny neurons.
    func spinyMean(_ a: [Double]) -> Double {
        var s = 0.0, n = 0
        for i in a.indices where spiny[i] { s += a[i]; n += 1 }
        return n > 0 ? s / Double(n) : 0
    }
}

extension NMDABlockSetting {
    var physiology: Physiology.BlockSetting {
        switch self {
        case .slice: .slice
        case let .subtype(mg): .subtype(magnesium: mg)
        }
    }
}
