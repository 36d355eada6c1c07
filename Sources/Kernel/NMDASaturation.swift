// Saturation of NMDA receptors (Brunel & Wang 2001 J Comput Neurosci 11:63; Compte et al.
// 2000 Cereb Cortex 10:910): the gating s_j of a presynaptic neuron's NMDA receptors
// cannot exceed 1, so a spike binds only a fraction of the receptors still free. Their
// second-order gating
//
//     dx_j/dt = −x_j/τ_r + Σ_k δ(t − t_k),      ds_j/dt = α·x_j·(1 − s_j) − s_j/τ_d
//
// is kept here in its event form: at a spike of j the gating jumps by a·(1 − s_j⁻), with
// a = 1 − exp(−α·τ_r) the fraction bound by one spike of a free synapse (the (1 − s) factor
// taken at the spike; exact when τ_r ≪ τ_d and the rise of one spike does not overlap the
// next), and decays with τ_d between spikes:
//
//     s_j⁻(t) = s_j⁺(t_last)·exp(−(t − t_last)/τ_d),   s_j⁺ = s_j⁻ + a·(1 − s_j⁻).
//
// Every NMDA synapse of j then receives the spike scaled by a·(1 − s_j⁻): the postsynaptic
// conductance stays the kernel's linear two-exponential gating of `Propagators`, summed
// over spikes whose increments shrink as j's receptors fill. With saturation, a projection's
// NMDA conductance is the maximal ḡ (all receptors bound, s_j = 1), as in the papers; one
// spike of a resting synapse gives a peak of a·ḡ.
//
// | parameter | meaning | Compte 2000 |
// |---|---|---|
// | α   | binding rate                     | 0.5 /ms |
// | τ_r | rise (x) time constant, `receptors.nmda.tau_rise`  | 2 ms |
// | τ_d | decay, `receptors.nmda.tau_decay` | 100 ms |
//
// Every shard sees every spike in the same order (sorted by step, then source), so each
// keeps the traces of all sources and computes the same factors: no exchange of state.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Presynaptic NMDA gating traces of every neuron of the network, as one shard keeps them.
public final class NMDASaturation {
    /// Fraction bound by one spike of a free synapse, a = 1 − exp(−α·τ_r).
    public let bound: Double
    /// 1/τ_d in steps⁻¹.
    let decayPerStep: Double
    /// s_j⁺ just after the last spike of j, and that spike's step (−1: none yet).
    var gating: [Double]
    var lastStep: [Int32]

    public init(bound: Double, tauDecay: Double, dt: Double, neurons: Int) {
        self.bound = bound
        decayPerStep = dt / tauDecay
        gating = [Double](repeating: 0, count: neurons)
        lastStep = [Int32](repeating: -1, count: neurons)
    }

    /// The factor a·(1 − s_j⁻) of each spike (in delivery order), advancing the traces.
    public func factors(_ spikes: UnsafeBufferPointer<Spike>) -> [Float] {
        var out = [Float](repeating: 0, count: spikes.count)
        for (k, s) in spikes.enumerated() {
            let j = Int(s.source)
            guard j < gating.count else { out[k] = Float(bound); continue }
            let last = lastStep[j]
            let before = last < 0 ? 0 : gating[j] * exp(-Double(s.step - Int(last)) * decayPerStep)
            out[k] = Float(bound * (1 - before))
            gating[j] = before + bound * (1 - before)
            lastStep[j] = Int32(truncatingIfNeeded: s.step)
        }
        return out
    }

    /// The traces as a checkpoint keeps them.
    public var state: SaturationState { SaturationState(gating: PackedArray(gating), lastStep: PackedArray(lastStep)) }

    public func restore(_ s: SaturationState) throws(KernelStateMismatch) {
        guard s.gating.values.count == gating.count, s.lastStep.values.count == lastStep.count else {
            throw KernelStateMismatch(description: "NMDA saturation traces for \(s.gating.values.count) neurons, expected \(gating.count)")
        }
        gating = s.gating.values
        lastStep = s.lastStep.values
    }
}

/// `NMDASaturation`'s traces in a checkpoint.
public struct SaturationState: Codable, Sendable {
    public var gating: PackedArray<Double>
    public var lastStep: PackedArray<Int32>
}
