// Microglia as agents on the slow clock: they wander (surveillance), drift up the cytokine
// gradient and toward damage, activate when the local cytokine is high (with hysteresis),
// release cytokine when activated, keep a slowly fading primed state after activation, and
// engulf synapses within reach that the complement of primed microglia has tagged.
// Every random draw comes from the counter RNG keyed by agent or synapse id and step, so
// stepping vertical strips separately (agents crossing borders as messages) gives the same
// result bit for bit as stepping all agents together.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NeuroplastCore

/// Microglial state.
public enum MicrogliaState: UInt8, Sendable, Equatable, Codable {
    case surveilling
    case activated
}

/// One microglion.
public struct Microglion: Sendable, Equatable, Codable {
    public var id: UInt64
    public var x: Double             // [µm]
    public var y: Double             // [µm]
    public var state: MicrogliaState
    /// Activation level a, 0 (ramified, surveilling) … 1 (fully activated).
    public var activation: Double
    /// Priming P, 0 (naive) … 1: what an activation leaves behind for months (persistent
    /// Iba1) after a has relaxed.
    public var priming: Double
    /// Complement output Q, 0 … 1: the primed microglion's complement production and
    /// phagocytic capacity, following P over weeks.
    public var complement: Double
    public init(id: UInt64, x: Double, y: Double, state: MicrogliaState = .surveilling, activation: Double = 0,
                priming: Double = 0, complement: Double = 0) {
        self.id = id; self.x = x; self.y = y; self.state = state; self.activation = activation
        self.priming = priming; self.complement = complement
    }
}

