// Triplet STDP (Pfister & Gerstner 2006), all-to-all interaction: the pair rule plus a
// potentiation term that grows with the postsynaptic rate, so that pairing at high
// frequency potentiates whatever the order (Sjöström et al. 2001).

/// Pfister & Gerstner 2006 (J Neurosci 26:9673), all-to-all interaction. Four traces, each
/// jumping by 1 at a spike of its neuron and decaying exponentially between spikes:
///
///     r₁ (τ₊), r₂ (τ_x): presynaptic       o₁ (τ₋), o₂ (τ_y): postsynaptic
///     at a presynaptic spike:  w ← clip(w − o₁(t)·(A₂₋ + A₃₋·r₂(t − ε)))
///     at a postsynaptic spike: w ← clip(w + r₁(t)·(A₂₊ + A₃₊·o₂(t − ε)))
///
/// with clip to [0, w_max]; t − ε: the trace just before its own neuron's spike is counted.
/// Applied event-driven like `PairSTDP` (see `PlasticDelivery`): the potentiation of the post
/// spikes since the last presynaptic spike is replayed in time order at the next one.
///
/// Defaults: the paper's minimal all-to-all model fitted to visual cortex (Table 4; no pair
/// potentiation, no triplet depression), as listed in GeNN's `sjostrom_triplet` example
/// (genn_examples/sjostrom_triplet/model.cc, "Minimal triplet rule parameter set") — τ_x is
/// unused there (A₃₋ = 0) and defaults to the full model's 101 ms (NEST
/// `stdp_triplet_synapse`, NESTML `stdp_triplet`).
///
/// The defaults are `TripletDefaults` (NeuroplastCore):
///
/// | parameter | default | unit |
/// |---|---|---|
/// | τ₊ | 16.8 | ms |
/// | τ₋ | 33.7 | ms |
/// | τ_x | 101 | ms |
/// | τ_y | 114 | ms |
/// | A₂₊ | 0 | weight |
/// | A₃₊ | 6.5·10⁻³ | weight |
/// | A₂₋ | 7.1·10⁻³ | weight |
/// | A₃₋ | 0 | weight |
/// | w_max | 2 | weight (factor on the projection's conductances) |
public struct TripletSTDP: Sendable, Equatable {
    public var tauPlus: Double    // [ms] r₁
    public var tauMinus: Double   // [ms] o₁
    public var tauX: Double       // [ms] r₂
    public var tauY: Double       // [ms] o₂
    public var a2Plus: Double     // weight units, ≥ 0
    public var a3Plus: Double     // weight units, ≥ 0
    public var a2Minus: Double    // weight units, ≥ 0 (subtracted)
    public var a3Minus: Double    // weight units, ≥ 0 (subtracted)
    public var wMax: Double

    public init(tauPlus: Double = TripletDefaults.tauPlus, tauMinus: Double = TripletDefaults.tauMinus,
                tauX: Double = TripletDefaults.tauX, tauY: Double = TripletDefaults.tauY,
                a2Plus: Double = TripletDefaults.a2Plus, a3Plus: Double = TripletDefaults.a3Plus,
                a2Minus: Double = TripletDefaults.a2Minus, a3Minus: Double = TripletDefaults.a3Minus,
                wMax: Double = TripletDefaults.wMax) {
        self.tauPlus = tauPlus; self.tauMinus = tauMinus; self.tauX = tauX; self.tauY = tauY
        self.a2Plus = a2Plus; self.a3Plus = a3Plus; self.a2Minus = a2Minus; self.a3Minus = a3Minus
        self.wMax = wMax
    }

    /// The minimal all-to-all visual-cortex set (the defaults).
    public static let visualCortexMinimal = TripletSTDP()
}
