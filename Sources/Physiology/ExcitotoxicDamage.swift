// Excitotoxic damage per neuron on the slow clock: sustained NMDA-dependent calcium above a
// threshold accumulates damage, which is repaired with a time constant; past a death level
// the neuron dies (irreversibly) and becomes a cytokine source while its debris is cleared.
// A glutamate surge in a disc (an `Insult`) raises the drive of the neurons inside it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Damage parameters (time in hours; c and θ in units of the sustained baseline NMDA-calcium).
///
///     dD/dt = k_d·max(0, c − θ) − D/τ_r        (exact for c constant over a step)
///     death when D > D_death (irreversible); a dead neuron releases
///     q·exp(−(t − t_death)/τ_debris) cytokine per hour into its grid cell
///
/// c is the neuron's sustained NMDA-dependent calcium (or an NMDA-current proxy) relative to
/// its baseline, already scaled by the unblocked NMDA fraction, so NMDA block lowers damage.
/// Hardingham & Bading 2010 [V]: extrasynaptic NMDAR activity couples to death pathways
/// while moderate synaptic activity protects — hence a threshold well above baseline
/// (the trophic range below θ does no harm). Global NMDA antagonists failed in stroke
/// trials (same review [V]); antagonist-induced vacuolization (Olney 1989 [V]) is not this
/// mechanism and is not modelled.
///
/// | symbol | default | source |
/// |---|---|---|
/// | θ | 2 (× baseline) | excitotoxicity needs sustained excess NMDA Ca²⁺ (Hardingham & Bading 2010 [V]); value [I] |
/// | k_d | 1 /h per unit excess | [I] |
/// | τ_r | 12 h | neurons recover from sub-lethal injury within a day; MK-801 lesions are maximal at ~12 h and largely reversed by 24 h (Olney 1989, secondary [V]) as a time scale [I] |
/// | D_death | 5 | [I]: one unit of excess for 5 h (or 2.5 for 2 h) kills |
/// | q | 1000 amount/h | dead neurons release DAMPs/cytokines [R]; amount [I] |
/// | τ_debris | 24 h | clearance of debris [I] |
public struct DamageParameters: Sendable, Equatable, Codable {
    public var threshold = 2.0
    public var rate = 1.0          // [1/h per unit excess] k_d
    public var tauRepair = 12.0    // [h]
    public var death = 5.0
    public var release = 1000.0    // [amount/h]
    public var tauDebris = 24.0    // [h]
    public init() {}

    public var problems: [String] {
        var out: [String] = []
        if !(threshold >= 0) { out.append("excitotoxic threshold must be zero or positive, got \(threshold)") }
        if !(rate >= 0) { out.append("excitotoxic damage rate must be zero or positive, got \(rate) per h") }
        if !(tauRepair > 0) { out.append("damage repair time constant must be positive, got \(tauRepair) h") }
        if !(death > 0) { out.append("damage level for death must be positive, got \(death)") }
        if !(release >= 0) { out.append("dead-neuron cytokine release must be zero or positive, got \(release) per h") }
        if !(tauDebris > 0) { out.append("debris clearance time constant must be positive, got \(tauDebris) h") }
        return out
    }
}

/// A glutamate surge: from `start` to `stop` [h], neurons within `radius` µm of (x, y) get
/// `strength` added to their drive c (before NMDA block; units of c).
public struct Insult: Sendable, Equatable, Codable {
    public var x: Double          // [µm]
    public var y: Double          // [µm]
    public var radius: Double     // [µm]
    public var start: Double      // [h]
    public var stop: Double       // [h]
    public var strength: Double
    public init(x: Double, y: Double, radius: Double, start: Double, stop: Double, strength: Double) {
        self.x = x; self.y = y; self.radius = radius; self.start = start; self.stop = stop; self.strength = strength
    }

    public func problems(width: Double, height: Double) -> [String] {
        var out: [String] = []
        if !(x >= 0 && x <= width && y >= 0 && y <= height) {
            out.append("insult centre (\(x), \(y)) µm lies outside the sheet (0…\(width) × 0…\(height) µm)")
        }
        if !(radius > 0) { out.append("insult radius must be positive, got \(radius) µm") }
        if !(stop > start) { out.append("insult must stop (\(stop) h) after it starts (\(start) h)") }
        if !(strength >= 0) { out.append("insult strength must be zero or positive, got \(strength)") }
        return out
    }

