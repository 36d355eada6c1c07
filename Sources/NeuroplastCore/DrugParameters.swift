// A drug as the library file describes it, lowered to plain numbers. The scenario layer
// decodes the library into these; the physiology layer turns them into compartment models,
// receptor block and signalling effects. They live in Core (like the cell parameters)
// because both of those layers read them and neither may import the other.
//
// Units: hours, litres, mg, ng/mL for plasma, µM for brain concentrations.

/// One peripheral compartment of a mammillary model.
public struct PeripheralCompartment: Sendable, Equatable, Codable {
    /// Volume [L] at the reference body weight.
    public var volume: Double
    /// Inter-compartmental clearance Q [L/h] at the reference body weight.
    public var flow: Double
    public init(volume: Double, flow: Double) { self.volume = volume; self.flow = flow }
}

/// Uptake from an extravascular route: a depot emptying into the central compartment.
public struct Absorption: Sendable, Equatable, Codable {
    /// First-order absorption rate k_a [1/h].
    public var rate: Double
    /// Bioavailability F (fraction of the dose reaching the circulation).
    public var bioavailability: Double
    /// Lag before absorption starts [h].
    public var lag: Double
    public init(rate: Double, bioavailability: Double, lag: Double = 0) {
        self.rate = rate; self.bioavailability = bioavailability; self.lag = lag
    }
}

/// Pharmacokinetics of one drug in one species: a one-, two- or three-compartment
/// mammillary model with an optional effect-site compartment. Volumes scale linearly with
/// body weight, clearances with weight^0.75 (allometry), from `referenceWeight`.
public struct PKParameters: Sendable, Equatable, Codable {
    public var referenceWeight: Double     // [kg]
    public var centralVolume: Double       // V1 [L]
    public var clearance: Double           // CL [L/h]
    public var peripheral: [PeripheralCompartment]  // 0, 1 or 2 entries
    /// Effect-site equilibration rate k_e0 [1/h]; nil = the brain follows plasma at once.
    public var ke0: Double?
    /// Extravascular routes by name ("intramuscular", "intraperitoneal", "subcutaneous",
    /// "intranasal", "oral").
    public var absorption: [String: Absorption]
    public init(referenceWeight: Double, centralVolume: Double, clearance: Double,
                peripheral: [PeripheralCompartment] = [], ke0: Double? = nil, absorption: [String: Absorption] = [:]) {
        self.referenceWeight = referenceWeight; self.centralVolume = centralVolume; self.clearance = clearance
        self.peripheral = peripheral; self.ke0 = ke0; self.absorption = absorption
    }
}

/// Concentration → effect, a Hill (Emax) curve of the free brain concentration.
public struct HillEffect: Sendable, Equatable, Codable {
    public var emax: Double
    public var ec50: Double      // [µM]
    public var hill: Double
    /// Onset/offset time constant of the effect [h] (0 = follows the concentration).
    public var tau: Double
    public init(emax: Double, ec50: Double, hill: Double = 1, tau: Double = 0) {
        self.emax = emax; self.ec50 = ec50; self.hill = hill; self.tau = tau
    }
    public func value(at c: Double) -> Double {
        guard c > 0, ec50 > 0 else { return 0 }
        let x = pow(c / ec50, hill)
        return emax * x / (1 + x)
    }
}

/// NMDA-receptor channel block: a Hill curve for the default (slice-like) setting, per-
/// subtype IC50s without and with 1 mM Mg²⁺ for the subtype setting, the relaxation time of
/// block and how much of it is trapped (1 = full trapping blocker such as ketamine).
public struct NMDABlockParameters: Sendable, Equatable, Codable {
    public var ic50: Double          // [µM] slice-like default
    public var hill: Double
    public var subtypeIC50NoMg: [String: Double]   // GluN2A…GluN2D [µM], 0 Mg²⁺
    public var subtypeIC50Mg: [String: Double]     // GluN2A…GluN2D [µM], 1 mM Mg²⁺
    public var tauBlock: Double      // [s]
    public var trapping: Double      // 0…1
    public init(ic50: Double, hill: Double, subtypeIC50NoMg: [String: Double] = [:], subtypeIC50Mg: [String: Double] = [:],
                tauBlock: Double, trapping: Double) {
        self.ic50 = ic50; self.hill = hill; self.subtypeIC50NoMg = subtypeIC50NoMg; self.subtypeIC50Mg = subtypeIC50Mg
        self.tauBlock = tauBlock; self.trapping = trapping
    }
}

/// A metabolite formed from a fraction of the parent's clearance.
public struct MetaboliteLink: Sendable, Equatable, Codable {
    public var drug: String
    public var fraction: Double
    public init(drug: String, fraction: Double) { self.drug = drug; self.fraction = fraction }
}

/// One entry of the drug library.
public struct DrugParameters: Sendable, Equatable, Codable {
    public var name: String
    public var molarMass: Double              // [g/mol]
    /// By species ("human", "rat", "mouse").
    public var pk: [String: PKParameters]
    /// Total brain tissue : plasma concentration ratio at equilibrium.
    public var brainPlasmaRatio: Double
    /// Unbound fraction of the total brain concentration (acts on receptors).
    public var brainUnboundFraction: Double
    /// Unbound fraction in plasma (1 − protein binding), reported.
    public var plasmaUnboundFraction: Double
    public var nmda: NMDABlockParameters?
    /// Other actions by name: "ampa_potentiation", "mtor_inhibition", "bdnf_synthesis",
    /// "anti_inflammatory".
    public var effects: [String: HillEffect]
    public var metabolites: [MetaboliteLink]
    public var sources: [String]
    public init(name: String, molarMass: Double, pk: [String: PKParameters], brainPlasmaRatio: Double,
                brainUnboundFraction: Double, plasmaUnboundFraction: Double, nmda: NMDABlockParameters?,
                effects: [String: HillEffect] = [:], metabolites: [MetaboliteLink] = [], sources: [String] = []) {
        self.name = name; self.molarMass = molarMass; self.pk = pk; self.brainPlasmaRatio = brainPlasmaRatio
        self.brainUnboundFraction = brainUnboundFraction; self.plasmaUnboundFraction = plasmaUnboundFraction
        self.nmda = nmda; self.effects = effects; self.metabolites = metabolites; self.sources = sources
    }
}

/// A dose as given: amount already multiplied out by body weight.
public struct DoseEvent: Sendable, Equatable, Codable {
    public var drug: String
    /// "iv_bolus", "iv_infusion" or an extravascular route of `PKParameters.absorption`.
    public var route: String
    public var amount: Double     // [mg]
    public var start: Double      // [h] from the start of the run
    public var duration: Double   // [h], infusions only (0 otherwise)
    public init(drug: String, route: String, amount: Double, start: Double, duration: Double = 0) {
        self.drug = drug; self.route = route; self.amount = amount; self.start = start; self.duration = duration
    }
}

/// A plasma concentration curve given by the user instead of a dose [h, ng/mL]; linear
/// between points, zero outside.
public struct ConcentrationCurve: Sendable, Equatable, Codable {
    public var drug: String
    public var times: [Double]
    public var plasma: [Double]
    public init(drug: String, times: [Double], plasma: [Double]) { self.drug = drug; self.times = times; self.plasma = plasma }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
