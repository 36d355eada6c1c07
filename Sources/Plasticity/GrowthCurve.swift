// Growth curves of structural plasticity: how fast a neuron grows (dz/dt > 0) or retracts
// (dz/dt < 0) synaptic elements as a function of its calcium, as in Butz & van Ooyen 2013
// and NEST's nestkernel/growth_curve.h.

#if canImport(Glibc)
import Glibc
#endif

/// dz/dt as a function of calcium Ca, with ν the growth rate [elements/ms].
///
/// | curve | dz/dt |
/// |---|---|
/// | linear | ν·(1 − Ca/ε) |
/// | gaussian | ν·(2·exp(−((Ca − ξ)/ζ)²) − 1), ξ = (η + ε)/2, ζ = (ε − η)/(2√ln 2) |
/// | sigmoid | ν·(2/(1 + exp((Ca − ε)/ψ)) − 1) |
///
/// ε is the calcium set-point (growth stops there and reverses above it), η the minimum
/// calcium for any growth (Gaussian only). References: Butz & van Ooyen 2013 PLoS Comput
/// Biol 9:e1003259; Sinha et al. 2021 (sigmoid); NEST growth_curve.h.
public enum GrowthCurve: Sendable, Equatable {
    case linear(nu: Double, epsilon: Double)
    case gaussian(nu: Double, eta: Double, epsilon: Double)
    case sigmoid(nu: Double, epsilon: Double, psi: Double)

    /// Rate of change of the element count [elements/ms] at calcium `ca`.
    public func rate(calcium ca: Double) -> Double {
        switch self {
        case let .linear(nu, eps):
            return nu * (1 - ca / eps)
        case let .gaussian(nu, eta, eps):
            let xi = (eta + eps) / 2
            let zeta = (eps - eta) / (2 * sqrt(log(2.0)))
            let d = (ca - xi) / zeta
            return nu * (2 * exp(-d * d) - 1)
        case let .sigmoid(nu, eps, psi):
            return nu * (2 / (1 + exp((ca - eps) / psi)) - 1)
        }
    }

    /// The set-point ε.
    public var setPoint: Double {
        switch self {
        case let .linear(_, e), let .gaussian(_, _, e), let .sigmoid(_, e, _): e
        }
    }
}
