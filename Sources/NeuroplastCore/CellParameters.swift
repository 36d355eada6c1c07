// Cell and receptor parameters in kernel units (ms, mV, nS, pF, pA, mM). Shared by the
// scenario format (which fills them from unit-checked text) and the kernel (which reads
// them as plain numbers); see Kernel/LIFUpdate.swift and Kernel/AdExUpdate.swift for
// the equations these parameters enter.

/// Parameters of the conductance-based leaky integrate-and-fire neuron (see Kernel/LIF).
public struct LIFParameters: Sendable, Equatable {
    public var C: Double        // [pF] membrane capacitance
    public var gL: Double       // [nS] leak conductance
    public var EL: Double       // [mV] leak reversal
    public var Vth: Double      // [mV] spike threshold
    public var Vreset: Double   // [mV] reset potential
    public var tRef: Double     // [ms] absolute refractory period
    public var Iext: Double     // [pA] constant injected current
    public init(C: Double, gL: Double, EL: Double, Vth: Double, Vreset: Double, tRef: Double, Iext: Double) {
        self.C = C; self.gL = gL; self.EL = EL; self.Vth = Vth; self.Vreset = Vreset; self.tRef = tRef; self.Iext = Iext
    }
}

/// Extra parameters of the adaptive exponential neuron (Brette & Gerstner 2005).
public struct AdExParameters: Sendable, Equatable {
    public var a: Double        // [nS] subthreshold adaptation
    public var b: Double        // [pA] spike-triggered adaptation
    public var deltaT: Double   // [mV] slope factor
    public var VT: Double       // [mV] exponential threshold
    public var tauW: Double     // [ms] adaptation time constant
    public var Vpeak: Double    // [mV] spike detection (cut-off) voltage
    public init(a: Double, b: Double, deltaT: Double, VT: Double, tauW: Double, Vpeak: Double) {
        self.a = a; self.b = b; self.deltaT = deltaT; self.VT = VT; self.tauW = tauW; self.Vpeak = Vpeak
    }
}

public enum NeuronModel: Sendable, Equatable {
    case lif(LIFParameters)
    case adex(LIFParameters, AdExParameters)
    public var base: LIFParameters {
        switch self { case let .lif(p): p; case let .adex(p, _): p }
    }
}

/// Receptor kinetics shared by all projections (Compte et al. 2000; Brunel & Wang 2001).
public struct ReceptorKinetics: Sendable, Equatable {
    public var ampaTau: Double       // [ms] AMPA decay
    public var ampaE: Double         // [mV] AMPA reversal
    public var nmdaTauRise: Double   // [ms] NMDA rise
    public var nmdaTauDecay: Double  // [ms] NMDA decay
    public var nmdaE: Double         // [mV] NMDA reversal
    public var mg: Double            // [mM] extracellular Mg²⁺
    public var mgHalf: Double        // [mM] Jahr–Stevens 3.57 mM
    public var mgSlope: Double       // [1/mV] Jahr–Stevens 0.062 /mV
    public var gabaTau: Double       // [ms] GABA_A decay
    public var gabaE: Double         // [mV] GABA_A reversal
    /// NMDA saturation: the fraction a = 1 − exp(−α·τ_rise) of free receptors one spike binds
    /// (`NMDASaturation`); nil = linear NMDA gating.
    public var nmdaSaturation: Double? = nil
    public init(ampaTau: Double, ampaE: Double, nmdaTauRise: Double, nmdaTauDecay: Double, nmdaE: Double,
                mg: Double, mgHalf: Double, mgSlope: Double, gabaTau: Double, gabaE: Double) {
        self.ampaTau = ampaTau; self.ampaE = ampaE; self.nmdaTauRise = nmdaTauRise; self.nmdaTauDecay = nmdaTauDecay
        self.nmdaE = nmdaE; self.mg = mg; self.mgHalf = mgHalf; self.mgSlope = mgSlope
        self.gabaTau = gabaTau; self.gabaE = gabaE
    }
}

