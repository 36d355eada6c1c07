// Spine turnover on the slow clock: each neuron's excitatory spines in two pools, new
// (thin, transient) and stable (mature), with formation, maturation and elimination rates
// that the signalling cascade, stress and inflammation modulate. The engine realises the
// expected gross formation and elimination as real synapses created and deleted.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Spine-pool parameters (rates per hour).
///
/// Equations, per neuron (z = N + S spines, z₀ the count at the start):
///
///     f   = f₀·(1 + g_f·D·(1 + g_v·max(0, 1 − z/z₀)))·H·(1 − c_fG·G)·(1 − c_fI·I)
///     k_m = k_m0·(1 + g_m·P)
///     k_s = k_s0·(1 + g_G·G + g_I·I)/H + k_h·max(0, z/(z₀·(1 + c_P·P)) − 1)
///     H   = clamp(1 − h_a·(a − 1), 0.2, 2)    firing-rate homeostasis (a = rate/set-point)
///     dN/dt = f·z₀ − (k_n + k_m)·N
///     dS/dt = k_m·N − k_s·S
///
/// D and P come from `SignallingState` (structural drive and synaptic proteins), G is the
/// glucocorticoid level, I an inflammation level. At rest (D = P = G = I = 0) the pools are
/// at steady state with a new-spine fraction φ₀: k_s0 = k_m0·φ₀/(1 − φ₀), f₀ = (k_n + k_m0)·φ₀.
/// The deficit term lets drug-driven formation go preferentially to vacated sites (ketamine
/// "selectively rescues eliminated spines", Moda-Sava 2019); the excess term removes spines
/// above what synaptic proteins can maintain, so a single dose's gain fades over ~2 weeks.
///
/// | symbol | default | source |
/// |---|---|---|
/// | φ₀ | 0.06 | adult cortex: a few % of spines are new at any time [I] |
/// | k_n | 0.5 /d | new spines last ~2 days [I] |
/// | k_m0 | 0.2 /d | a third of new spines stabilise [I] |
/// | g_f, g_v | 6, 4 | spine formation raised several-fold at 12–24 h (Moda-Sava 2019 [V]); most of a stress deficit restored within 24 h (Li 2011 [V]) |
/// | g_m, c_P | 1, 0.5 | synaptic proteins stabilise new spines [I] |
/// | k_h | 0.5 /d | gains fade within ~2 weeks (Phoumthipphavong 2016 [V]) |
/// | h_a | 1 | activity above the set-point slows formation and speeds loss (Butz & van Ooyen 2013, as a rate) [I] |
/// | g_G | 1 | 21 d of stress remove 15–20 % of spines (Radley 2006 [R]; Liston & Gan 2011: loss of stable spines [V]) |
public struct SpineParameters: Sendable, Equatable, Codable {
    public var newFraction = 0.06
    public var newLoss = 0.5 / 24
    public var maturation = 0.2 / 24
    public var formationGain = 6.0
    public var vacancyGain = 4.0
    public var maturationGain = 1.0
    public var maintenance = 0.5
    public var excessLoss = 0.5 / 24
    public var stressLoss = 1.0
    public var stressFormation = 0.0
    public var inflammationLoss = 1.0
    public var inflammationFormation = 0.5
    public var activityHomeostasis = 1.0
    public init() {}

    /// Stable-spine loss at rest [1/h].
    public var stableLoss: Double { maturation * newFraction / (1 - newFraction) }
    /// Formation at rest [spines per spine per h].
    public var baseFormation: Double { (newLoss + maturation) * newFraction }
}

/// Modulators of one neuron's spine turnover during one slow step.
public struct SpineInput: Sendable, Equatable {
    public var drive = 0.0          // D
    public var proteins = 0.0       // P
    public var glucocorticoid = 0.0 // G
    public var inflammation = 0.0   // I
    public var activity = 1.0       // a: rate relative to the set-point
    public init() {}
}

/// Expected gross changes of one slow step (spines; not yet whole numbers).
public struct SpineFlux: Sendable, Equatable {
    public var formed: Double
    public var eliminated: Double
}

/// The pools of every neuron with spines.
public struct SpinePools: Sendable, Equatable, Codable {
    public var new: [Double]
    public var stable: [Double]
    public var initial: [Double]

    /// Pools at steady state for the given spine counts.
    public init(spines: [Double], parameters p: SpineParameters) {
        initial = spines
        new = spines.map { $0 * p.newFraction }
        stable = spines.map { $0 * (1 - p.newFraction) }
    }

    public func total(_ i: Int) -> Double { new[i] + stable[i] }

    /// Removes one spine of neuron `i` taken from outside the model (microglial engulfment):
    /// from the stable pool, which refills only slowly, so such a loss persists.
    public mutating func remove(_ i: Int) {
        if stable[i] >= 1 { stable[i] -= 1 } else { new[i] = max(0, new[i] - 1) }
    }

    /// Advances neuron `i` by `dt` hours (exponential integration of each pool with the
    /// rates frozen at the start of the step) and returns the gross formation and elimination.
    public mutating func step(_ i: Int, dt: Double, input u: SpineInput, parameters p: SpineParameters) -> SpineFlux {
        let z0 = initial[i]
        guard z0 > 0 else { return SpineFlux(formed: 0, eliminated: 0) }
        let z = total(i)
        let deficit = max(0, 1 - z / z0)
        let homeostasis = min(2, max(0.2, 1 - p.activityHomeostasis * (u.activity - 1)))
        let f = p.baseFormation * (1 + p.formationGain * u.drive * (1 + p.vacancyGain * deficit)) * homeostasis
            * max(0, 1 - p.stressFormation * u.glucocorticoid) * max(0, 1 - p.inflammationFormation * u.inflammation)
        let km = p.maturation * (1 + p.maturationGain * u.proteins)
        let excess = max(0, z / (z0 * (1 + p.maintenance * u.proteins)) - 1)
        let ks = p.stableLoss * (1 + p.stressLoss * u.glucocorticoid + p.inflammationLoss * u.inflammation) / homeostasis
            + p.excessLoss * excess
        let n0 = new[i], s0 = stable[i]
        // New pool: dN/dt = f·z₀ − (k_n + k_m)·N, exact for constant rates.
        let kN = p.newLoss + km
        let nInf = f * z0 / kN
        let n1 = nInf + (n0 - nInf) * exp(-kN * dt)
        // Spines that left the new pool during the step, split between loss and maturation.
        let leftNew = f * z0 * dt - (n1 - n0)
        let matured = leftNew * km / kN
        let lostNew = leftNew - matured
        // Stable pool: dS/dt = m − k_s·S with the matured inflow m spread over the step, exact.
        let m = matured / dt
        let s1 = m / ks + (s0 - m / ks) * exp(-ks * dt)
        let lostStable = s0 + matured - s1
        new[i] = n1
        stable[i] = s1
        return SpineFlux(formed: f * z0 * dt, eliminated: lostNew + lostStable)
    }
}
