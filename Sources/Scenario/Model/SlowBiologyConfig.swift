// The scenario's slow biology: the second clock, drugs and their doses, receptor-block
// settings and chronic stress. Biological time is in hours here (the slow clock's unit);
// fast windows are in ms of network time like the rest of the scenario.

/// The slow clock: slow steps of `step` hours alternate with fast windows of spiking.
public struct SlowClockConfig: Sendable, Equatable {
    /// Slow step Δt_slow [h].
    public var step: Double
    /// Biological time the run covers [h].
    public var duration: Double
    /// Network time of one fast window [ms].
    public var window: Double
    /// Leading part of each window left out of its statistics [ms].
    public var settle: Double
    /// When fast windows run: until `until` [h], one every `every` [h] (the last phase
    /// extends to the end). Between windows the last window's statistics stand.
    public var cadence: [WindowPhase]
    /// How often structural change is applied to the network's synapses [h].
    public var structuralEvery: Double
    /// Partner choice of new spines: distance scale [µm] and bias back to lost sites.
    public var formationSigma: Double = 150
    public var siteMemory = true
    public var siteBias = 4.0
    public var siteTau = 7 * 24.0      // [h]
    public init(step: Double, duration: Double, window: Double, settle: Double, cadence: [WindowPhase], structuralEvery: Double) {
        self.step = step; self.duration = duration; self.window = window; self.settle = settle
        self.cadence = cadence; self.structuralEvery = structuralEvery
    }

    /// Hours between windows at biological time t [h].
    public func windowEvery(at t: Double) -> Double {
        cadence.first { t < $0.until }?.every ?? cadence.last?.every ?? step
    }
}

public struct WindowPhase: Sendable, Equatable {
    public var until: Double  // [h]
    public var every: Double  // [h]
    public init(until: Double, every: Double) { self.until = until; self.every = every }
}

/// How drug concentration becomes NMDA-receptor block.
public enum NMDABlockSetting: Sendable, Equatable {
    /// One Hill curve per drug for every population (slice conditions).
    case slice
    /// Per-population GluN2A–D mix with Mg²⁺-dependent IC50s [mM].
    case subtype(magnesium: Double)
}

/// Which signal starts BDNF translation (the brief's §7 controversy 1).
public enum BDNFTrigger: String, Sendable, Equatable, CaseIterable {
    case blockAtRest = "block_at_rest", activity, both
}

/// Drugs, doses and how they act.
public struct PharmacologyConfig: Sendable, Equatable {
    public var species: String
    public var bodyWeight: Double           // [kg]
    public var doses: [DoseEvent]
    public var curves: [ConcentrationCurve]
    /// Every drug the run needs (dosed, curve-given and their metabolites), from the library.
    public var drugs: [DrugParameters]
    public var block: NMDABlockSetting
    /// IC50 divisor for inhibitory populations (1 = no selectivity).
    public var interneuronSelectivity: Double
    /// Block changes only while channels open (trapping, use dependence).
    public var useDependent: Bool
    /// GluN2 subunit fractions per population index (subtype setting).
    public var subtypes: [[String: Double]]
    /// (2R,6R)-HNK's AMPA-potentiation acts (Zanos 2016) or not (Yang 2018).
    public var hnkAMPA: Bool
    public var bdnfTrigger: BDNFTrigger
    /// Fraction of each GluN2 subunit's receptors knocked down, per population index
    /// (Gerhard et al. 2020: GluN2B in interneurons or in principal cells).
    public var knockdown: [[String: Double]] = []
    /// BDNF knocked out (Autry et al. 2011: inducible forebrain BDNF deletion).
    public var bdnfKnockout = false

    /// The fraction of `subunit`'s receptors knocked down in population `p`.
    public func knockedDown(_ subunit: String, in p: Int) -> Double {
        knockdown.indices.contains(p) ? knockdown[p][subunit] ?? 0 : 0
    }

    /// The share of population `p`'s NMDA receptors left after the knockdown (1 without one).
    public func remainingNMDA(_ p: Int) -> Double {
        guard knockdown.indices.contains(p), subtypes.indices.contains(p) else { return 1 }
        return max(0, 1 - knockdown[p].reduce(0) { $0 + $1.value * (subtypes[p][$1.key] ?? 0) })
    }