/// Microglia parameters (time in hours, lengths in µm, cytokine in the field's units).
///
/// Equations, per microglion, over a slow step dt (inputs read at the step's start, at the
/// microglion's cell):
///
///     drive   s = C^n/(C^n + θ^n)                        soft threshold on local cytokine C
///     da/dt   = (s − a)/τ_a,  τ_a = τ_on if s > a else τ_off     (exact for the step)
///     state   surveilling → activated when a ≥ a_on; activated → surveilling when a ≤ a_off
///     prime   dP/dt = u·(1 − P)/τ_P↑ − P/τ_P↓,  u = a if activated else 0
///             dQ/dt = (P − Q)/τ_Q                  (both exact for the step, u the activation
///                                                   after the step's update)
///     move    Δx = √(2·D_m(a)·dt)·ξ + v·dt,   D_m(a) = D_m0·(1 + g_D·a)
///             v = χ_C·∇C + χ_X·∇X, |v| ≤ v_max           (X: per-cell damage field)
///     release q·a amount/h into its cell, activated microglia only
///     engulf  a tagged synapse within reach R with probability 1 − exp(−k_e·e·dt),
///             e = max(a if activated else 0, Q)           (phagocytic level)
///
/// Priming is where an LPS challenge persists: cytokines clear within a day and a relaxes in
/// days, but P, built while the microglion is activated, fades over months, and the
/// complement output Q that follows it keeps synapses tagged (`ComplementTagging`) and
/// engulfed for weeks. For constant u, P relaxes to P* = (u/τ_P↑)/λ at the rate
/// λ = u/τ_P↑ + 1/τ_P↓ (with u = 0 it decays as P·exp(−t/τ_P↓)), and
///
///     Q(t) = P* + (Q₀ − P*)·e^(−t/τ_Q) + (P₀ − P*)·(1/τ_Q)·(e^(−λt) − e^(−t/τ_Q))/(1/τ_Q − λ)
///
/// (the last factor t·e^(−λt) when λ = 1/τ_Q). Q lags P by τ_Q, so the spine loss it drives
/// is small in the first week and grows over the next ones, as Kondo 2011 saw.
///
/// A synapse is tagged in a step with its complement-tag probability (`ComplementTagging`);
/// the tag draw belongs to the synapse and step, the engulfment draw to the (microglion,
/// synapse, step), and a synapse is engulfed if any microglion in reach succeeds (credited
/// to the lowest id), so the outcome does not depend on list order or tiling.
///
/// | symbol | default | source |
/// |---|---|---|
/// | θ, n | 1, 4 | activation threshold in cytokine units [I]; steep [I] |
/// | τ_on | 6 h | microglial morphology changes within 2 days of LPS (Kondo 2011 [V]); hours [I] |
/// | τ_off | 72 h | activation (Iba1) outlasts cytokines and only partly recovers in 1 week (Kondo 2011 [V]); value [I] |
/// | a_on, a_off | 0.5, 0.2 | hysteresis [I] |
/// | D_m0 | 10 µm²/h | somata nearly stationary while processes move ~1–3 µm/min (Nimmerjahn 2005 [R]); soma drift [I] |
/// | g_D | 4 | activated microglia migrate more [R]; factor [I] |
/// | χ_C, χ_X, v_max | 2·10⁴ µm⁴/(h·amount), 200 µm³/h, 20 µm/h | chemotaxis toward injury (Davalos 2005: processes converge on a laser lesion within ~30 min [R]); somata tens of µm/h [I] |
/// | q | 500 amount/h | cytokine release by activated microglia (Sheppard 2019: microglia-derived IL-1β [V]); amount [I] |
/// | R | 50 µm | a microglion's territory ~ 50 µm in radius [R] |
/// | k_e | 0.1 /h | engulfment rate [I] |
/// | τ_P↑ | 24 h | morphology changed 2 days after LPS (Kondo 2011 [V]): priming builds within the days of activation; value [I] |
/// | τ_P↓ | 180 d | Iba1 raised persistently, microglia "partially recovered within one week but sustained over a long time period" (Kondo 2011 [V]); brain TNF-α and activated microglia 10 months after one LPS dose of 5 mg/kg (Qin 2007 Glia 55:453 [V, abstract]); primed microglia (Perry & Holmes 2014 [R]); value [I] |
/// | τ_Q | 10 d | spine elimination above controls after LPS: 0.4 % by 7 d, 5.5 % by 28 d, 13.7 % by 56 d (Kondo 2011 Fig. 3 [V]): little in week 1, then steady; with engulfment ∝ Q², τ_Q = 10 d puts ≈ 40 % of the 56-day excess before day 28, as seen [I] |
/// | max density | 1000 /mm² | cortical microglia ~ 5–10 % of cells, ~ 10⁴/mm³ [R]; a sheet limit [I] |
public struct MicrogliaParameters: Sendable, Equatable, Codable {
    public var threshold = 1.0
    public var hill = 4.0
    public var tauOn = 6.0                // [h]
    public var tauOff = 72.0              // [h]
    public var activateAt = 0.5
    public var deactivateAt = 0.2
    public var motility = 10.0            // [µm²/h] D_m0
    public var activatedMotilityGain = 4.0
    public var chemotaxis = 2e4           // [µm/h per (amount/µm²)/µm] χ_C
    public var damageChemotaxis = 200.0   // [µm/h per (damage/µm)] χ_X
    public var maxSpeed = 20.0            // [µm/h]
    public var release = 500.0            // [amount/h] q
    public var reach = 50.0               // [µm] R
    public var engulfment = 0.1           // [1/h] k_e
    public var primingOn = 24.0           // [h] τ_P↑
    public var primingOff = 180 * 24.0    // [h] τ_P↓
    public var complementLag = 10 * 24.0  // [h] τ_Q
    public var maxDensity = 1000.0        // [1/mm²]
    public var tagging = ComplementTagging()
    public init() {}

    public var problems: [String] {
        var out: [String] = []
        if !(motility >= 0) || !motility.isFinite { out.append("microglia motility (diffusion) must be zero or positive, got \(motility) µm²/h") }
        if !(threshold > 0) { out.append("microglia activation threshold must be positive, got \(threshold)") }
        if !(tauOn > 0) || !(tauOff > 0) { out.append("microglia activation time constants must be positive, got \(tauOn) h and \(tauOff) h") }
        if !(primingOn > 0) || !(primingOff > 0) || !(complementLag > 0) || !primingOn.isFinite || !primingOff.isFinite || !complementLag.isFinite {
            out.append("microglia priming time constants must be positive and finite, got \(primingOn) h, \(primingOff) h and \(complementLag) h")
        }
        if !(deactivateAt < activateAt) || !(deactivateAt >= 0) || !(activateAt <= 1) {
            out.append("microglia hysteresis needs 0 ≤ deactivation level (\(deactivateAt)) < activation level (\(activateAt)) ≤ 1")
        }
        if !(maxSpeed >= 0) { out.append("microglia maximum speed must be zero or positive, got \(maxSpeed) µm/h") }
        if !(release >= 0) { out.append("microglia cytokine release must be zero or positive, got \(release) per h") }
        if !(reach >= 0) { out.append("microglia reach must be zero or positive, got \(reach) µm") }
        if !(engulfment >= 0) { out.append("microglia engulfment rate must be zero or positive, got \(engulfment) per h") }
        if !(maxDensity > 0) { out.append("microglia maximum density must be positive, got \(maxDensity) per mm²") }
        return out + tagging.problems
    }
}

