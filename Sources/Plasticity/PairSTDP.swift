// Pair-based additive STDP with all-to-all traces (Song, Miller & Abbott 2000), the rule
// of the Brian2 `stdp` benchmark case: a simpler alternative to the calcium rule.

/// Brian2's `stdp` benchmark synapse:
///
///     on_pre:  g += w; a_pre += A₊; w ← clip(w + a_post, 0, w_max)
///     on_post: a_post += A₋; w ← clip(w + a_pre, 0, w_max)
///
/// a_pre and a_post decay with τ₊ and τ₋; all-to-all: every earlier spike counts. Kept as
/// per-neuron traces (`STDPTraces`, a_pre = A₊·r₁, a_post = A₋·o₁) and applied event-driven
/// by `PlasticDelivery`: at a pre spike, first the on_post updates of the post spikes since
/// the previous pre spike, in time order, then delivery, then the on_pre update.
///
/// | parameter | Brian2 benchmark | unit |
/// |---|---|---|
/// | τ₊, τ₋ | 20, 20 | ms |
/// | A₊ | 0.01·w_max | |
/// | A₋ | −0.0105·w_max | |
public struct PairSTDP: Sendable, Equatable {
    public var tauPlus: Double   // [ms]
    public var tauMinus: Double  // [ms]
    public var aPlus: Double     // weight units
    public var aMinus: Double    // weight units (negative for depression)
    public var wMax: Double
    public init(tauPlus: Double, tauMinus: Double, aPlus: Double, aMinus: Double, wMax: Double) {
        self.tauPlus = tauPlus; self.tauMinus = tauMinus; self.aPlus = aPlus; self.aMinus = aMinus; self.wMax = wMax
    }

    /// Weight change of one pre–post pair at Δt = t_post − t_pre [ms] (for tests and plots).
    public func pairChange(deltaT: Double) -> Double {
        deltaT >= 0 ? aPlus * expNeg(deltaT / tauPlus) : aMinus * expNeg(-deltaT / tauMinus)
    }

    func expNeg(_ x: Double) -> Double { Double.exp(-x) }
}

extension Double {
    static func exp(_ x: Double) -> Double {
        #if canImport(Glibc)
        return Glibc.exp(x)
        #else
        return Foundation.exp(x)
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif
