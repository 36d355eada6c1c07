// The slow intracellular calcium trace that drives structural plasticity and homeostasis:
// a leaky count of spikes, proportional to the recent firing rate.

#if canImport(Glibc)
import Glibc
#endif

/// dCa/dt = −Ca/τ_Ca + β_Ca·Σ δ(t − t_spike)  (NEST `Ca`, Butz & van Ooyen 2013).
/// At a steady rate r the mean is β·r·τ, e.g. β 0.001, τ 10 s, 5 Hz → 0.05.
/// Updated event by event: exact between spikes.
public struct CalciumTrace: Sendable, Equatable {
    public var tau: Double    // [ms]
    public var beta: Double   // jump per spike
    public init(tau: Double, beta: Double) { self.tau = tau; self.beta = beta }

    /// Advances values `ca` (last updated at `since` [ms]) to `now` [ms].
    public func decay(_ ca: Double, from since: Double, to now: Double) -> Double {
        ca * exp(-(now - since) / tau)
    }

    /// Steady-state mean calcium at a rate [Hz].
    public func steadyState(rateHz: Double) -> Double { beta * rateHz / 1000 * tau }
}