extension MicrogliaParameters {
    /// The microglion after this step's activation update from the cytokine at its cell:
    /// a relaxes exactly towards the soft threshold s(C) (τ_on rising, τ_off falling), then
    /// the hysteresis decides its state, then the priming relaxes exactly (`primed`). The
    /// first thing `MicrogliaPopulation.step` does to each agent; also used to find, before a
    /// step, which microglia can engulf in it and how much complement they make.
    public func activated(_ m0: Microglion, dt: Double, cytokine: some GridValues) -> Microglion {
        var m = m0
        let g = cytokine.grid
        let c = max(0, cytokine.value(column: g.column(of: m.x), row: g.row(of: m.y)))
        let cn = pow(c, hill), tn = pow(threshold, hill)
        let s = cn / (cn + tn)
        let tau = s > m.activation ? tauOn : tauOff
        m.activation = s + (m.activation - s) * exp(-dt / tau)
        if m.state == .surveilling && m.activation >= activateAt { m.state = .activated }
        else if m.state == .activated && m.activation <= deactivateAt { m.state = .surveilling }
        (m.priming, m.complement) = primed(priming: m.priming, complement: m.complement,
                                           drive: m.state == .activated ? m.activation : 0, dt: dt)
        return m
    }

    /// Priming P and complement output Q after dt hours at a constant drive u (the activation
    /// of an activated microglion, else 0): the exact solution of dP/dt = u·(1 − P)/τ_P↑ − P/τ_P↓,
    /// dQ/dt = (P − Q)/τ_Q.
    public func primed(priming p0: Double, complement q0: Double, drive u: Double, dt: Double) -> (priming: Double, complement: Double) {
        let up = max(0, u) / primingOn, down = 1 / primingOff, mu = 1 / complementLag
        let rate = up + down
        let target = up / rate
        let decay = exp(-rate * dt)
        // (e^(−λt) − e^(−μt))/(μ − λ) = e^(−λt)·(1 − e^(−(μ−λ)t))/(μ − λ), → t·e^(−λt) as μ → λ.
        let d = mu - rate
        let lagged = abs(d * dt) < 1e-12 ? dt : -expm1(-d * dt) / d
        let p1 = target + (p0 - target) * decay
        let q1 = target + (q0 - target) * exp(-mu * dt) + (p0 - target) * mu * decay * lagged
        return (p1, q1)
    }

    /// Phagocytic level e of a microglion (after its activation update): its activation when
    /// activated, and at least its complement output.
    public func phagocytic(_ m: Microglion) -> Double {
        max(m.state == .activated ? m.activation : 0, m.complement)
    }
}

