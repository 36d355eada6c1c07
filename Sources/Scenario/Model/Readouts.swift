// Trial readouts of a run (`record.bump`, `record.overlap`): the working-memory bump on a
// ring population, decoded per presentation of a cue, and the overlap of population rate
// vectors between two stretches of network time. Computed by `TrialReadouts` (Recording).

/// The bump of a ring population after each presentation of a cue stimulus (`bump.csv`).
///
/// Per trial, with t_off the cue's offset: the decoded angle (population vector,
/// arg Σ nᵢ·e^{iθᵢ} over spike counts nᵢ) in W1 = [t_off, t_off + window) and in
/// W2 = [t_off + delay − window, t_off + delay); drift from the cue and over the delay; the
/// width at half maximum of the rate profile in W2 (`bins` angular bins); mean rates of the
/// neurons within `inRadius` of the decoded angle and beyond `outRadius`; and whether the
/// memory held: |drift from cue| ≤ `tolerance` and rate_in ≥ 2·rate_out + 5 Hz.
public struct BumpReadout: Sendable, Equatable {
    public var population: Int
    /// Index of the cue stimulus in `Scenario.stimuli`.
    public var cue: Int
    public var delay: Double       // [ms] from cue offset to the end of W2
    public var window: Double      // [ms]
    public var bins: Int
    public var inRadius: Double    // [deg]
    public var outRadius: Double   // [deg]
    public var tolerance: Double   // [deg]
    /// Population of interneurons whose mean rate in W2 is reported (nil = none).
    public var inhibitory: Int?
    public init(population: Int, cue: Int, delay: Double, window: Double, bins: Int, inRadius: Double,
                outRadius: Double, tolerance: Double, inhibitory: Int?) {
        self.population = population; self.cue = cue; self.delay = delay; self.window = window; self.bins = bins
        self.inRadius = inRadius; self.outRadius = outRadius; self.tolerance = tolerance; self.inhibitory = inhibitory
    }
}

/// The cosine of two population rate vectors (`overlap.csv`): 1 = the same neurons fire in
/// the same proportions, 0 = disjoint ensembles. A measure of ensemble restoration.
public struct OverlapReadout: Sendable, Equatable {
    public var name: String
    public var population: Int
    /// The two stretches [from, to) of network time [ms].
    public var a: ClosedRange<Double>
    public var b: ClosedRange<Double>
    public init(name: String, population: Int, a: ClosedRange<Double>, b: ClosedRange<Double>) {
        self.name = name; self.population = population; self.a = a; self.b = b
    }
}
