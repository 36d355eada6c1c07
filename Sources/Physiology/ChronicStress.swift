// Chronic stress as a glucocorticoid level over time: episodes of stress (e.g. 21 days of
// restraint) set a target level; the level follows it with a time constant. Episodes may
// start before the run (negative times): the slow clock then runs them first, without
// spiking, so that a scenario can start from a "depressed" circuit.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One stress episode [h from the start of the run; may be negative].
public struct StressEpisode: Sendable, Equatable, Codable {
    public var start: Double
    public var stop: Double
    public var level: Double
    public init(start: Double, stop: Double, level: Double) { self.start = start; self.stop = stop; self.level = level }
}

/// Glucocorticoid level G(t).
///
///     dG/dt = (G*(t) − G)/τ_G,   G*(t) = Σ level of the episodes covering t
///
/// G multiplies stable-spine loss (Liston & Gan 2011: chronic corticosterone → loss of
/// stable spines [V]; Radley 2008: large spines lost most [V]) and lowers BDNF synthesis.
/// τ_G = 6 h [I]: corticosterone returns to baseline within hours of the last session.
public struct ChronicStress: Sendable, Equatable, Codable {
    public var episodes: [StressEpisode]
    public var tau: Double   // [h]
    public private(set) var level = 0.0

    public init(episodes: [StressEpisode], tau: Double = 6) { self.episodes = episodes; self.tau = tau }

    /// Earliest episode start, if any starts before the run.
    public var preconditioningStart: Double? {
        let s = episodes.map(\.start).min()
        return s.flatMap { $0 < 0 ? $0 : nil }
    }

    public func target(at t: Double) -> Double {
        episodes.reduce(0) { $0 + (t >= $1.start && t < $1.stop ? $1.level : 0) }
    }

    /// Advances from t to t + dt [h] with the target held at its value at t.
    public mutating func step(at t: Double, dt: Double) {
        let g = target(at: t)
        level = g + (level - g) * exp(-dt / tau)
    }
}

extension ChronicStress {
    /// `self` (built from the scenario) at the glucocorticoid level `level` of a checkpoint;
    /// nil when no run of these episodes reaches it. A checkpoint may come from anywhere:
    /// the episodes and time constant stay the scenario's, and the level must lie between
    /// 0 (the start) and the sums of the negative and positive episode levels, the targets it
    /// relaxes toward.
    public func restoring(level saved: Double) -> ChronicStress? {
        let low = episodes.reduce(0) { $0 + min(0, $1.level) }, high = episodes.reduce(0) { $0 + max(0, $1.level) }
        let slack = 1e-9 * max(1, -low, high)
        guard saved.isFinite, saved >= low - slack, saved <= high + slack else { return nil }
        var out = self
        out.level = saved
        return out
    }
}