/// Complement tagging of synapses (Stevens 2007: C1q/C3 tag synapses for elimination [V];
/// Schafer 2012: engulfment needs CR3/C3, and less active inputs are engulfed more [V/R]):
///
///     κ     = q_C · Σ Q_m                      over the microglia m within reach R of the synapse
///     p_tag = p_max · κ/(κ + K_C) · A_½/(A_½ + activity) · w_½/(w_½ + weight)
///
/// the fraction of time a synapse carries a tag; `enabled` false turns complement off (C1q/C3 knock-out: nothing is tagged,
/// so microglia engulf nothing). The complement κ at a synapse is made by the primed
/// microglia around it (microglia are the main source of brain C1q, Fonseca 2017 [R]), so it
/// builds over the weeks after an activation and lasts as long as the priming — not the
/// hours of the cytokines (tagging at the cytokine peak removed ~10 % of spines within days, where
/// Kondo 2011 saw changes "low over a week" [V]). The form is [I] (brief §3.1 model mapping).
///
/// | symbol | default | source |
/// |---|---|---|
/// | p_max | 0.5 | [I] |
/// | K_C | 1 (complement units) | complement rises with inflammation (Hong 2016: C1q at synapses early [V]); [I] |
/// | q_C | 0.0063 per unit of output | complement from one microglion of output Q = 1; set, with k_e, so that in `lps-inflammation` (200 microglia per mm²) one LPS challenge makes microglia engulf about the extra 13.7 % of spines Kondo 2011 saw eliminated over 8 weeks (20.9 ± 3.5 % vs 7.2 ± 1.1 % in controls, Fig. 3 [V]): 0.008 engulfed 17.4 %, and engulfment is nearly proportional to q_C (κ ≪ K_C); the value is [I] |
/// | A_½ | 1 (activity relative to the population mean) | activity protects (Schafer 2012 [V/R]); [I] |
/// | w_½ | 1 (weight factor) | weak synapses are lost first [I] |
public struct ComplementTagging: Sendable, Equatable, Codable {
    public var enabled = true
    public var maxProbability = 0.5
    public var halfComplement = 1.0
    /// q_C: complement per unit of microglial complement output within reach.
    public var microglialComplement = 0.0063
    public var halfActivity = 1.0
    public var halfWeight = 1.0
    public init() {}

    public var problems: [String] {
        var out: [String] = []
        if !(maxProbability >= 0 && maxProbability <= 1) { out.append("complement tag probability must be within 0…1, got \(maxProbability)") }
        if !(halfComplement > 0) || !(halfActivity > 0) || !(halfWeight > 0) { out.append("complement tagging half-points must be positive") }
        if !(microglialComplement >= 0) || !microglialComplement.isFinite { out.append("complement per microglion must be zero or positive, got \(microglialComplement)") }
        return out
    }

    /// Probability that a synapse is tagged (a state fraction, drawn afresh each step) at
    /// complement level κ.
    public func probability(complement c: Double, activity: Double, weight: Double) -> Double {
        guard enabled else { return 0 }
        let cc = max(0, c), a = max(0, activity), w = max(0, weight)
        return maxProbability * cc / (cc + halfComplement) * halfActivity / (halfActivity + a) * halfWeight / (halfWeight + w)
    }

    /// Probability that a synapse is tagged with microglia of total complement output Σ Q_m
    /// within reach.
    public func probability(microglia output: Double, activity: Double, weight: Double) -> Double {
        probability(complement: microglialComplement * output, activity: activity, weight: weight)
    }
}

/// A synapse that microglia may engulf: it sits at its postsynaptic neuron's position.
public struct SynapseCandidate: Sendable, Equatable, Codable {
    public var id: UInt64
    public var x: Double             // [µm]
    public var y: Double             // [µm]
    public var weight: Double
    public var activity: Double      // recent activity (relative)
    /// Probability that the synapse carries a complement tag this step (drawn afresh each
    /// step, so the engulfment hazard is tag·k_e·a per hour whatever the step length), e.g.
    /// from `ComplementTagging.probability`.
    public var tag: Double
    public init(id: UInt64, x: Double, y: Double, weight: Double, activity: Double, tag: Double) {
        self.id = id; self.x = x; self.y = y; self.weight = weight; self.activity = activity; self.tag = tag
    }
}

/// A synapse engulfed in a step and the microglion credited with it.
public struct Engulfment: Sendable, Equatable, Hashable, Codable {
    public var synapse: UInt64
    public var microglion: UInt64
}

/// Values on the cytokine grid (the field, a tile of it, or any per-cell array).
public protocol GridValues {
    var grid: CytokineGrid { get }
    func value(column i: Int, row j: Int) -> Double
}

extension CytokineField: GridValues {
    public func value(column i: Int, row j: Int) -> Double { self[column: i, row: j] }
}

