// Repeated high doses of ketamine cost parvalbumin interneurons their phenotype: the drug
// drives NADPH-oxidase (NOX2) superoxide in them, which persists for days and takes away
// parvalbumin and GAD67 — less GABA from the cells that make gamma rhythms — until it clears
// and the phenotype slowly returns. The NOX2 inhibitor apocynin prevents it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parameters of the oxidative load and the PV phenotype (time in hours).
///
/// Equations, per population of PV cells, inputs held over a slow step (each stage exact for
/// the step, the load at the step's start driving the phenotype):
///
///     u    = the drugs' summed `nox2_activation` effect (0…1), a steep Hill curve of the free
///            brain concentration in the drug library
///     dX/dt = k_X·u·(1 − ν) − X/τ_X                NOX2-derived superoxide load (ν: NOX2 inhibition)
///     dΦ/dt = −k_Φ·X·Φ + (1 − Φ)/τ_R               PV/GAD67 phenotype, 1 = intact
///
/// The population's GABA_A output onto every target is scaled by Φ.
///
/// | symbol | default | source |
/// |---|---|---|
/// | u (ketamine) | drug library: EC50 5 µM free, Hill 4 | only high doses count: the human antidepressant infusion (≈ 1 µM free at its peak) and the mouse 10 mg/kg dose (≈ 2 µM) give almost nothing, the 30 mg/kg of Behrens et al. 2007 (≈ 6 µM) much [I]. A per-drug effect, not the NMDA block: Behrens showed it for ketamine; MK-801's long, deep block would otherwise count as days of exposure (and undo the neuroprotection of VALIDATION.md row D) without a source for it |
/// | k_X, τ_X | 2 /h, 48 h | ketamine causes a persistent increase of neuronal superoxide from NOX2, and its reduction prevents the loss (Behrens et al. 2007 Science 318:1645 [V abstract]); persistence of days [I] |
/// | k_Φ | 0.05 /(h·X) | set so that two doses of 30 mg/kg i.p. on consecutive days lower the phenotype by about half within two days of the second (here: 0.59 at the minimum, 0.64 a day after the second dose; Behrens 2007, regimen [V via Behrens et al. 2008 J Neurosci 28:13957 Fig. 1 legend]; the size [I]: the paper's percentage was not read) |
/// | τ_R | 120 h | "slow reversal", recovery under way by day 3 after the second dose and sampled to day 10 (Behrens 2008 Fig. 1 legend [V]) [I] |
/// | ν | drug library (`nox2_inhibition`) | apocynin prevents the loss (Behrens 2007 [V abstract]) |
///
/// Frequent recreational users keep working-memory deficits a year on (Morgan, Muetzelfeldt
/// & Curran 2010 Addiction 105:121 [V abstract]); this model has no irreversible step, so its
/// loss always reverses once the drug stops — VALIDATION.md reports the difference.
public struct PVPhenotypeParameters: Sendable, Equatable, Codable {
    public var loadGain = 2.0
    public var loadTau = 48.0
    public var lossRate = 0.05
    public var recoveryTau = 120.0
    public init() {}
}

/// The load and phenotype of every population (only PV populations move).
public struct PVPhenotypeState: Sendable, Equatable, Codable {
    public var load: [Double]
    public var phenotype: [Double]

    public init(populations n: Int) {
        load = [Double](repeating: 0, count: n)
        phenotype = [Double](repeating: 1, count: n)
    }

    /// Advances population `p` by `dt` hours with NOX2 activation `activation` and NOX2
    /// inhibition `inhibition` (both 0…1) held constant.
    public mutating func step(_ p: Int, dt: Double, activation: Double, inhibition: Double, parameters q: PVPhenotypeParameters) {
        let u = activation.isFinite ? min(1, max(0, activation)) : 0
        let x0 = load[p]
        // Φ with the load at the step's start: Φ → Φ∞ = (1/τ_R)/(k_Φ·X + 1/τ_R) at that rate.
        let rate = q.lossRate * x0 + 1 / q.recoveryTau
        let target = (1 / q.recoveryTau) / rate
        phenotype[p] = target + (phenotype[p] - target) * exp(-dt * rate)
        let xInf = q.loadGain * u * (1 - min(1, max(0, inhibition))) * q.loadTau
        load[p] = xInf + (x0 - xInf) * exp(-dt / q.loadTau)
    }

    /// Whether the state could have come from `step`: one value per population, loads
    /// finite and ≥ 0, phenotypes in 0…1.
    public func isValid(populations n: Int) -> Bool {
        load.count == n && phenotype.count == n
            && load.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1e6 }
            && phenotype.allSatisfy { $0 >= 0 && $0 <= 1 + 1e-9 }
    }
}
