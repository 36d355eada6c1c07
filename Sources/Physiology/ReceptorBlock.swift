// ReceptorBlock: the fraction of NMDA conductance a population loses to channel blockers,
// from the free brain concentrations — its equilibrium (slice-like Hill curve, or per
// GluN2 subtype with Mg²⁺) and its slow, use-dependent approach to that equilibrium.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NeuroplastCore

/// How the equilibrium block is computed.
public enum BlockSetting: Sendable, Equatable, Codable {
    /// One Hill curve per drug (`NMDABlockParameters.ic50`, `.hill`): slice-like conditions,
    /// the brief's default (§1.1: ≈50 % at 1 µM, ≈80 % at 10 µM for ketamine [V]).
    case slice
    /// Per-GluN2 subtype IC50s that rise with extracellular Mg²⁺ [mM] (§1.1 [R]).
    case subtype(magnesium: Double)
}

/// NMDA-receptor channel block by one or more open-channel blockers.
///
/// Equilibrium. For drugs k on the same (pore) site with free brain concentrations c_k
/// [µM], IC50s and Hill slopes n_k, the blocked fraction is the occupancy
///
///     x = Σ_k (c_k / IC50_k)^{n_k},   b∞ = x / (1 + x)
///
/// (mutually exclusive binding; for one drug this is the Hill curve). Setting `.slice` uses
/// the drug's slice IC50. Setting `.subtype(Mg)` computes b∞ for each GluN2 subtype j of
/// the population and averages with the population's subtype fractions f_j:
///
///     IC50_kj(Mg) = IC50_kj(0) · (1 + Mg/K_kj),   K_kj = 1 mM / (IC50_kj(1 mM)/IC50_kj(0) − 1)
///     b∞ = Σ_j f_j · x_j/(1 + x_j)
///
/// so IC50(1 mM) equals the library's 1 mM value (Kotermanski & Johnson 2009, J Neurosci
/// 29:2774: Mg²⁺ lowers blocker potency more at GluN2A/2B than at 2C/2D [R for ketamine's
/// numbers]). A drug with only one of the two values has a Mg-independent IC50; a subtype a
/// drug gives no value for uses its slice IC50. A population with no subtype fractions
/// uses the slice setting.
///
/// `interneuronSelectivity` s ≥ 1 divides every IC50 for inhibitory populations: the
/// brief's §7.1 switch (interneuron NMDARs more sensitive, Susin & Destexhe 2023 [V];
/// against: Rotaru 2011 [V]). s = 1 turns it off.
///
/// Kinetics. Block relaxes toward b∞ with the drug's τ_block (seconds; re-equilibration of
/// ketamine block takes tens to hundreds of ms, Br J Pharmacol 2015 172:1333 [V]). In the
/// trapping scheme of the brief §1.2 (R ⇄ O ⇄ O·K, O·K ⇄ C·K; K enters and leaves only
/// through the open channel), the trapped fraction T of the block can change only while
/// channels are open:
///
///     db_T/dt = P_open·(b∞ − b)/τ,   db_U/dt = (b∞ − b)/τ
///
/// and with b = T·b_T + (1 − T)·b_U relaxing as one state, db/dt = r·(b∞ − b)/τ with
/// r = (1 − T) + T·P_open. Without an open probability, r = 1.
public struct BlockModel: Sendable, Equatable, Codable {
    public var setting: BlockSetting
    /// s ≥ 1: IC50s of inhibitory populations are divided by s (1 = off).
    public var interneuronSelectivity: Double

    public init(setting: BlockSetting = .slice, interneuronSelectivity: Double = 1) {
        self.setting = setting; self.interneuronSelectivity = interneuronSelectivity
    }

    /// The GluN2 subtype names the library and populations use.
    public static let subtypeNames = ["GluN2A", "GluN2B", "GluN2C", "GluN2D"]

    /// Equilibrium blocked fraction b∞ ∈ [0, 1).
    /// - Parameters:
    ///   - free: free brain concentration [µM] by drug.
    ///   - drugs: block parameters by drug (drugs without an entry do not block).
    ///   - subtypes: the population's GluN2 fractions (normalised here), used by `.subtype`.
    ///   - inhibitory: whether the population is inhibitory (selectivity applies).
    public func equilibrium(free: [String: Double], drugs: [String: NMDABlockParameters],
                            subtypes: [String: Double], inhibitory: Bool) -> Double {
        let s = inhibitory ? max(1, interneuronSelectivity) : 1
        let names = drugs.keys.sorted()   // fixed summation order
        func occupancy(_ ic50: (NMDABlockParameters) -> Double) -> Double {
            var x = 0.0
            for name in names {
                guard let p = drugs[name], let c = free[name], c > 0 else { continue }
                let k = ic50(p) / s
                guard k > 0 else { continue }
                x += pow(c / k, p.hill)
            }
            return x / (1 + x)
        }
        let total = subtypes.values.reduce(0) { $0 + max(0, $1) }
        switch setting {
        case .slice:
            return occupancy { $0.ic50 }
        case let .subtype(mg):
            guard total > 0 else { return occupancy { $0.ic50 } }
            var b = 0.0
            for j in subtypes.keys.sorted() {
                let f = max(0, subtypes[j]!) / total
                guard f > 0 else { continue }
                b += f * occupancy { Self.ic50($0, subtype: j, magnesium: mg) }
            }
            return b
        }
    }

    /// IC50 [µM] of a subtype at `magnesium` [mM], interpolated through the 0 and 1 mM values.
    public static func ic50(_ p: NMDABlockParameters, subtype: String, magnesium: Double) -> Double {
        let i0 = p.subtypeIC50NoMg[subtype], i1 = p.subtypeIC50Mg[subtype]
        switch (i0, i1) {
        case let (a?, b?) where b > a && a > 0:
            let k = 1.0 / (b / a - 1)   // [mM]
            return a * (1 + max(0, magnesium) / k)
        case let (a?, _): return a
        case let (nil, b?): return b
        case (nil, nil): return p.ic50
        }
    }

    /// Block after `dt` seconds of relaxation from `b` toward `toward` with time constant
    /// `tau` [s], exact for constant inputs: b∞ + (b − b∞)·exp(−r·dt/τ), r as above.
    /// - Parameters:
    ///   - openProbability: NMDA channel open probability over the step (nil: not use-dependent).
    ///   - trapping: the fraction T of block that is trapped (1 = ketamine, ≈0.8 memantine).
    public static func relax(_ b: Double, toward target: Double, dt: Double, tau: Double,
                             openProbability: Double?, trapping: Double) -> Double {
        guard dt > 0 else { return b }
        guard tau > 0 else { return target }
        var r = 1.0
        if let p = openProbability {
            let t = min(1, max(0, trapping))
            r = (1 - t) + t * min(1, max(0, p))
        }
        guard r > 0 else { return b }   // fully trapped, channels closed: block frozen exactly
        return target + (b - target) * exp(-r * dt / tau)
    }
}
