// The triplet STDP rule's default parameters, in one place for the scenario decoder and the
// rule itself (the two modules do not see each other).

/// Pfister & Gerstner 2006 (J Neurosci 26:9673) Table 4: the minimal all-to-all model fitted
/// to visual cortex (no pair potentiation, no triplet depression), as listed in GeNN's
/// `sjostrom_triplet` example. τ_x is unused there (A₃₋ = 0) and is the full model's 101 ms
/// (NEST `stdp_triplet_synapse`, NESTML `stdp_triplet`). w_max is ours: a factor of 2 on the
/// projection's conductances, as for pair STDP.
public enum TripletDefaults {
    public static let tauPlus = 16.8, tauMinus = 33.7, tauX = 101.0, tauY = 114.0   // [ms]
    public static let a2Plus = 0.0, a3Plus = 6.5e-3, a2Minus = 7.1e-3, a3Minus = 0.0  // weight
    public static let wMax = 2.0                                                      // weight
}