extension CytokineTile: GridValues {
    /// Valid for the interior and the halo columns.
    public func value(column i: Int, row j: Int) -> Double { self[column: i, row: j] }
}

/// A per-cell array on the grid (e.g. a damage field); empty values read as zero.
public struct GridArray: GridValues, Sendable, Equatable {
    public let grid: CytokineGrid
    public var values: [Double]
    public init(grid: CytokineGrid, values: [Double]) { self.grid = grid; self.values = values }
    public func value(column i: Int, row j: Int) -> Double { values.isEmpty ? 0 : values[grid.index(column: i, row: j)] }
}

extension GridValues {
    /// Central-difference gradient at a cell [units/µm] (the ghost cell at a closed edge
    /// equals the edge cell, wrapped when periodic).
    func gradient(column i: Int, row j: Int) -> (x: Double, y: Double) {
        let g = grid
        let il = g.neighbourColumn(i, -1), ir = g.neighbourColumn(i, 1)
        let jd = g.neighbourRow(j, -1), ju = g.neighbourRow(j, 1)
        return ((value(column: ir, row: j) - value(column: il, row: j)) / (2 * g.cellSize),
                (value(column: i, row: ju) - value(column: i, row: jd)) / (2 * g.cellSize))
    }
}

/// What one step of a population (or tile) produced.
public struct MicrogliaStepResult: Sendable, Equatable {
    /// Cytokine source density per grid cell [amount/µm²/h], averaged over the step.
    public var release: [Double]
    /// Engulfed synapses, sorted by synapse id.
    public var engulfed: [Engulfment]
    /// Agents that left a tile (empty for a whole population).
    public var emigrants: [Microglion]
}

/// The microglia of the sheet (or of one vertical strip of it), sorted by id.
public struct MicrogliaPopulation: Sendable, Equatable, Codable {
    public let grid: CytokineGrid
    public var parameters: MicrogliaParameters
    public var agents: [Microglion]
    /// The grid columns this population owns (all for a whole population).
    public let columns: Range<Int>
    public let seed: UInt64

    public static let motionStream = CounterRNG.Stream(rawValue: 0x6D67_6D76)   // "mgmv"
    public static let tagStream = CounterRNG.Stream(rawValue: 0x6D67_7467)      // "mgtg"
    public static let engulfStream = CounterRNG.Stream(rawValue: 0x6D67_656E)   // "mgen"

    /// What is wrong with a population of `count` microglia on `grid`, one message per fault.
    public static func problems(count: Int, grid: CytokineGrid, parameters: MicrogliaParameters) -> [String] {
        var out = grid.problems + parameters.problems
        if count < 0 { out.append("microglia count must be zero or positive, got \(count)") }
        if count > grid.cellCount {
            out.append("\(count) microglia do not fit on a cytokine grid of \(grid.cellCount) cells (at most one per cell); use fewer microglia or a finer grid")
        }
        let areaMM2 = grid.width * grid.height * 1e-6
        if areaMM2 > 0, Double(count) > parameters.maxDensity * areaMM2 {
            out.append("\(count) microglia on \(areaMM2) mm² exceed the maximum density \(parameters.maxDensity) per mm² (at most \(Int(parameters.maxDensity * areaMM2)))")
        }
        return out
    }

    /// `count` surveilling microglia placed uniformly at random (position stream, keyed by
    /// id). Throws `PhysiologyError` listing every fault.
    public init(count: Int, grid: CytokineGrid, parameters: MicrogliaParameters = MicrogliaParameters(), seed: UInt64) throws {
        let problems = Self.problems(count: count, grid: grid, parameters: parameters)
        if !problems.isEmpty { throw PhysiologyError(problems) }
        let rng = CounterRNG(seed: seed)
        let stream = CounterRNG.Stream.position.sub(0x6D67)
        let agents = (0..<count).map { k -> Microglion in
            let id = UInt64(k)
            return Microglion(id: id, x: rng.uniform(stream, entity: id, counter: 0) * grid.width,
                              y: rng.uniform(stream, entity: id, counter: 1) * grid.height)
        }
        self.init(grid: grid, parameters: parameters, agents: agents, columns: 0..<grid.columns, seed: seed)
    }

