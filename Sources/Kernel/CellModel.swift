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
    /// Scale of the AMPA conductance (1 = unchanged): an AMPA-receptor antagonist lowers it
    /// (NBQX), a potentiator raises it ((2R,6R)-HNK); g_A,eff = (g_A + tonic)·scale. It acts on
    /// the current, not on the gating state, so a block that lifts leaves the synapses as
    /// they were.
    public var ampaScale = 1.0

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

extension CellModel {
    /// What makes `self` (read from a checkpoint) unusable in place of `current`, the model
    /// the scenario builds for the same population, or nil. A run changes a population's
    /// drive, current, NMDA block and AMPA scale, never its kind, refractory period, membrane constants or
    /// tonic conductances;
    /// every number must be finite, the drive's channel an index of the three receptors and
    /// its per-step mean one the Poisson table can draw (its `pZero` must be exp(−mean)).
    /// Largest AMPA scale a run can apply (a potentiator at most doubles AMPA currents).
    public static let maxAMPAScale = 2.0

    public func problem(against current: CellModel) -> String? {
        if kind != current.kind || refractorySteps != current.refractorySteps {
            return "kind or refractory period differs from the scenario's"
        }
        // The membrane's constants and the tonic conductances come from the population's
        // parameters alone; only the drive, the constant current and the NMDA block change
        // during a run. (A threshold of −9·10¹⁸ mV made every neuron fire at every step.)
        let fixed = [(C, current.C), (gL, current.gL), (EL, current.EL), (Vth, current.Vth), (Vreset, current.Vreset),
                     (a, current.a), (b, current.b), (deltaT, current.deltaT), (VT, current.VT), (wDecay, current.wDecay),
                     (tonicAMPA, current.tonicAMPA), (tonicNMDA, current.tonicNMDA), (tonicGABA, current.tonicGABA)]
        if fixed.contains(where: { $0.0 != $0.1 }) { return "membrane constants or tonic conductances differ from the scenario's" }
        let numbers = [C, gL, EL, Vth, Vreset, self.current, a, b, deltaT, VT, wDecay, drive.meanPerStep, drive.pZero,
                       drive.weight, tonicAMPA, tonicNMDA, tonicGABA, nmdaUnblocked, ampaScale]
        if numbers.contains(where: { !$0.isFinite }) { return "a parameter is not a finite number" }
        guard C > 0, gL >= 0, deltaT > 0, wDecay >= 0, wDecay <= 1, (0...1).contains(nmdaUnblocked), (0...Self.maxAMPAScale).contains(ampaScale) else {
            return "a parameter lies outside its range (C > 0, gL ≥ 0, ΔT > 0, 0 ≤ w decay ≤ 1, 0 ≤ unblocked ≤ 1, 0 ≤ AMPA scale ≤ \(Self.maxAMPAScale))"
        }
        guard (0...2).contains(drive.channel), drive.meanPerStep >= 0, drive.meanPerStep <= 1000,
              drive.pZero == exp(-drive.meanPerStep) else {
            return "the Poisson drive (channel \(drive.channel), \(drive.meanPerStep) inputs a step) is not one the kernel can draw"
        }
        return nil
    }
}