    /// The extra drive at (px, py) averaged over [t, t + dt].
    public func drive(x px: Double, y py: Double, from t: Double, dt: Double) -> Double {
        let dx = px - x, dy = py - y
        guard dx * dx + dy * dy <= radius * radius else { return 0 }
        let on = dt > 0 ? max(0, min(t + dt, stop) - max(t, start)) / dt : (t >= start && t < stop ? 1 : 0)
        return strength * on
    }
}

/// Damage and death of every neuron (structure of arrays).
public struct ExcitotoxicDamage: Sendable, Equatable, Codable {
    public var parameters: DamageParameters
    public var damage: [Double]
    /// Time of death [h], nil while alive.
    public var deathTime: [Double?]

    public init(neurons n: Int, parameters: DamageParameters = DamageParameters()) throws {
        if !parameters.problems.isEmpty { throw PhysiologyError(parameters.problems) }
        self.parameters = parameters
        damage = [Double](repeating: 0, count: n)
        deathTime = [Double?](repeating: nil, count: n)
    }

    public var count: Int { damage.count }
    public func isDead(_ i: Int) -> Bool { deathTime[i] != nil }
    public var deadCount: Int { deathTime.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// Advances neuron `i` from t to t + dt [h] with drive c (already scaled by the unblocked
    /// NMDA fraction), exact for constant c: D → D* + (D − D*)·e^{−dt/τ_r}, D* = k_d·τ_r·(c − θ)₊.
    /// D moves monotonically toward D* within a step, so checking death at the step's end
    /// catches every crossing. A dead neuron's damage stays where it was.
    public mutating func step(_ i: Int, at t: Double, dt: Double, drive c: Double) {
        guard deathTime[i] == nil else { return }
        let p = parameters
        let target = p.rate * p.tauRepair * max(0, c - p.threshold)
        damage[i] = target + (damage[i] - target) * exp(-dt / p.tauRepair)
        if damage[i] > p.death { deathTime[i] = t + dt }
    }

    /// Advances every neuron: drive_i = calcium_i + unblocked_i·Σ insult drive at its
    /// position (calcium already scaled by block; insult glutamate acts through the
    /// receptors that are not blocked). `unblocked` empty = 1 for every neuron.
    public mutating func step(at t: Double, dt: Double, calcium: [Double], positions: [(x: Double, y: Double)],
                              insults: [Insult] = [], unblocked: [Double] = []) {
        precondition(calcium.count == count && positions.count == count, "one calcium value and position per neuron")
        for i in 0..<count {
            var extra = 0.0
            for ins in insults { extra += ins.drive(x: positions[i].x, y: positions[i].y, from: t, dt: dt) }
            let u = unblocked.isEmpty ? 1 : unblocked[i]
            step(i, at: t, dt: dt, drive: calcium[i] + u * extra)
        }
    }

    /// Cytokine source density of the dead neurons per grid cell [amount/µm²/h], averaged
    /// over [t, t + dt]: q·exp(−(s − t_death)/τ_debris) per dead neuron, exact mean.
    public func cytokineRelease(on grid: CytokineGrid, positions: [(x: Double, y: Double)], from t: Double, dt: Double) -> [Double] {
        var out = [Double](repeating: 0, count: grid.cellCount)
        let p = parameters
        for i in 0..<count {
            guard let td = deathTime[i] else { continue }
            let a = max(t, td), b = t + dt
            guard b > a else { continue }
            // ∫_a^b q·e^{−(s−td)/τ} ds / dt
            let amount = p.release * p.tauDebris * (exp(-(a - td) / p.tauDebris) - exp(-(b - td) / p.tauDebris))
            out[grid.cell(x: positions[i].x, y: positions[i].y)] += amount / (dt * grid.cellArea)
        }
        return out
    }

    /// Per-cell damage field (mean damage of the living and dead neurons in each cell, dead
    /// counted at D_death), for microglial chemotaxis.
    public func field(on grid: CytokineGrid, positions: [(x: Double, y: Double)]) -> GridArray {
        var sum = [Double](repeating: 0, count: grid.cellCount)
        var n = [Double](repeating: 0, count: grid.cellCount)
        for i in 0..<count {
            let c = grid.cell(x: positions[i].x, y: positions[i].y)
            sum[c] += isDead(i) ? parameters.death : damage[i]
            n[c] += 1
        }
        return GridArray(grid: grid, values: zip(sum, n).map { $1 > 0 ? $0 / $1 : 0 })
    }
}
