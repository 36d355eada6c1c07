// Microglia as agents on the slow clock: they wander (surveillance), drift up the cytokine
// gradient and toward damage, activate when the local cytokine is high (with hysteresis),
// release cytokine when activated, and engulf complement-tagged synapses within reach.
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
    public init(id: UInt64, x: Double, y: Double, state: MicrogliaState = .surveilling, activation: Double = 0) {
        self.id = id; self.x = x; self.y = y; self.state = state; self.activation = activation
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
///     move    Δx = √(2·D_m(a)·dt)·ξ + v·dt,   D_m(a) = D_m0·(1 + g_D·a)
///             v = χ_C·∇C + χ_X·∇X, |v| ≤ v_max           (X: per-cell damage field)
///     release q·a amount/h into its cell, activated microglia only
///     engulf  a tagged synapse within reach R with probability 1 − exp(−k_e·a·dt)
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
    public var maxDensity = 1000.0        // [1/mm²]
    public var tagging = ComplementTagging()
    public init() {}

    public var problems: [String] {
        var out: [String] = []
        if !(motility >= 0) || !motility.isFinite { out.append("microglia motility (diffusion) must be zero or positive, got \(motility) µm²/h") }
        if !(threshold > 0) { out.append("microglia activation threshold must be positive, got \(threshold)") }
        if !(tauOn > 0) || !(tauOff > 0) { out.append("microglia activation time constants must be positive, got \(tauOn) h and \(tauOff) h") }
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
    /// the hysteresis decides its state. The first thing `MicrogliaPopulation.step` does to
    /// each agent; also used to find, before a step, which microglia can engulf in it.
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
        return m
    }
}

/// Complement tagging of synapses (Stevens 2007: C1q/C3 tag synapses for elimination [V];
/// Schafer 2012: engulfment needs CR3/C3, and less active inputs are engulfed more [V/R]):
///
///     p_tag = p_max · C/(C + K_C) · A_½/(A_½ + activity) · w_½/(w_½ + weight)
///
/// the fraction of time a synapse carries a tag; `enabled` false turns complement off (C1q/C3 knock-out: nothing is tagged,
/// so microglia engulf nothing). The form is [I] (brief §3.1 model mapping).
///
/// | symbol | default | source |
/// |---|---|---|
/// | p_max | 0.5 | [I] |
/// | K_C | 1 (cytokine units) | complement rises with inflammation (Hong 2016: C1q at synapses early [V]); [I] |
/// | A_½ | 1 (activity relative to the population mean) | activity protects (Schafer 2012 [V/R]); [I] |
/// | w_½ | 1 (weight factor) | weak synapses are lost first [I] |
public struct ComplementTagging: Sendable, Equatable, Codable {
    public var enabled = true
    public var maxProbability = 0.5
    public var halfCytokine = 1.0
    public var halfActivity = 1.0
    public var halfWeight = 1.0
    public init() {}

    public var problems: [String] {
        var out: [String] = []
        if !(maxProbability >= 0 && maxProbability <= 1) { out.append("complement tag probability must be within 0…1, got \(maxProbability)") }
        if !(halfCytokine > 0) || !(halfActivity > 0) || !(halfWeight > 0) { out.append("complement tagging half-points must be positive") }
        return out
    }

    /// Probability that a synapse is tagged (a state fraction, drawn afresh each step).
    public func probability(cytokine c: Double, activity: Double, weight: Double) -> Double {
        guard enabled else { return 0 }
        let cc = max(0, c), a = max(0, activity), w = max(0, weight)
        return maxProbability * cc / (cc + halfCytokine) * halfActivity / (halfActivity + a) * halfWeight / (halfWeight + w)
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
        let tagKey = CounterRNG(seed: seed).key(stream: Self.tagStream, entity: k)
        let tagged = p.tagging.enabled
            ? candidates.filter { CounterRNG.unit(CounterRNG.bits(key: tagKey, counter: $0.id)) < $0.tag }
            : []
        return ReachBuckets(tagged, grid: grid, reach: p.reach)
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
            if m.state == .activated {
                // Engulfment of tagged synapses in reach.
                let pe = -expm1(-p.engulfment * m.activation * dt)
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

    /// Which of `points` lie within reach of a microglion that will be activated in the
    /// coming step (its activation update from `cytokine`, at its position before it moves):
    /// only synapses at those points can be engulfed in the step, so offering only them to
    /// `step` changes nothing but the cost (tag and engulfment draws are keyed by synapse and
    /// microglion, not by list position). The distance test is `ReachBuckets.forEach`'s, with the reach
    /// widened by 1e-9 relative so that the filter is never the stricter of the two.
    public static func withinReachOfActivated(_ tiles: [MicrogliaPopulation], dt: Double, cytokine: some GridValues,
                                              points: [(x: Double, y: Double)]) -> [Bool] {
        guard let p = tiles.first?.parameters, p.tagging.enabled, p.engulfment > 0 else {
            return [Bool](repeating: false, count: points.count)
        }
        let g = tiles[0].grid
        let active = tiles.flatMap(\.agents).map { p.activated($0, dt: dt, cytokine: cytokine) }
            .filter { $0.state == .activated && $0.activation > 0 }
        guard !active.isEmpty else { return [Bool](repeating: false, count: points.count) }
        // Microglia bucketed like synapses; a point looks in the 3 × 3 buckets around it.
        let asPoints = active.map { SynapseCandidate(id: $0.id, x: $0.x, y: $0.y, weight: 0, activity: 0, tag: 0) }
        let buckets = ReachBuckets(asPoints, grid: g, reach: p.reach * (1 + 1e-9))
        return points.map { q in
            var hit = false
            buckets.forEach(near: q.x, q.y) { _ in hit = true }
            return hit
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
