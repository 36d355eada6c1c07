// The NMDA-block → eEF2 → BDNF → TrkB/mTORC1 → synaptic-protein → spinogenesis cascade,
// per neuron, on the slow clock. A chain of first-order stages whose time constants come
// from the brief's time-course table (§2.2), so that a brief block gives a BDNF/mTOR
// response within hours and a structural drive that peaks a day later.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parameters of the signalling cascade (time in hours; levels dimensionless, baseline BDNF 1).
///
/// Equations (per neuron; inputs held constant over a slow step, each stage integrated
/// exactly for that step):
///
///     dE/dt = (b_rest − E)/τ_E                                eEF2 dephosphorylation
///     dB/dt = (s − B)/τ_B,  s = (1 + g_E·E·ρ(a) + g_A·(a − 1) + g_S·σ + g_H·h)·(1 − c_G·G)·(1 − c_I·I)·β
///     ρ(a) = clamp((a − 1 − θ_a)/δ_a, 0, 1)                    activity-dependent release
///     dM/dt = (k_M·max(0, B − 1 − θ_B)·(1 − ι) − M)/τ_M        TrkB → mTORC1 (above a threshold)
///     dP/dt = k_P·H(M)·(1 − P) − P/τ_P,  H(M) = Mⁿ/(Mⁿ + K_Mⁿ)  synaptic proteins (saturating)
///     dD₁/dt = (P − D₁)/τ_D,  dD₂/dt = (D₁ − D₂)/τ_D,  dD/dt = (D₂ − D)/τ_D
///                                                              structural drive (three-stage lag)
///
/// b_rest is the NMDA block of the neuron's population (block "at rest", Autry 2011), a the
/// population's rate relative to its first fast window (activity-dependent BDNF release),
/// σ an SSRI's slow BDNF-synthesis effect, h an AMPA-potentiating metabolite's effect
/// ((2R,6R)-HNK, Zanos 2016; a switch), ι mTOR inhibition (rapamycin, Li 2010), G the
/// glucocorticoid level (chronic stress lowers BDNF), β 1 or 0 (a BDNF knockout, Autry 2011).
///
/// Two gates make every step of the chain necessary, as the blocking experiments found:
/// - BDNF made on demand after eEF2 dephosphorylation acts only when it is released, and its
///   release needs AMPA-driven depolarisation: an AMPA antagonist (NBQX) blocks ketamine's
///   BDNF release and mTOR activation (Lepack et al. 2016 Neuropharmacology [R]; Li 2010 [V]:
///   NBQX blocks the mTOR response; Maeng 2008 [V]: NBQX attenuates the antidepressant
///   effect). ρ(a) opens with the population's rise in rate a over its adapting reference —
///   the glutamate burst of disinhibition — so that NMDA block on the pyramidal cell alone,
///   without the burst, does not start synaptogenesis (Gerhard 2020 [V]: GluN2B knockdown in
///   interneurons blocks ketamine's effect, in principal cells it does not).
/// - Synaptic-protein translation is a steep function of mTORC1 activity: mTORC1 frees eIF4E
///   by hierarchical multi-site phosphorylation of 4E-BP1 (Gingras et al. 1999 Genes Dev
///   13:1422 [R]), so partial mTORC1 inhibition removes most of the translation. Rapamycin
///   "completely blocked" ketamine's synaptogenesis (Li 2010 [V]); with a linear stage the
///   saturating protein pool turned any residual mTOR activity into full synaptogenesis.
///
/// | symbol | default | source |
/// |---|---|---|
/// | τ_E | 0.25 h | eEF2 dephosphorylation ≤ 30 min (Autry 2011 [V]; timing [R]) |
/// | τ_B, g_E | 1 h, 3 | BDNF translation within ~30 min of block [I] |
/// | τ_M, k_M | 0.5 h, 1 | p-mTOR up within 30–60 min, back by ~2 h after the drug is gone (Li 2010 [R]) |
/// | θ_B | 0.05 | TrkB → mTORC1 needs BDNF above baseline by more than the few % that activity fluctuations give; without it the saturating protein stage would turn noise into synaptogenesis [I] |
/// | k_P, τ_P | 2 /h, 48 h | PSD-95/GluA1/synapsin up by 2 h, raised to ~72 h, after an mTOR pulse of only 1–2 h in rat (Li 2010 [R]): translation saturates, so a brief strong pulse and a long moderate one both fill it |
/// | K_M, n | 0.6, 4 | steep (4E-BP1 multi-site phosphorylation [R]); K_M set so that the mTOR peak of an antidepressant dose (≈ 0.8–1.2 here) gives 75–90 % of maximal translation and rapamycin's ≈ 80 % inhibition (library PK/PD, mouse 10 mg/kg i.p.) less than 1 %, as Li 2010 found the synaptogenesis abolished [I, calibrated to that result; with K_M 0.4 the residue gave formation ×1.32] |
/// | θ_a, δ_a | 0.1, 0.2 | release opens above the window-to-window fluctuation of a population's rate (± 3–8 % in the 4 000-neuron scenarios) and fully at a 30 % rise; ketamine's burst in rodent PFC is larger (Homayoun & Moghaddam 2007 [V]; brief target 5: × 1.5 here) [I] |
/// | τ_D | 4 h (three stages: an Erlang delay of mean 12 h with little mass before 6 h) | formation not raised at 3–6 h, raised at 12–24 h (Moda-Sava 2019 [V]) |
/// | g_A | 0.5 | activity-dependent BDNF release [I] |
/// | g_S, g_H | 0.3, 0.3 | BDNF synthesis per unit of an SSRI's slow effect (weeks, drug library) and of AMPA potentiation (HNK) [I] |
/// | c_G | 0.3 | stress lowers BDNF [I] (Duman, review) |
/// | c_I | 0.3 | cytokines lower BDNF (I: cytokine level relative to the scenario's reference) [I] |
///
/// P is the fraction of the synaptic-protein capacity in use (0…1). [I]
public struct SignallingParameters: Sendable, Equatable, Codable {
    public var tauE = 0.25, tauB = 1.0, gainE = 3.0
    public var tauM = 0.5, gainM = 1.0, thresholdB = 0.05
    public var productionP = 2.0, tauP = 48.0
    public var translationK = 0.6, translationHill = 4.0
    public var releaseThreshold = 0.1, releaseWidth = 0.2
    public var tauD = 4.0
    public var gainActivity = 0.5
    public var gainSSRI = 0.3, gainAMPA = 0.3
    public var stressBDNF = 0.3
    public var inflammationBDNF = 0.3
    public init() {}
}

