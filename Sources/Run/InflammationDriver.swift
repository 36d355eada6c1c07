// Inflammation on the slow clock: the cytokine field (split into one vertical strip per
// shard, halos exchanged every diffusion sub-step), microglia (one population per strip,
// agents crossing strip borders as migration messages), excitotoxic damage and death.
// Each slow step: sources (LPS, fixed sources, stress, activated microglia, dead neurons) →
// field; microglia sense it, activate, keep a slowly fading priming, move, and engulf
// synapses within reach tagged by the complement of primed microglia (queued for deletion
// at the next structural realisation); per-neuron inflammation level
// and NMDA-calcium drive damage. The strips are stepped in order by this driver, so the
// result does not depend on how many there are (tested bit for bit in Physiology).

import Foundation
import Physiology
import Plasticity
import Network

struct InflammationDriver {
    let config: InflammationConfig
    let grid: CytokineGrid
    var tiles: [CytokineTile]
    var microglia: [MicrogliaPopulation]
    var damage: ExcitotoxicDamage?
    let lps: [LPSChallenge]
    let sources: CytokineSources
    let insults: [Physiology.Insult]
    let positions: [(x: Double, y: Double)]
    /// Microglial release and dead-neuron release of the last step, per cell [amount/µm²/h].
    var release: [Double]
    /// Synapses engulfed and not yet removed from the network; counts since the last record.
    var engulfed: Set<SynapseKey> = []
    var engulfedSinceRecord = 0
    var newlyDead: [Int32] = []
    var dead: Set<Int32> = []
    var steps: UInt64 = 0
    /// The excitation/inhibition factor now applied to each neuron's inputs (1 = none).
    var eiApplied: [Double] = []

    init(config c: InflammationConfig, blueprint bp: Blueprint, strips: Int) throws {
        config = c
        let sc = bp.scenario
        grid = CytokineGrid(width: sc.sheet.width, height: sc.sheet.height, cellSize: c.cellSize,
                            boundary: c.periodic ? .periodic : .closed)
        let field = try CytokineField(grid: grid, parameters: CytokineParameters(diffusion: c.diffusion, tau: c.tau))
        let columns = grid.strips(max(1, min(strips, grid.columns)))
        tiles = columns.map { field.tile(columns: $0) }
        var mp = MicrogliaParameters()
        mp.tagging.enabled = c.complementTagging
        let all = try MicrogliaPopulation(count: c.microglia, grid: grid, parameters: mp, seed: sc.seed)
        microglia = all.split(columns)
        damage = c.damage ? try ExcitotoxicDamage(neurons: bp.neuronCount) : nil
        lps = c.lps.map { LPSChallenge(time: $0.time, dose: $0.dose) }
        sources = CytokineSources(points: c.sources.map { CytokineSource(x: $0.x, y: $0.y, radius: $0.radius, rate: $0.rate,
                                                                         start: $0.start, stop: $0.stop) })
        insults = c.insults.map { Physiology.Insult(x: $0.x, y: $0.y, radius: $0.radius, start: $0.start, stop: $0.stop, strength: $0.strength) }
        positions = zip(bp.x, bp.y).map { ($0, $1) }
        release = [Double](repeating: 0, count: grid.cellCount)
        eiApplied = [Double](repeating: 1, count: bp.neuronCount)
    }

    /// The E/I shift for the coming window: per neuron, the ratio to apply to its inputs so
    /// that the applied factor becomes 1 + e·I (nil when the shift is off or unchanged).
    mutating func eiRatios(levels: [Double]) -> [Double]? {
        guard config.eiShift > 0 else { return nil }
        var ratio = [Double](repeating: 1, count: levels.count)
        var changed = false
        for i in levels.indices {
            let f = 1 + config.eiShift * levels[i]
            if abs(f - eiApplied[i]) > 1e-9 { ratio[i] = f / eiApplied[i]; eiApplied[i] = f; changed = true }
        }
        return changed ? ratio : nil
    }

    /// The whole field (strips joined).
    var values: [Double] {
        var out = [Double](repeating: 0, count: grid.cellCount)
        for t in tiles {
            for j in 0..<grid.rows { for i in t.columns { out[grid.index(column: i, row: j)] = t[column: i, row: j] } }
        }
        return out
    }

    /// Cytokine at each neuron's cell, in units of the reference level.
    func levels() -> [Double] {
        let v = values
        return positions.map { v[grid.cell(x: $0.x, y: $0.y)] / config.reference }
    }