    /// A population from given agents (sorted by id here).
    public init(grid: CytokineGrid, parameters: MicrogliaParameters, agents: [Microglion], columns: Range<Int>? = nil, seed: UInt64) {
        self.grid = grid; self.parameters = parameters; self.seed = seed
        self.columns = columns ?? 0..<grid.columns
        self.agents = agents.sorted { $0.id < $1.id }
    }

    public var count: Int { agents.count }
    public var activatedFraction: Double {
        agents.isEmpty ? 0 : Double(agents.filter { $0.state == .activated }.count) / Double(agents.count)
    }

    // MARK: Tiles

    /// Splits the agents by vertical strip (`strips` from `CytokineGrid.strips`), in order.
    public func split(_ strips: [Range<Int>]) -> [MicrogliaPopulation] {
        strips.map { cols in
            MicrogliaPopulation(grid: grid, parameters: parameters,
                                agents: agents.filter { cols.contains(grid.column(of: $0.x)) }, columns: cols, seed: seed)
        }
    }

    /// Joins tiles back into one population (sorted by id).
    public static func join(_ tiles: [MicrogliaPopulation]) -> MicrogliaPopulation {
        let t = tiles[0]
        return MicrogliaPopulation(grid: t.grid, parameters: t.parameters, agents: tiles.flatMap(\.agents),
                                   columns: 0..<t.grid.columns, seed: t.seed)
    }

    /// Takes in agents that crossed into this strip (kept sorted by id).
    public mutating func admit(_ incoming: [Microglion]) {
        guard !incoming.isEmpty else { return }
        agents = (agents + incoming).sorted { $0.id < $1.id }
    }

    /// Steps tiles (in strip order) and hands every emigrant to the tile that owns its new
    /// column; merges their results. Identical to stepping the joined population.
    public static func step(_ tiles: inout [MicrogliaPopulation], index k: UInt64, dt: Double,
                            cytokine: some GridValues, damage: some GridValues,
                            candidates: [SynapseCandidate]) -> MicrogliaStepResult {
        guard let first = tiles.first else { return MicrogliaStepResult(release: [], engulfed: [], emigrants: []) }
        let tagged = Self.tagged(candidates, index: k, grid: first.grid, parameters: first.parameters, seed: first.seed)
        return step(&tiles, index: k, dt: dt, cytokine: cytokine, damage: damage, tagged: tagged)
    }

    /// The strips' step with the step's tagged synapses given (`tagged`, or drawn by the
    /// caller with `isTagged`).
    public static func step(_ tiles: inout [MicrogliaPopulation], index k: UInt64, dt: Double,
                            cytokine: some GridValues, damage: some GridValues,
                            tagged: ReachBuckets) -> MicrogliaStepResult {
        var results: [MicrogliaStepResult] = []
        for t in tiles.indices {
            results.append(tiles[t].step(index: k, dt: dt, cytokine: cytokine, damage: damage, tagged: tagged))
        }
        // Migration messages: each emigrant goes to the strip that owns its column.
        let migrants = results.flatMap(\.emigrants)
        for t in tiles.indices {
            let cols = tiles[t].columns
            tiles[t].admit(migrants.filter { cols.contains(tiles[t].grid.column(of: $0.x)) })
        }
        return merge(results)
    }

    /// Combines tile results: release arrays summed (each cell belongs to one tile, so the
    /// sum adds zeros only), engulfments unioned with the lowest-id microglion credited.
    public static func merge(_ results: [MicrogliaStepResult]) -> MicrogliaStepResult {
        var release = results.first?.release ?? []
        for r in results.dropFirst() { for c in release.indices { release[c] += r.release[c] } }
        var best: [UInt64: UInt64] = [:]
        for r in results { for e in r.engulfed { best[e.synapse] = min(best[e.synapse] ?? .max, e.microglion) } }
        let engulfed = best.map { Engulfment(synapse: $0.key, microglion: $0.value) }.sorted { $0.synapse < $1.synapse }
        return MicrogliaStepResult(release: release, engulfed: engulfed, emigrants: results.flatMap(\.emigrants))
    }

    // MARK: Step

