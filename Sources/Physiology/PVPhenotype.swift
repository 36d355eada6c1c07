// Repeated high doses of an NMDA antagonist cost parvalbumin interneurons their phenotype:
// NMDA-receptor block on them drives NADPH-oxidase (NOX2) superoxide, which persists for days
// and takes away parvalbumin and GAD67 — less GABA from the cells that make gamma rhythms —
// until it clears and the phenotype slowly returns. The NOX2 inhibitor apocynin prevents it.

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
///     u    = max(0, b − θ_b)/(1 − θ_b)            exposure: NMDA block b of the PV population above θ_b
///     dX/dt = k_X·u·(1 − ν) − X/τ_X                NOX2-derived superoxide load (ν: NOX2 inhibition)
///     dΦ/dt = −k_Φ·X·Φ + (1 − Φ)/τ_R               PV/GAD67 phenotype, 1 = intact
///
/// The population's GABA_A output onto every target is scaled by Φ.
///
/// | symbol | default | source |
/// |---|---|---|
/// | θ_b | 0.75 | only high occupancy counts: the human antidepressant infusion (PV block ≤ 0.70 here) and the mouse 10 mg/kg dose (0.77) give little, the 30 mg/kg of Behrens et al. 2007 (≈ 0.87) much [I] |
/// | k_X, τ_X | 2 /h, 48 h | ketamine causes a persistent increase of neuronal superoxide from NOX2, and its reduction prevents the loss (Behrens et al. 2007 Science 318:1645 [V abstract]); persistence of days [I] |
/// | k_Φ | 0.05 /(h·X) | set so that two doses of 30 mg/kg i.p. on consecutive days lower the phenotype by about half within two days of the second (Behrens 2007, regimen [V via Behrens et al. 2008 J Neurosci 28:13957 Fig. 1 legend]; the size [I]: the paper's percentage was not read; 0.02 gave a fifth) |
/// | τ_R | 120 h | "slow reversal", recovery under way by day 3 after the second dose and sampled to day 10 (Behrens 2008 Fig. 1 legend [V]) [I] |
/// | ν | drug library (`nox2_inhibition`) | apocynin prevents the loss (Behrens 2007 [V abstract]) |
///
/// Frequent recreational users keep working-memory deficits a year on (Morgan, Muetzelfeldt
/// & Curran 2010 Addiction 105:121 [V abstract]); this model has no irreversible step, so its
/// loss always reverses once the drug stops — VALIDATION.md reports the difference.
public struct PVPhenotypeParameters: Sendable, Equatable, Codable {
    public var blockThreshold = 0.75
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

    /// Advances population `p` by `dt` hours with NMDA block `block` and NOX2 inhibition
    /// `inhibition` held constant.
    public mutating func step(_ p: Int, dt: Double, block: Double, inhibition: Double, parameters q: PVPhenotypeParameters) {
        let u = max(0, block - q.blockThreshold) / (1 - q.blockThreshold)
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
