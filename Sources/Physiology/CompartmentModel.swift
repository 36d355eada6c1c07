// CompartmentModel: one drug in one subject as a linear mammillary model — a central
// compartment, 0–2 peripheral compartments, an optional effect site and one depot per
// extravascular route — scaled to the subject's body weight. It lays out its state and
// writes its block of the generator; `PKSystem` couples models and integrates them.

import NeuroplastCore

/// A linear mammillary PK model for one drug in one subject.
///
/// State (amounts in mg unless noted):
///
///     dA₁/dt = −(k₁₀ + Σᵢ k₁ᵢ)·A₁ + Σᵢ kᵢ₁·Aᵢ + Σ_r k_a,r·D_r + R_in(t)      central
///     dAᵢ/dt = k₁ᵢ·A₁ − kᵢ₁·Aᵢ                                    peripheral i = 2, 3
///     dD_r/dt = −k_a,r·D_r                                         depot of route r
///     dC_e/dt = k_e0·(A₁/V₁ − C_e)                                  effect site [mg/L]
///     dE/dt  = k₁₀·A₁                                              eliminated (cumulative)
///
/// with k₁₀ = CL/V₁, k₁ᵢ = Qᵢ/V₁, kᵢ₁ = Qᵢ/Vᵢ. A dose by route r puts F_r × amount into
/// D_r after the route's lag; IV doses go to A₁. Plasma concentration C_p = A₁/V₁ [mg/L]
/// = 1000·A₁/V₁ [ng/mL].
///
/// Body-weight scaling from the reference weight W_ref of the parameters (allometry,
/// e.g. Anderson & Holford 2008, Annu Rev Pharmacol Toxicol 48:303):
/// V = V_ref·(W/W_ref), CL and Q = (CL, Q)_ref·(W/W_ref)^0.75. k_a, F, lag and k_e0 are
/// not scaled.
///
/// | parameter | unit | from |
/// |---|---|---|
/// | V₁, V₂, V₃ | L | `PKParameters.centralVolume`, `.peripheral[i].volume` |
/// | CL, Q₂, Q₃ | L/h | `PKParameters.clearance`, `.peripheral[i].flow` |
/// | k_e0 | 1/h | `PKParameters.ke0` (nil: brain follows plasma) |
/// | k_a, F, lag | 1/h, –, h | `PKParameters.absorption[route]` |
///
/// Numbers per drug and species are in the drug library (`drugs.yaml`) with their sources.
public struct CompartmentModel: Sendable, Equatable, Codable {
    public let drug: String
    public let bodyWeight: Double            // [kg]
    public let centralVolume: Double         // V₁ [L], scaled
    public let clearance: Double             // CL [L/h], scaled
    public let peripheralVolumes: [Double]   // [L], scaled
    public let peripheralFlows: [Double]     // Q [L/h], scaled
    public let ke0: Double?                  // [1/h]
    /// Extravascular routes, sorted by name; one depot each.
    public let routes: [String]
    public let absorption: [Absorption]      // parallel to `routes`

    /// Scales `parameters` to `bodyWeight` [kg].
    public init(drug: String, parameters p: PKParameters, bodyWeight: Double) {
        self.drug = drug
        self.bodyWeight = bodyWeight
        let w = bodyWeight / p.referenceWeight
        let w34 = pow(w, 0.75)
        centralVolume = p.centralVolume * w
        clearance = p.clearance * w34
        peripheralVolumes = p.peripheral.map { $0.volume * w }
        peripheralFlows = p.peripheral.map { $0.flow * w34 }
        ke0 = p.ke0
        routes = p.absorption.keys.sorted()
        absorption = routes.map { p.absorption[$0]! }
    }

    // MARK: micro-constants [1/h]

    public var k10: Double { clearance / centralVolume }
    /// k₁ᵢ for each peripheral compartment.
    public var kOut: [Double] { peripheralFlows.map { $0 / centralVolume } }
    /// kᵢ₁ for each peripheral compartment.
    public var kBack: [Double] { zip(peripheralFlows, peripheralVolumes).map { $0 / $1 } }

    // MARK: state layout (offsets within this model's block)

    public static let centralIndex = 0
    public func peripheralIndex(_ i: Int) -> Int { 1 + i }
    public func depotIndex(_ r: Int) -> Int { 1 + peripheralVolumes.count + r }
    /// Index of C_e [mg/L], if there is an effect site.
    public var effectIndex: Int? { ke0 == nil ? nil : 1 + peripheralVolumes.count + routes.count }
    /// Index of the cumulative eliminated amount [mg].
    public var eliminatedIndex: Int { 1 + peripheralVolumes.count + routes.count + (ke0 == nil ? 0 : 1) }
    public var stateCount: Int { eliminatedIndex + 1 }

    /// Adds this model's generator block into the row-major `n`×`n` matrix `a` at `offset`.
    public func addGenerator(into a: inout [Double], n: Int, offset o: Int) {
        func add(_ row: Int, _ col: Int, _ v: Double) { a[(o + row) * n + o + col] += v }
        let c = Self.centralIndex
        add(c, c, -k10)
        for (i, (ko, kb)) in zip(kOut, kBack).enumerated() {
            let p = peripheralIndex(i)
            add(c, c, -ko); add(p, c, ko)
            add(p, p, -kb); add(c, p, kb)
        }
        for (r, abs) in absorption.enumerated() {
            let d = depotIndex(r)
            add(d, d, -abs.rate); add(c, d, abs.rate)
        }
        if let e = effectIndex, let ke0 {
            add(e, c, ke0 / centralVolume); add(e, e, -ke0)
        }
        add(eliminatedIndex, c, k10)
    }

    /// Plasma concentration [ng/mL] from the central amount [mg].
    public func plasma(centralAmount: Double) -> Double { 1000 * centralAmount / centralVolume }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