    /// The candidates tagged in slow step `k` (each synapse's own draw, so the same whoever
    /// draws it), bucketed for reach queries. Done once per step for all strips.
    public static func tagged(_ candidates: [SynapseCandidate], index k: UInt64, grid: CytokineGrid,
                              parameters p: MicrogliaParameters, seed: UInt64) -> ReachBuckets {
        let tagKey = tagKey(index: k, seed: seed)
        let tagged = p.tagging.enabled ? candidates.filter { isTagged($0, key: tagKey) } : []
        return ReachBuckets(tagged, grid: grid, reach: p.reach)
    }

    /// The key of slow step `k`'s tag draws.
    public static func tagKey(index k: UInt64, seed: UInt64) -> UInt64 {
        CounterRNG(seed: seed).key(stream: Self.tagStream, entity: k)
    }

    /// Whether candidate `c` carries a complement tag in the step of `key` (its own draw
    /// against its tag probability).
    @inline(__always)
    public static func isTagged(_ c: SynapseCandidate, key: UInt64) -> Bool {
        CounterRNG.unit(CounterRNG.bits(key: key, counter: c.id)) < c.tag
    }

    /// Advances every agent by dt hours (slow step number `k`), in id order:
    /// activation from the local cytokine, engulfment of tagged synapses in reach, cytokine
    /// release, then movement. Agents that end outside this population's strip are removed
    /// and returned as emigrants. `cytokine` and `damage` must cover this strip's columns
    /// and one column either side (a whole field, or a tile with halos).
    public mutating func step(index k: UInt64, dt: Double, cytokine: some GridValues, damage: some GridValues,
                              candidates: [SynapseCandidate]) -> MicrogliaStepResult {
        step(index: k, dt: dt, cytokine: cytokine, damage: damage,
             tagged: Self.tagged(candidates, index: k, grid: grid, parameters: parameters, seed: seed))
    }

    /// `step(index:dt:cytokine:damage:candidates:)` with the step's tagged synapses given.
    public mutating func step(index k: UInt64, dt: Double, cytokine: some GridValues, damage: some GridValues,
                              tagged buckets: ReachBuckets) -> MicrogliaStepResult {
        let p = parameters, g = grid
        let rng = CounterRNG(seed: seed)
        var release = [Double](repeating: 0, count: g.cellCount)
        var best: [UInt64: UInt64] = [:]
        var stay: [Microglion] = []
        var emigrants: [Microglion] = []
        stay.reserveCapacity(agents.count)
        for m0 in agents {
            let i = g.column(of: m0.x), j = g.row(of: m0.y)
            var m = p.activated(m0, dt: dt, cytokine: cytokine)
            // Engulfment of tagged synapses in reach, by activated and by primed microglia.
            let pe = -expm1(-p.engulfment * p.phagocytic(m) * dt)
            if pe > 0 {
                let key = rng.key(stream: Self.engulfStream.sub(Int(truncatingIfNeeded: k)), entity: m.id)
                // The lowest id in reach whose draw succeeds is credited, whatever the
                // agents' order (the map is consulted only after a successful draw).
                buckets.forEach(near: m.x, m.y) { syn in
                    if CounterRNG.unit(CounterRNG.bits(key: key, counter: syn.id)) < pe, best[syn.id] ?? .max > m.id {
                        best[syn.id] = m.id
                    }
                }
            }
            if m.state == .activated {
                // Release into the current cell.
                release[g.index(column: i, row: j)] += p.release * m.activation / g.cellArea
            }
            // Movement: random motility plus chemotaxis, capped.
            let gc = cytokine.gradient(column: i, row: j), gd = damage.gradient(column: i, row: j)
            var vx = p.chemotaxis * gc.x + p.damageChemotaxis * gd.x
            var vy = p.chemotaxis * gc.y + p.damageChemotaxis * gd.y
            let speed = (vx * vx + vy * vy).squareRoot()
            if speed > p.maxSpeed { vx *= p.maxSpeed / speed; vy *= p.maxSpeed / speed }
            let sigma = (2 * p.motility * (1 + p.activatedMotilityGain * m.activation) * dt).squareRoot()
            let key = rng.key(stream: Self.motionStream, entity: m.id)
            let (zx, zy) = Self.gaussianPair(CounterRNG.bits(key: key, counter: 2 &* k),
                                             CounterRNG.bits(key: key, counter: 2 &* k &+ 1))
            m.x = Self.boundary(m.x + sigma * zx + vx * dt, size: g.width, g.boundary)
            m.y = Self.boundary(m.y + sigma * zy + vy * dt, size: g.height, g.boundary)
            if columns.contains(g.column(of: m.x)) { stay.append(m) } else { emigrants.append(m) }
        }
        agents = stay
        let engulfed = best.map { Engulfment(synapse: $0.key, microglion: $0.value) }.sorted { $0.synapse < $1.synapse }
        return MicrogliaStepResult(release: release, engulfed: engulfed, emigrants: emigrants)
    }