    /// Population `p`'s subunit mix among the receptors left after the knockdown.
    public func remainingSubtypes(_ p: Int) -> [String: Double] {
        guard subtypes.indices.contains(p) else { return [:] }
        let left = remainingNMDA(p)
        guard left > 0, knockdown.indices.contains(p), !knockdown[p].isEmpty else { return subtypes[p] }
        var mix: [String: Double] = [:]
        for (k, f) in subtypes[p] { mix[k] = f * (1 - (knockdown[p][k] ?? 0)) / left }
        return mix
    }
    public init(species: String, bodyWeight: Double, doses: [DoseEvent], curves: [ConcentrationCurve], drugs: [DrugParameters],
                block: NMDABlockSetting, interneuronSelectivity: Double, useDependent: Bool, subtypes: [[String: Double]],
                hnkAMPA: Bool, bdnfTrigger: BDNFTrigger) {
        self.species = species; self.bodyWeight = bodyWeight; self.doses = doses; self.curves = curves; self.drugs = drugs
        self.block = block; self.interneuronSelectivity = interneuronSelectivity; self.useDependent = useDependent
        self.subtypes = subtypes; self.hnkAMPA = hnkAMPA; self.bdnfTrigger = bdnfTrigger
    }
}

/// A stress episode [h from the start of the run; negative = before it].
public struct StressSpec: Sendable, Equatable {
    public var start: Double
    public var stop: Double
    public var level: Double
    public init(start: Double, stop: Double, level: Double) { self.start = start; self.stop = stop; self.level = level }
}

/// Everything on the slow clock.
public struct SlowBiology: Sendable, Equatable {
    public var clock: SlowClockConfig
    public var pharmacology: PharmacologyConfig?
    public var stress: [StressSpec]
    public var inflammation: InflammationConfig?
    public init(clock: SlowClockConfig, pharmacology: PharmacologyConfig?, stress: [StressSpec], inflammation: InflammationConfig? = nil) {
        self.clock = clock; self.pharmacology = pharmacology; self.stress = stress; self.inflammation = inflammation
    }
}

extension SlowClockConfig {
    /// Slow steps of the run: 0, step, 2·step, … < duration [h].
    public var stepCount: Int { Int(saturating: (duration / step - 1e-9).rounded(.up)) }

    /// Biological times [h] at which a fast window runs: the first at 0, then one every
    /// `windowEvery(at:)` after the previous, on the slow-step grid.
    public func windowTimes() -> [Double] {
        var out: [Double] = []
        var next = 0.0
        for k in 0..<stepCount {
            let t = Double(k) * step
            if t + 1e-9 >= next {
                out.append(t)
                next = t + windowEvery(at: t)
            }
        }
        return out
    }
}

/// Inflammation on the slow clock: a cytokine field over the sheet, its sources, microglia,
/// the effects on spines and BDNF, and excitotoxic damage (hours, µm, field units).
public struct InflammationConfig: Sendable, Equatable {
    public struct Source: Sendable, Equatable {
        public var x: Double, y: Double, radius: Double   // [µm]
        public var rate: Double                            // [amount/h]
        public var start: Double, stop: Double             // [h]
    }
    public struct Insult: Sendable, Equatable {
        public var x: Double, y: Double, radius: Double   // [µm]
        public var start: Double, stop: Double             // [h]
        public var strength: Double
    }
    public var cellSize = 50.0          // [µm]
    public var diffusion = 3.6e4        // [µm²/h]
    public var tau = 2.0                // [h]
    public var periodic = true
    /// LPS challenges: (time [h], dose [mg/kg]).
    public var lps: [(time: Double, dose: Double)] = []
    public var sources: [Source] = []
    /// Cytokine input per unit of glucocorticoid [amount/µm²/h] (stress-driven inflammation).
    public var stressSource = 0.0
    public var microglia = 0
    public var complementTagging = true
    /// Cytokine level that counts as inflammation level 1 for neurons [amount/µm²].
    public var reference = 1.0
    public var formationEffect = 0.5, lossEffect = 1.0, bdnfEffect = 0.3
    /// TNF-α-like shift of excitation/inhibition: excitatory inputs × (1 + e·I), inhibitory
    /// inputs ÷ (1 + e·I) (Stellwagen et al. 2005); 0 = off.
    public var eiShift = 0.0
    public var damage = false
    public var insults: [Insult] = []
    public init() {}
    public static func == (a: Self, b: Self) -> Bool {
        a.cellSize == b.cellSize && a.diffusion == b.diffusion && a.tau == b.tau && a.periodic == b.periodic
            && a.lps.map(\.time) == b.lps.map(\.time) && a.lps.map(\.dose) == b.lps.map(\.dose) && a.sources == b.sources
            && a.stressSource == b.stressSource && a.microglia == b.microglia && a.complementTagging == b.complementTagging
            && a.reference == b.reference && a.formationEffect == b.formationEffect && a.lossEffect == b.lossEffect
            && a.bdnfEffect == b.bdnfEffect && a.eiShift == b.eiShift && a.damage == b.damage && a.insults == b.insults
    }
}
