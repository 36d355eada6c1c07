// A population's neuron model lowered for the kernel: per-population constants in kernel
// units, with the per-step factors precomputed. One value per population per shard.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Poisson background input of a population.
public struct PoissonDrive: Sendable, Equatable, Codable {
    /// Expected inputs per neuron per step (rate·dt).
    public var meanPerStep: Double
    /// exp(−meanPerStep), the probability of no input in a step.
    public var pZero: Double
    /// Conductance increment per input [nS].
    public var weight: Double
    /// 0 AMPA, 1 NMDA, 2 GABA_A.
    public var channel: Int
    public init(rate: Double, dt: Double, weight: Double, channel: Int) {
        meanPerStep = rate * dt
        pZero = exp(-meanPerStep)
        self.weight = weight
        self.channel = channel
    }
    public static let none = PoissonDrive(rate: 0, dt: 1, weight: 0, channel: 0)
    public var isActive: Bool { meanPerStep > 0 && weight > 0 }
}

/// Kernel-side description of one population's cells.
public struct CellModel: Sendable, Codable {
    public enum Kind: Sendable, Codable { case lif, adex }
    public var kind: Kind
    public var C: Double          // [pF]
    public var gL: Double         // [nS]
    public var EL: Double         // [mV]
    public var Vth: Double        // [mV] spike threshold (LIF) — for AdEx the cut-off V_peak
    public var Vreset: Double     // [mV]
    /// Steps a neuron stays clamped after a spike: round(t_ref/dt) − 1 (the spike step itself
    /// counts, so the membrane integrates again exactly t_ref after the spike).
    public var refractorySteps: Int32
    public var current: Double    // [pA] constant current (I_ext + constant drive)
    // AdEx
    public var a: Double          // [nS]
    public var b: Double          // [pA]
    public var deltaT: Double     // [mV]
    public var VT: Double         // [mV]
    public var wDecay: Double     // exp(−dt/τ_w)
    public var drive: PoissonDrive
    /// Tonic (constant) conductances [nS], e.g. from ambient glutamate or GABA: AMPA, NMDA
    /// (subject to the Mg²⁺ block) and GABA_A.
    public var tonicAMPA = 0.0
    public var tonicNMDA = 0.0
    public var tonicGABA = 0.0
    /// Fraction of NMDA receptors not blocked by a drug or a set blockade (1 = no block):
    /// multiplies the NMDA conductance, g_N = (s + tonic)·B(V)·unblocked.
    public var nmdaUnblocked = 1.0

    public init(model: NeuronModel, dt: Double, current: Double, drive: PoissonDrive,
                tonic: (ampa: Double, nmda: Double, gaba: Double) = (0, 0, 0)) {
        tonicAMPA = tonic.ampa; tonicNMDA = tonic.nmda; tonicGABA = tonic.gaba
        let p = model.base
        C = p.C; gL = p.gL; EL = p.EL; Vreset = p.Vreset
        refractorySteps = Int32(max(0, (p.tRef / dt).rounded() - 1))
        self.current = p.Iext + current
        self.drive = drive
        switch model {
        case .lif:
            kind = .lif; Vth = p.Vth
            a = 0; b = 0; deltaT = 1; VT = p.Vth; wDecay = 1
        case let .adex(_, x):
            kind = .adex; Vth = x.Vpeak
            a = x.a; b = x.b; deltaT = x.deltaT; VT = x.VT; wDecay = exp(-dt / x.tauW)
        }
    }
}
