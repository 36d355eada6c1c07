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
    public init(clock: SlowClockConfig, pharmacology: PharmacologyConfig?, stress: [StressSpec]) {
        self.clock = clock; self.pharmacology = pharmacology; self.stress = stress
    }
}

extension SlowClockConfig {
    /// Slow steps of the run: 0, step, 2·step, … < duration [h].
    public var stepCount: Int { Int((duration / step - 1e-9).rounded(.up)) }

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