    /// One slow step from t to t + dt [h].
    /// - Parameters:
    ///   - glucocorticoid: stress level (a cytokine source when `stress_source` > 0).
    ///   - clearance: extra clearance from anti-inflammatory drug action (1 = none).
    ///   - calcium: per-neuron NMDA-calcium drive (rate relative to baseline × unblocked).
    ///   - unblocked: per-neuron unblocked NMDA fraction (scales an insult's drive).
    ///   - candidates: structural synapses microglia may engulf (empty = none offered).
    mutating func step(at t: Double, dt: Double, glucocorticoid: Double, clearance: Double, calcium: [Double],
                       unblocked: [Double], candidates: [SynapseCandidate]) {
        steps += 1
        // Sources over the step: systemic LPS and stress, fixed sources, microglia and the dead.
        var rates = sources.rates(on: grid, from: t, dt: dt, adding: release)
        var systemic = lps.reduce(0.0) { acc, c in acc + Self.average(c, from: t, dt: dt) }
        systemic += config.stressSource * glucocorticoid
        if systemic != 0 { for k in rates.indices { rates[k] += systemic } }
        if let d = damage {
            let r = d.cytokineRelease(on: grid, positions: positions, from: t, dt: dt)
            for k in rates.indices { rates[k] += r[k] }
        }
        for k in tiles.indices { tiles[k].parameters.clearance = clearance }
        CytokineTile.step(&tiles, dt: dt, rates: rates)
        // Microglia read the new field (a tile with halos per strip).
        let field = GridArray(grid: grid, values: values)
        let damageField = damage?.field(on: grid, positions: positions) ?? GridArray(grid: grid, values: [])
        // Synapses are tagged with their complement-tag probability, set by the complement
        // output of the (primed) microglia within reach, and only those within reach
        // of a microglion that can engulf in this step are drawn (no other can be engulfed;
        // the draws are keyed by synapse, so the outcome is the same as drawing all — a
        // 10 000-neuron sheet holds over a million structural synapses). The tag is drawn
        // here, as `MicrogliaPopulation.tagged` draws it, so that only the tagged few are
        // collected, not every synapse offered (an array of 100 MB, grown each slow step).
        var tagged: [SynapseCandidate] = []
        if !candidates.isEmpty, let parameters = microglia.first?.parameters, parameters.tagging.enabled {
            let reach = MicrogliaPopulation.inReach(microglia, dt: dt, cytokine: field, points: positions)
            if reach.contains(where: \.engulfing) {
                let key = MicrogliaPopulation.tagKey(index: steps, seed: microglia[0].seed)
                // A candidate sits at its postsynaptic neuron, whose id is the low 32 bits of
                // the synapse id (`candidates(_:positions:activity:)`), so the neuron's test
                // is the synapse's.
                for c in candidates {
                    let r = reach[Int(c.id & 0xFFFF_FFFF)]
                    guard r.engulfing else { continue }
                    var o = c
                    o.tag = parameters.tagging.probability(microglia: r.complement, activity: c.activity, weight: c.weight)
                    if o.tag > 0, MicrogliaPopulation.isTagged(o, key: key) { tagged.append(o) }
                }
            }
        }
        let buckets = ReachBuckets(tagged, grid: microglia.first?.grid ?? grid, reach: microglia.first?.parameters.reach ?? 0)
        let result = MicrogliaPopulation.step(&microglia, index: steps, dt: dt, cytokine: field, damage: damageField,
                                              tagged: buckets)
        release = result.release
        for e in result.engulfed {
            engulfed.insert(SynapseKey(pre: Int32(truncatingIfNeeded: e.synapse >> 32), post: Int32(truncatingIfNeeded: e.synapse & 0xFFFF_FFFF)))
        }
        engulfedSinceRecord += result.engulfed.count
        // Damage from NMDA calcium and insults; newly dead neurons are collected.
        if var d = damage {
            let before = Set((0..<d.count).filter { d.isDead($0) })
            d.step(at: t, dt: dt, calcium: calcium, positions: positions, insults: insults, unblocked: unblocked)
            for i in 0..<d.count where d.isDead(i) && !before.contains(i) { newlyDead.append(Int32(i)); dead.insert(Int32(i)) }
            damage = d
        }
    }

    static func average(_ c: LPSChallenge, from t: Double, dt: Double) -> Double {
        // Simpson's rule over the step (the pulse is smooth on the scale of a slow step).
        (c.input(at: t) + 4 * c.input(at: t + dt / 2) + c.input(at: t + dt)) / 6
    }

    var activatedCount: Int { microglia.reduce(0) { $0 + $1.agents.filter { $0.state == .activated }.count } }
    /// Mean priming and complement output of the microglia (0 when there are none), summed in
    /// id order.
    var meanPriming: (priming: Double, complement: Double) {
        let all = microglia.flatMap(\.agents).sorted { $0.id < $1.id }
        guard !all.isEmpty else { return (0, 0) }
        return (all.reduce(0) { $0 + $1.priming } / Double(all.count), all.reduce(0) { $0 + $1.complement } / Double(all.count))
    }
    var microgliaCount: Int { microglia.reduce(0) { $0 + $1.count } }
    var meanDamage: Double { damage.map { $0.damage.reduce(0, +) / Double(max(1, $0.count)) } ?? 0 }

    /// Candidates from the gathered structural synapses: postsynaptic position, weight,
    /// presynaptic activity relative to its population, tag probability left to microglia.
    static func candidates(_ synapses: [(key: SynapseKey, weight: Float)], positions: [(x: Double, y: Double)],
                           activity: [Double]) -> [SynapseCandidate] {
        synapses.map { s in
            let p = positions[Int(s.key.post)]
            let id = UInt64(UInt32(bitPattern: s.key.pre)) << 32 | UInt64(UInt32(bitPattern: s.key.post))
            return SynapseCandidate(id: id, x: p.x, y: p.y, weight: Double(s.weight),
                                    activity: activity.isEmpty ? 1 : activity[Int(s.key.pre)], tag: 0)
        }
    }
}
