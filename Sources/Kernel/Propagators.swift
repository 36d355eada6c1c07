// Exact one-step propagators of the synaptic conductances. All three receptor types are
// linear between spikes, so a step of length dt multiplies by constants computed once.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Constants that advance the conductances by one step.
///
/// AMPA and GABA_A are single exponentials: dg/dt = −g/τ, so g ← g·exp(−dt/τ).
///
/// NMDA is the linearised Brunel–Wang (2001) / Compte (2000) gating: a rise variable x and
/// a gating s with
///
///     dx/dt = −x/τ_r,          x ← x + w·κ on each presynaptic spike
///     ds/dt = −s/τ_d + β·x,    β = 1 / (p·τ_r)·… chosen so a single spike of weight w
///                               gives a peak of exactly w:
///     s(t) = (w/p)·(exp(−t/τ_d) − exp(−t/τ_r)),  p = peak of the bracket.
///
/// This drops the saturation factor (1 − s) of Brunel & Wang's per-presynaptic gating, exact
/// when the per-synapse gating stays small (low presynaptic rates); the weight w is then the
/// peak NMDA conductance of one spike before the Mg²⁺ block. The exact propagator over dt:
///
///     x' = x·e_r
///     s' = s·e_d + x·c,   c = (e_d − e_r)/p,  e_r = exp(−dt/τ_r), e_d = exp(−dt/τ_d)
public struct Propagators: Sendable, Equatable {
    public let ampa: Double       // exp(−dt/τ_AMPA)
    public let gaba: Double       // exp(−dt/τ_GABA)
    public let nmdaRise: Double   // e_r
    public let nmdaDecay: Double  // e_d
    public let nmdaCross: Double  // c

    public init(dt: Double, receptors r: ReceptorKinetics) {
        ampa = exp(-dt / r.ampaTau)
        gaba = exp(-dt / r.gabaTau)
        nmdaRise = exp(-dt / r.nmdaTauRise)
        nmdaDecay = exp(-dt / r.nmdaTauDecay)
        let p = Propagators.nmdaPeak(tauRise: r.nmdaTauRise, tauDecay: r.nmdaTauDecay)
        nmdaCross = (nmdaDecay - nmdaRise) / p
    }

    /// Peak of exp(−t/τ_d) − exp(−t/τ_r), reached at t* = τ_dτ_r/(τ_d−τ_r)·ln(τ_d/τ_r).
    public static func nmdaPeak(tauRise: Double, tauDecay: Double) -> Double {
        let tPeak = tauDecay * tauRise / (tauDecay - tauRise) * log(tauDecay / tauRise)
        return exp(-tPeak / tauDecay) - exp(-tPeak / tauRise)
    }

    /// Analytic NMDA gating t [ms] after one spike of weight w at t = 0.
    public static func nmdaResponse(t: Double, weight w: Double, tauRise: Double, tauDecay: Double) -> Double {
        w / nmdaPeak(tauRise: tauRise, tauDecay: tauDecay) * (exp(-t / tauDecay) - exp(-t / tauRise))
    }
}
