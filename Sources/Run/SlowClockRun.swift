// The slow clock as a component of a run session: the slow biology (drugs, block, stress,
// cascade, spine pools, inflammation), the realisation of its spine turnover as synapses,
// and slow.csv. It never touches the network: it answers what the session should do — the
// cells of a window, the E/I shift, the synapses to delete and create, the neurons that
// died — and the session applies that to the simulation.
//
// Quasi-steady state: slow processes see the last window's activity; a window sees the
// slow state of its start (frozen during the window).

import Foundation
import Kernel
import Physiology
import Plasticity
import NeuroplastCore
import Network
import Recording

struct SlowClockRun {
    let slow: SlowBiology
    let blueprint: Blueprint
    /// (pre, post) population pairs whose synapses are spines (structural projections).
    let pairs: Set<[Int]>
    var driver: SlowBiologyDriver
    var realiser: SpineRealiser
    let recorder: SlowRecorder
    /// Structural inputs per neuron in the network (spines), global order.
    var spines: [Int]
    var lastRealised: Double                 // [h]
    var lastFormation: Double?, lastElimination: Double?
    /// Whether the current slow step ran a window (for its slow.csv row).
    var windowRan = false
    /// Spikes per population and per neuron in the current window after its settling time.
    var windowCounts: [Int] = []
    var windowPerNeuron: [Double] = []
    var statsFrom = 0
    /// The GABA_A output scale per population the kernels hold now (1 as built).
    var appliedGABAOutput: [Float]

    /// `synapses`: the structural synapses now; `strips`: the inflammation's strips (shards).
    init(scenario sc: Scenario, slow: SlowBiology, blueprint bp: Blueprint, synapses: [(key: SynapseKey, weight: Float)],
         firstStep: Int, strips: Int, dir: String, resume: SlowCheckpoint?) throws {
        self.slow = slow
        blueprint = bp
        pairs = Set(sc.projections.filter(\.structural).map { [$0.source, $0.target] })
        if let c = resume { try Self.check(c, neurons: bp.neuronCount) }
        spines = resume?.spines.values ?? Self.counts(synapses, neurons: bp.neuronCount)
        driver = try SlowBiologyDriver(scenario: sc, blueprint: bp, slow: slow, spines: spines,
                                       start: Double(firstStep) * slow.clock.step, strips: strips)
        realiser = SpineRealiser(scenario: sc, blueprint: bp, clock: slow.clock)
        recorder = try SlowRecorder(dir: dir, populations: sc.populations.map(\.name),
                                    drugs: driver.concentrations().map(\.drug), inflammation: driver.inflammation != nil,
                                    pvPopulations: slow.pharmacology == nil ? [] : sc.populations.indices.filter { sc.populations[$0].cellClass == "pv" },
                                    resume: resume.map { ($0.recorderBytes, $0.series, $0.seriesOrder) })
        recorder.dosed = Set((slow.pharmacology?.doses.map(\.drug) ?? []) + (slow.pharmacology?.curves.map(\.drug) ?? []))
        lastRealised = Double(firstStep) * slow.clock.step
        appliedGABAOutput = [Float](repeating: 1, count: sc.populations.count)
        if let c = resume {
            try driver.restore(c.driver)
            appliedGABAOutput = c.appliedGABAOutput
            realiser.rewiring.restore(c.rewiring)
            realiser.updates = c.realiserUpdates
            lastRealised = c.lastRealised
            lastFormation = c.lastFormation; lastElimination = c.lastElimination
        }
    }

    /// Highest spine count of a neuron a checkpoint may hold: the counts are summed over
    /// the network for every slow.csv row, which must not overflow.
    static let maxSpines = 1 << 32