/// What drives one neuron's cascade during one slow step.
public struct SignallingInput: Sendable, Equatable {
    public var restBlock = 0.0          // NMDA block fraction of the neuron's receptors
    public var activity = 1.0           // rate relative to baseline
    public var ssri = 0.0               // SSRI BDNF-synthesis effect (0…)
    public var ampa = 0.0               // AMPA-potentiation effect (0…)
    public var mtorInhibition = 0.0     // 0…1
    public var glucocorticoid = 0.0     // stress level G
    public var inflammation = 0.0       // cytokine level I (relative)
    public var bdnf = 1.0               // β: 1, or 0 in a BDNF knockout
    public init() {}
}

/// The cascade's state for every neuron (structure of arrays).
public struct SignallingState: Sendable, Equatable, Codable {
    public var eEF2: [Double]
    public var bdnf: [Double]
    public var mtor: [Double]
    public var proteins: [Double]
    public var lag: [Double]
    public var lag2: [Double]
    public var drive: [Double]

    public init(neurons n: Int) {
        eEF2 = [Double](repeating: 0, count: n)
        bdnf = [Double](repeating: 1, count: n)
        mtor = eEF2; proteins = eEF2; lag = eEF2; lag2 = eEF2; drive = eEF2
    }

    public var count: Int { bdnf.count }

    /// Whether every array holds one value per neuron of `count` (a checkpoint's state may
    /// come from anywhere).
    public var isConsistent: Bool {
        [eEF2, mtor, proteins, lag, lag2, drive].allSatisfy { $0.count == bdnf.count }
    }

    /// One neuron's state (eEF2, BDNF, mTOR, proteins, lag, lag2, drive).
    public func state(of i: Int) -> SIMD8<Double> {
        SIMD8(eEF2[i], bdnf[i], mtor[i], proteins[i], lag[i], lag2[i], drive[i], 0)
    }

    public mutating func setState(of i: Int, _ v: SIMD8<Double>) {
        eEF2[i] = v[0]; bdnf[i] = v[1]; mtor[i] = v[2]; proteins[i] = v[3]; lag[i] = v[4]; lag2[i] = v[5]; drive[i] = v[6]
    }

    /// Advances neuron `i` by `dt` hours with constant input, in sub-steps of at most
    /// `maxSubstep` (each stage relaxes toward its input at the sub-step's start: first order
    /// in the sub-step, so 1 min keeps the chain within a few % of the exact solution).
    public mutating func step(_ i: Int, dt: Double, input u: SignallingInput, parameters p: SignallingParameters) {
        let n = max(1, Int((dt / Self.maxSubstep).rounded(.up)))
        for _ in 0..<n { substep(i, dt: dt / Double(n), input: u, parameters: p) }
    }

    /// Longest sub-step [h].
    public static let maxSubstep = 1.0 / 60

    mutating func substep(_ i: Int, dt: Double, input u: SignallingInput, parameters p: SignallingParameters) {
        func relax(_ x: Double, _ target: Double, _ tau: Double) -> Double { target + (x - target) * exp(-dt / tau) }
        eEF2[i] = relax(eEF2[i], u.restBlock, p.tauE)
        let release = min(1, max(0, (u.activity - 1 - p.releaseThreshold) / p.releaseWidth))
        let synthesis = (1 + p.gainE * eEF2[i] * release + p.gainActivity * (u.activity - 1) + p.gainSSRI * u.ssri + p.gainAMPA * u.ampa)
            * (1 - p.stressBDNF * min(1, u.glucocorticoid)) * (1 - p.inflammationBDNF * min(1, u.inflammation)) * u.bdnf
        bdnf[i] = relax(bdnf[i], max(0, synthesis), p.tauB)
        mtor[i] = relax(mtor[i], p.gainM * max(0, bdnf[i] - 1 - p.thresholdB) * (1 - min(1, u.mtorInhibition)), p.tauM)
        // dP/dt = k_P·H(M)·(1 − P) − P/τ_P, exact for constant M: P → k_P·H/(k_P·H + 1/τ_P) at rate k_P·H + 1/τ_P.
        let mn = pow(mtor[i], p.translationHill)
        let translation = p.productionP * mn / (mn + pow(p.translationK, p.translationHill))
        let rate = translation + 1 / p.tauP
        proteins[i] = relax(proteins[i], translation / rate, 1 / rate)
        lag[i] = relax(lag[i], proteins[i], p.tauD)
        lag2[i] = relax(lag2[i], lag[i], p.tauD)
        drive[i] = relax(drive[i], lag2[i], p.tauD)
    }
}