    /// What a point sees of the microglia in the coming step.
    public struct InReach: Sendable, Equatable {
        /// Within reach of a microglion that can engulf in the step (phagocytic level > 0).
        public var engulfing: Bool
        /// Σ Q_m over the microglia within reach: the output that makes its complement.
        public var complement: Double
    }

    /// For each of `points`, the microglia within reach in the coming step (after their
    /// activation and priming update from `cytokine`, at their positions before they move):
    /// whether one of them can engulf — only synapses at such points can be engulfed in the
    /// step, so offering only them to `step` changes nothing but the cost (tag and engulfment
    /// draws are keyed by synapse and microglion, not by list position) — and their total
    /// complement output, which sets the tag (`ComplementTagging.probability(microglia:…)`).
    /// The distance test is `ReachBuckets.forEach`'s; for `engulfing` the reach is widened by
    /// 1e-9 relative so that the filter is never the stricter of the two. The output is
    /// summed in an order fixed by positions and ids (microglia sorted by id before they are
    /// bucketed), so it does not depend on how the agents are split in strips.
    public static func inReach(_ tiles: [MicrogliaPopulation], dt: Double, cytokine: some GridValues,
                               points: [(x: Double, y: Double)]) -> [InReach] {
        let none = [InReach](repeating: InReach(engulfing: false, complement: 0), count: points.count)
        guard let p = tiles.first?.parameters, p.tagging.enabled, p.engulfment > 0 else { return none }
        let g = tiles[0].grid
        let active = tiles.flatMap(\.agents).map { p.activated($0, dt: dt, cytokine: cytokine) }
            .filter { p.phagocytic($0) > 0 }.sorted { $0.id < $1.id }
        guard !active.isEmpty else { return none }
        // Microglia bucketed like synapses (their complement output in `weight`); a point
        // looks in the 3 × 3 buckets around it.
        let asPoints = active.map { SynapseCandidate(id: $0.id, x: $0.x, y: $0.y, weight: $0.complement, activity: 0, tag: 0) }
        let wide = ReachBuckets(asPoints, grid: g, reach: p.reach * (1 + 1e-9))
        let exact = ReachBuckets(asPoints, grid: g, reach: p.reach)
        return points.map { q in
            var hit = false, sum = 0.0
            wide.forEach(near: q.x, q.y) { _ in hit = true }
            if hit { exact.forEach(near: q.x, q.y) { sum += $0.weight } }
            return InReach(engulfing: hit, complement: sum)
        }
    }

    /// Box–Muller from two 64-bit draws.
    static func gaussianPair(_ a: UInt64, _ b: UInt64) -> (Double, Double) {
        let u1 = 1 - CounterRNG.unit(a)   // (0, 1]
        let u2 = CounterRNG.unit(b)
        let r = (-2 * log(u1)).squareRoot()
        return (r * cos(2 * Double.pi * u2), r * sin(2 * Double.pi * u2))
    }

    /// Wraps (periodic) or reflects (closed) a coordinate into [0, size).
    static func boundary(_ v: Double, size: Double, _ b: CytokineBoundary) -> Double {
        switch b {
        case .periodic:
            let w = v - (v / size).rounded(.down) * size
            return w >= size ? 0 : w
        case .closed:
            var w = v
            for _ in 0..<4 {
                if w < 0 { w = -w } else if w > size { w = 2 * size - w } else { break }
            }
            return min(max(w, 0), size.nextDown)
        }
    }
}
