// Voltage-dependent Mg²⁺ block of the NMDA receptor (Jahr & Stevens 1990).

/// Fraction of NMDA conductance not blocked by Mg²⁺ at membrane potential `v`.
///
///     B(V) = 1 / (1 + [Mg²⁺]/K · exp(−γ·V))
///
/// | parameter | default | unit | source |
/// |---|---|---|---|
/// | [Mg²⁺] | 1 | mM | physiological |
/// | K | 3.57 | mM | Jahr & Stevens 1990 J Neurosci 10:3178 |
/// | γ | 0.062 | 1/mV | idem |
///
/// As used by Compte et al. 2000 and Brunel & Wang 2001. Pure function; the kernel
/// evaluates it once per neuron and step at the start-of-step potential.
@inlinable @inline(__always)
public func mgBlock(v: Double, mg: Double, half: Double, slope: Double) -> Double {
    mgBlock(v: v, ratio: mg / half, slope: slope)
}

/// The same with [Mg²⁺]/K precomputed (the kernel's form).
@inlinable @inline(__always)
public func mgBlock(v: Double, ratio: Double, slope: Double) -> Double {
    1 / (1 + ratio * exp(-slope * v))
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