    /// The slow clock's own fields of a checkpoint against a network of `n` neurons (a
    /// checkpoint may come from anywhere); the driver's state is checked by its `restore`.
    static func check(_ c: SlowCheckpoint, neurons n: Int) throws {
        func bad(_ what: String) -> CheckpointError { .corrupt("the slow clock's \(what)") }
        guard c.spines.values.count == n, c.spines.values.allSatisfy({ (0...maxSpines).contains($0) }) else {
            throw bad("spine counts do not fit this network of \(n) neurons, or lie outside 0…\(maxSpines)")
        }
        if let problem = c.rewiring.mismatch(neurons: n) { throw bad("site memory: \(problem)") }
        guard c.realiserUpdates <= RewiringState.maxUpdates else {
            throw bad("realisation counter \(c.realiserUpdates) lies beyond \(RewiringState.maxUpdates)")
        }
        guard c.lastRealised.isFinite else { throw bad("last realisation time \(c.lastRealised) h is not finite") }
        guard c.appliedGABAOutput.count == c.driver.block.count, c.appliedGABAOutput.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw bad("GABA output scales (one per population, 0…1) do not fit")
        }
    }

    static func counts(_ syn: [(key: SynapseKey, weight: Float)], neurons: Int) -> [Int] {
        var c = [Int](repeating: 0, count: neurons)
        for s in syn { c[Int(s.key.post)] += 1 }
        return c
    }

    // MARK: realisation

    /// The synapses to delete and create at slow time `hours`, from the structural synapses
    /// now (`before`, sorted): microglial engulfment since the last time first, then the
    /// pools' formation and elimination (stochastically rounded, see `SpineRealiser`).
    /// `blocked`: synapses a formation block keeps from forming (counted in `prevented`);
    /// `killed`: neurons killed by an intervention, which neither lose, form nor offer synapses.
    /// `threads`: threads for formation's distance factors (the result is the same for any count).
    mutating func realise(hours: Double, before all: [(key: SynapseKey, weight: Float)],
                          blocked: (SynapseKey) -> Bool = { _ in false }, killed: Set<Int32> = [], threads: Int = 1)
        -> (deleted: [SynapseKey], created: [(key: SynapseKey, delay: UInt16)], prevented: [SynapseKey]) {
        var before = all
        let engulfed = driver.takeEngulfed()
        let eaten = before.filter { engulfed.contains($0.key) }.map(\.key)
        if !eaten.isEmpty { before.removeAll { engulfed.contains($0.key) } }
        var plan = realiser.plan(now: hours * 3_600_000, synapses: before, formation: driver.pendingFormation,
                                 elimination: driver.pendingElimination, stress: driver.glucocorticoid,
                                 dead: (driver.inflammation?.dead ?? []).union(killed), threads: threads)
        driver.lostSpines(eaten)
        plan.deleted = (plan.deleted + eaten).sorted()
        let prevented = plan.created.filter(blocked)
        let created = plan.created.filter { !blocked($0) }.compactMap { key in
            blueprint.delaySteps(pre: Int(key.pre), post: Int(key.post)).map { (key: key, delay: $0) }
        }
        let days = (hours - lastRealised) / 24
        let spineTotal = Double(before.count + eaten.count)
        lastFormation = spineTotal > 0 ? Double(created.count) / spineTotal / days * 100 : nil
        lastElimination = spineTotal > 0 ? Double(plan.deleted.count) / spineTotal / days * 100 : nil
        lastRealised = hours
        spines = Self.counts(before, neurons: blueprint.neuronCount)
        let eatenSet = Set(eaten)
        for k in plan.deleted where !eatenSet.contains(k) { spines[Int(k.post)] -= 1 }
        for c in created { spines[Int(c.key.post)] += 1 }
        if driver.inflammation != nil {
            // What microglia may engulf until the next realisation: the synapses now.
            let gone = Set(plan.deleted)
            var now = before.filter { !gone.contains($0.key) }
            now += created.map { (key: $0.key, weight: Float(1)) }
            now.sort { $0.key < $1.key }
            driver.offer(now)
        }
        driver.clearPendingTurnover()
        return (plan.deleted, created, prevented)
    }

    // MARK: windows

    /// The cells of a window or of a switch inside one: the blueprint's at network time
    /// `time` [ms], with every population's NMDA conductance scaled by the share of its
    /// receptors neither blocked nor knocked down, the AMPA conductance by the drugs', and
    /// the constant current less the resting I_h an HCN block removes.
    func cells(at time: Double) -> [CellModel] {
        var cells = blueprint.cellModels(at: time)
        let ampa = driver.ampaScale, hcn = driver.effects["hcn_block"] ?? 0
        for p in cells.indices {
            cells[p].nmdaUnblocked *= driver.nmdaAvailable(p)
            cells[p].ampaScale = ampa
            cells[p].current += HCNBlock.currentShift(cellClass: blueprint.scenario.populations[p].cellClass, block: hcn)
        }
        return cells
    }

    /// The GABA_A output scales for the coming window if they differ from the ones the
    /// kernels hold (the PV phenotype moved), and records them as applied.
    mutating func gabaOutputChange() -> [Float]? {
        let now = driver.gabaOutput
        guard now != appliedGABAOutput else { return nil }
        appliedGABAOutput = now
        return now
    }

    /// Starts a window at network step `step`: the E/I shift to apply first, if it changed.
    mutating func startWindow(step: Int) -> [Double]? {
        windowRan = true
        windowCounts = [Int](repeating: 0, count: blueprint.scenario.populations.count)
        windowPerNeuron = [Double](repeating: 0, count: blueprint.neuronCount)
        statsFrom = step + Int((slow.clock.settle / blueprint.scenario.time.dt).rounded())
        return driver.eiShift()
    }

    /// Counts a window's spikes after its settling time.
    mutating func observe(_ spikes: [Spike]) {
        guard windowRan else { return }
        for s in spikes where s.step >= statsFrom {
            windowCounts[Int(blueprint.populationOf[Int(s.source)])] += 1
            windowPerNeuron[Int(s.source)] += 1
        }
    }

    /// Ends a window: its rates feed the slow biology.
    mutating func endWindow() {
        let dt = blueprint.scenario.time.dt
        let seconds = Double(Int((slow.clock.window / dt).rounded()) - Int((slow.clock.settle / dt).rounded())) * dt / 1000
        driver.observeWindow(rates: blueprint.scenario.populations.indices.map {
            Double(windowCounts[$0]) / Double(blueprint.range(of: $0).count) / seconds
        }, neuronRates: windowPerNeuron.map { $0 / seconds })
    }

    // MARK: the slow step

    /// Advances the slow biology one step, writes its slow.csv row, and returns the neurons
    /// that died in it (to be silenced, with their synapses removed).
    mutating func step() throws -> [Int32] {
        driver.step(dt: slow.clock.step)
        let d = driver
        let spinyCount = max(1, d.spiny.filter { $0 }.count)
        let spinyTotal = spines.enumerated().reduce(0) { $0 + (d.spiny[$1.offset] ? $1.element : 0) }
        var row = SlowRecorder.Row(
            time: d.time, window: windowRan,
            concentrations: d.concentrations().map { ($0.plasma, $0.brainFree) },
            block: d.block, glucocorticoid: d.glucocorticoid,
            bdnf: d.spinyMean(d.signalling.bdnf), mtor: d.spinyMean(d.signalling.mtor),
            proteins: d.spinyMean(d.signalling.proteins), drive: d.spinyMean(d.signalling.drive),
            spines: pairs.isEmpty ? nil : Double(spinyTotal) / Double(spinyCount),
            spinesModel: d.spinyMean(d.pools.new.indices.map { d.pools.total($0) }),
            formation: lastFormation, elimination: lastElimination, rates: d.lastRate,
            inflammation: d.inflammation.map { infl in
                let v = infl.values
                return SlowRecorder.InflammationRow(
                    cytokineMean: v.reduce(0, +) / Double(max(1, v.count)) / infl.config.reference,
                    cytokineMax: (v.max() ?? 0) / infl.config.reference, microglia: infl.microgliaCount,
                    activated: infl.activatedCount, primed: infl.meanPriming.priming, complement: infl.meanPriming.complement, engulfed: infl.engulfedSinceRecord, damageMean: infl.meanDamage,
                    dead: infl.dead.count)
            })
        row.pvOutput = d.pv.phenotype
        row.oxidativeLoad = d.pv.load
        try recorder.write(row)
        driver.inflammation?.engulfedSinceRecord = 0
        windowRan = false
        return driver.takeDeaths()
    }

    /// After the network removed the synapses of dead neurons: the spines now.
    mutating func recount(_ synapses: [(key: SynapseKey, weight: Float)]) {
        spines = Self.counts(synapses, neurons: blueprint.neuronCount)
    }

    // MARK: frames

    /// The slow state drawn on a frame at slow time `hours`: block, BDNF and spines per
    /// neuron, the phase line, the cytokine overlay, microglia and dead neurons.
    func decorate(_ snap: inout FrameSnapshot, hours: Double) {
        let block = blueprint.populationOf.map { Float(driver.block[Int($0)]) }
        snap.quantities += [
            PerNeuronQuantity(key: "block", label: "NMDA block", unit: "", values: block, range: 0...1),
            PerNeuronQuantity(key: "bdnf", label: "BDNF (relative)", unit: "", values: driver.signalling.bdnf.map { Float($0) },
                              range: 0...3),
            PerNeuronQuantity(key: "spines", label: "spines per neuron", unit: "", values: spines.map { Float($0) }),
        ]
        let day = Int(hours / 24), hh = Int(hours.truncatingRemainder(dividingBy: 24))
        let mm = Int((hours * 60).truncatingRemainder(dividingBy: 60).rounded(.down))
        var phase = String(format: "day %d, %02d:%02d", day, hh, mm)
        if let c = driver.concentrations().first(where: { $0.brainFree > 1e-3 }) {
            phase += String(format: " · %@ %.2f µM", c.drug, c.brainFree)
        }
        if let m = driver.block.max(), m > 0.005 { phase += String(format: " · block up to %.0f%%", m * 100) }
        if let infl = driver.inflammation {
            let v = infl.values
            snap.overlay = FieldOverlay(label: "cytokine", unit: "rel.", columns: infl.grid.columns, rows: infl.grid.rows,
                                        cellSize: infl.grid.cellSize, values: v.map { Float($0 / infl.config.reference) },
                                        range: 0...Float(max(1, (v.max() ?? 0) / infl.config.reference)))
            snap.sprites = infl.microglia.flatMap(\.agents).sorted { $0.id < $1.id }
                .map { Sprite(x: Float($0.x), y: Float($0.y), state: $0.state == .activated ? Sprite.activated : Sprite.surveilling) }
            if infl.damage != nil { snap.dead = (0..<blueprint.neuronCount).map { infl.dead.contains(Int32($0)) } }
            if infl.activatedCount > 0 { phase += " · \(infl.activatedCount) microglia activated" }
            if !infl.dead.isEmpty { phase += " · \(infl.dead.count) dead" }
        }
        snap.phase = phase
    }

    // MARK: checkpoints

    func capture() throws -> SlowCheckpoint {
        let rec = try recorder.capture()
        return SlowCheckpoint(lastRealised: lastRealised, lastFormation: lastFormation, lastElimination: lastElimination,
                              spines: PackedArray(spines), driver: driver.state, appliedGABAOutput: appliedGABAOutput,
                              rewiring: realiser.rewiring.state,
                              realiserUpdates: realiser.updates, recorderBytes: rec.bytes, series: rec.series, seriesOrder: rec.order)
    }
}
