// The scenario's plasticity sections, in kernel units: weight rules per projection
// (calcium-based, pair or triplet STDP), homeostatic scaling, and structural plasticity.

/// A projection's weight rule.
public enum WeightRule: Sendable, Equatable {
    /// Graupner & Brunel 2012 with NMDA-borne presynaptic calcium; `preset` "dp" or "cortical".
    /// The presynaptic calcium scales with κ = (g_NMDA/gRef)·B(V_post)/B(vRef).
    case calcium(preset: String, wMin: Double, wMax: Double, gRef: Double, vRef: Double)
    /// Pair-based additive STDP (all-to-all traces). Weights are dimensionless factors on the
    /// projection's conductances; aPlus/aMinus in the same units.
    case stdp(tauPlus: Double, tauMinus: Double, aPlus: Double, aMinus: Double, wMax: Double)
    /// Triplet STDP (Pfister & Gerstner 2006, all-to-all); times [ms], amplitudes in weight
    /// units (all ≥ 0; the A₋ terms are subtracted).
    case triplet(tauPlus: Double, tauMinus: Double, tauX: Double, tauY: Double,
                 a2Plus: Double, a3Plus: Double, a2Minus: Double, a3Minus: Double, wMax: Double)
}

/// Synaptic scaling toward a target rate (Turrigiano et al. 1998): every interval each
/// neuron's excitatory input weights are multiplied by 1 + (r* − r)/r* · Δt/τ.
public struct Homeostasis: Sendable, Equatable {
    public var targetRate: [Double]   // [Hz] per population (0 = not scaled)
    public var tau: Double            // [ms]
    public init(targetRate: [Double], tau: Double) { self.targetRate = targetRate; self.tau = tau }
}

/// A growth curve as written in the scenario.
public struct GrowthCurveSpec: Sendable, Equatable {
    public var kind: String        // linear | gaussian | sigmoid
    public var nu: Double          // [elements/ms]
    public var eta: Double         // calcium
    public var epsilon: Double     // calcium set-point
    public var psi: Double         // sigmoid width
    public var initial: Double     // initial element count
}

public struct ElementSpec: Sendable, Equatable {
    public var population: Int
    public var axonal: GrowthCurveSpec?
    public var dendriticExc: GrowthCurveSpec?
    public var dendriticInh: GrowthCurveSpec?
}

/// Structural plasticity (Butz & van Ooyen 2013 MSP, as in NEST) with distance-dependent
/// formation, pruning of weak synapses and site memory.
public struct StructuralConfig: Sendable, Equatable {
    public var interval: Double          // [ms]
    public var calciumTau: Double        // [ms]
    public var calciumBeta: Double
    public var elements: [ElementSpec]
    public var sigma: Double?            // [µm] partner-choice distance scale; nil = any
    public var siteMemory: Bool
    public var siteBias: Double
    public var siteTau: Double           // [ms]
    public var pruneBelow: Double?
    public var pruneAfter: Double        // [ms]
}

public struct PlasticityConfig: Sendable, Equatable {
    /// Weight rule of each projection (index as `Scenario.projections`), nil = static.
    public var rules: [WeightRule?]
    public var homeostasis: Homeostasis?
    public var structural: StructuralConfig?
    public static let none = PlasticityConfig(rules: [], homeostasis: nil, structural: nil)
    public var isEmpty: Bool { rules.allSatisfy { $0 == nil } && homeostasis == nil && structural == nil }
}
