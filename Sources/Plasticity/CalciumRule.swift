// The calcium-based synaptic plasticity rule of Graupner & Brunel 2012, with the
// presynaptically evoked calcium entering through NMDA receptors, so that the Mg²⁺ block,
// the NMDA conductance and any pharmacological block scale plasticity by the mechanism.

#if canImport(Glibc)
import Glibc
#endif

/// Graupner & Brunel 2012 (PNAS 109:3991), the synaptic efficacy ρ ∈ [0, 1]:
///
///     τ dρ/dt = −ρ(1 − ρ)(ρ* − ρ) + γ_p(1 − ρ)Θ(c − θ_p) − γ_d ρ Θ(c − θ_d)  (+ noise)
///     c(t) = C_pre·κ·Σ_pre exp(−(t − t_pre − D)/τ_Ca) + C_post·Σ_post exp(−(t − t_post)/τ_Ca)
///
/// κ = (NMDA conductance relative to its reference) × B(V_post) × (1 − drug block)
/// multiplies the presynaptically evoked calcium: Ca²⁺ from a presynaptic spike enters
/// through NMDA receptors [I, brief §4.4]. With κ = 1 this is the published model.
/// Weight w = w_min + ρ·(w_max − w_min).
///
/// | parameter | DP set | cortical fit | unit |
/// |---|---|---|---|
/// | τ_Ca | 20 | 22.69 | ms |
/// | C_pre | 1 | 0.5618 | |
/// | C_post | 2 | 1.2396 | |
/// | θ_d | 1 | 1 | |
/// | θ_p | 1.3 | 1.3 | |
/// | γ_d | 200 | 331.909 | |
/// | γ_p | 321.808 | 725.085 | |
/// | τ | 150 | 346.36 | s |
/// | ρ* | 0.5 | 0.5 | |
/// | D | 13.7 | 4.61 | ms |
///
/// Sources: author code mgraupe/CalciumBasedPlasticityModel (synapticChange.py), brief §4.4.
/// The noise term (σ) is left out: the rule is deterministic, the mean drift of the paper's
/// Fig. 2. Between steps c is taken constant, and the three terms are integrated exactly
/// for that constant c (piecewise-exact; the cubic bistability term by one Euler step, its
/// time scale τ ≫ the step).
public struct CalciumRule: Sendable, Equatable {
    public var tauCa: Double      // [ms]
    public var cPre: Double
    public var cPost: Double
    public var thetaD: Double
    public var thetaP: Double
    public var gammaD: Double
    public var gammaP: Double
    public var tau: Double        // [ms]
    public var rhoStar: Double
    public var delay: Double      // [ms] D, delay of the presynaptic calcium transient
    public var bistable: Bool     // include the cubic term

    public init(tauCa: Double, cPre: Double, cPost: Double, thetaD: Double, thetaP: Double, gammaD: Double,
                gammaP: Double, tau: Double, rhoStar: Double, delay: Double, bistable: Bool = true) {
        self.tauCa = tauCa; self.cPre = cPre; self.cPost = cPost; self.thetaD = thetaD; self.thetaP = thetaP
        self.gammaD = gammaD; self.gammaP = gammaP; self.tau = tau; self.rhoStar = rhoStar; self.delay = delay
        self.bistable = bistable
    }

    /// The "DP" parameter set of Graupner & Brunel 2012 (Fig. 2).
    public static let dp = CalciumRule(tauCa: 20, cPre: 1, cPost: 2, thetaD: 1, thetaP: 1.3, gammaD: 200,
                                       gammaP: 321.808, tau: 150_000, rhoStar: 0.5, delay: 13.7)
    /// Fit to cortical slice data (Sjöström et al. 2001), brief §4.4.
    public static let cortical = CalciumRule(tauCa: 22.69, cPre: 0.5618, cPost: 1.2396, thetaD: 1, thetaP: 1.3,
                                             gammaD: 331.909, gammaP: 725.085, tau: 346_360, rhoStar: 0.5, delay: 4.61)

    /// ρ after `dt` ms at constant calcium c.
    @inline(__always)
    public func advance(rho r0: Double, calcium c: Double, dt: Double) -> Double {
        var r = r0
        if c > thetaD {
            if c > thetaP {
                // τ dρ/dt = γ_p(1 − ρ) − γ_d ρ: relax to ρ_eq = γ_p/(γ_p + γ_d) at rate (γ_p+γ_d)/τ.
                let g = gammaP + gammaD
                let eq = gammaP / g
                r = eq + (r - eq) * exp(-g * dt / tau)
            } else {
                r *= exp(-gammaD * dt / tau)
            }
        }
        if bistable {
            r -= r * (1 - r) * (rhoStar - r) * dt / tau
        }
        return min(1, max(0, r))
    }
}
