// The two-clock run. Slow steps of Δt_slow hours advance drugs, stress, signalling and
// spine pools; at the scenario's cadence a fast window of W ms of spiking runs with the
// slow state frozen (receptor block set per population), and its rates feed the next slow
// steps. Structural change is applied to the network before windows, at most every
// `structural_every` hours.
//
// The schedule, per slow step k (t = k·Δt_slow; stress episodes before 0 run first, with
// no windows — the "initial condition" protocol):
//   1. if a window is due at t (t ≥ 0): set NMDA block on every population, run W ms of
//      network time in record intervals (metrics.csv, spikes, frames), take its rates;
//   2. advance PK to t + Δt, block and effects, stress, the cascade and the pools;
//   0. (before 1) if `structural_every` has passed since the last time, realise the pools'
//      formation and elimination as synapses (pending spikes flushed first, decided
//      centrally, applied by every shard) — at window times, so each window sees them;
//   3. write the slow.csv row for t + Δt.
// This is a quasi-steady-state approximation: slow processes see the last window's
// activity; windows see the slow state of their start.

import Foundation
import Kernel
import Physiology
import Plasticity
import NeuroplastCore

enum SlowRunner {
    static func run(_ scenario: Scenario, slow: SlowBiology, options: RunOptions) async throws -> RunResult {
        let t0 = Date()
        let (resume, bp, sim, dir) = try await RunSetup.prepare(scenario, options: options)
        let buildSeconds = Date().timeIntervalSince(t0)
        let clock = slow.clock
        let dt = scenario.time.dt
        let total = scenario.time.steps
        let windowSteps = Int((clock.window / dt).rounded())
        let settleSteps = Int((clock.settle / dt).rounded())
        let recordSteps = max(1, Int((scenario.time.recordInterval / dt).rounded()))
        let recorder = try Recorder(dir: dir, blueprint: bp, totalSteps: total, rasterWindow: max(500, scenario.time.recordInterval),
                                    resume: resume?.recorder)
        if let r = resume?.recorder { await recorder.restore(r) }
        let frameConfig = options.frames ? scenario.frames : nil
        var frameWriter: FrameWriter?
        if let fc = frameConfig {
            frameWriter = try FrameWriter(dir: dir + "/frames", config: fc, scenarioName: scenario.name, seed: scenario.seed, blueprint: bp)
            if let r = resume { await frameWriter?.resume(after: r.runner.framesWritten) }
        }
        var synapseSample: (pre: [Int32], post: [Int32]) = ([], [])
        if let r = resume {
            synapseSample = (r.runner.synapseSamplePre, r.runner.synapseSamplePost)
        } else if let fc = frameConfig {
            synapseSample = await sim.synapseSample(count: fc.synapses)
        }
        let pairs = Set(scenario.projections.filter(\.structural).map { [$0.source, $0.target] })
        func spineCounts(_ syn: [(key: SynapseKey, weight: Float)]) -> [Int] {
            var c = [Int](repeating: 0, count: bp.neuronCount)
            for s in syn { c[Int(s.key.post)] += 1 }
            return c
        }
        var spines: [Int]
        if let saved = resume?.slow?.spines.values { spines = saved } else { spines = spineCounts(await sim.synapses(between: pairs)) }
        // Start on the slow grid at or before the earliest stress episode.
        let pre = slow.stress.map(\.start).min().map { min(0, $0) } ?? 0
        let startStep = Int((pre / clock.step).rounded(.down))
        var driver = try SlowBiologyDriver(scenario: scenario, blueprint: bp, slow: slow, spines: spines,
                                           start: Double(startStep) * clock.step, strips: options.shards)
        var realiser = SpineRealiser(scenario: scenario, blueprint: bp, clock: clock)
        let slowRec = try SlowRecorder(dir: dir, populations: scenario.populations.map(\.name),
                                       drugs: driver.concentrations().map(\.drug), inflammation: driver.inflammation != nil,
                                       resume: resume?.slow.map { ($0.recorderBytes, $0.series, $0.seriesOrder) })
        slowRec.dosed = Set((slow.pharmacology?.doses.map(\.drug) ?? []) + (slow.pharmacology?.curves.map(\.drug) ?? []))
        let windowTimes = clock.windowTimes()
        var nextWindow = 0
        var progress = ProgressLine(total: total, enabled: options.progress)
        let runStart = Date()
        var t = 0          // network step
        var framesWritten = 0
        var lastFormation: Double?, lastElimination: Double?
        var lastRealised = Double(startStep) * clock.step
        var firstStep = startStep
        if let c = resume?.slow {
            try driver.restore(c.driver)
            realiser.rewiring.restore(c.rewiring)
            realiser.updates = c.realiserUpdates
            firstStep = c.nextStep; t = c.networkStep; nextWindow = c.nextWindow; lastRealised = c.lastRealised
            lastFormation = c.lastFormation; lastElimination = c.lastElimination; framesWritten = c.framesWritten
        }
        var haveCheckpoint = resume != nil
        // Periodic checkpoints by network time, as in fast runs, at the end of a slow step.
        let checkpointSteps = (options.checkpointEvery ?? scenario.checkpoint?.every).map { max(1, Int(($0 / dt).rounded())) }
        var nextCheckpoint = checkpointSteps.map { (t / $0 + 1) * $0 }
        let spinyCount = max(1, driver.spiny.filter { $0 }.count)
        let frameSteps = frameConfig.map { max(1, Int(($0.every / dt).rounded())) }
        do {
            for k in firstStep..<clock.stepCount {
                let hours = Double(k) * clock.step
                var windowRan = false
                let windowDue = k >= 0 && nextWindow < windowTimes.count && abs(windowTimes[nextWindow] - hours) < 1e-9
                // Excitotoxic deaths of the last step: the neurons fall silent and lose every
                // synapse (pending spikes delivered first).
                if let dead = driver.inflammation?.newlyDead, !dead.isEmpty {
                    await sim.flush()
                    await sim.silence(dead)
                    await sim.apply(deleted: await sim.synapses(touching: Set(dead)), created: [])
                    driver.inflammation?.newlyDead = []
                    spines = spineCounts(await sim.synapses(between: pairs))
                }
                // 0. Structure: before a window (so it sees the new synapses), at most once per
                //    `structural_every`, and at the last step.
                // Before the run (a stress protocol) structure changes slowly: realise it daily.
                let every = k < 0 ? max(clock.structuralEvery, 24) : clock.structuralEvery
                if !pairs.isEmpty, (windowDue || k == clock.stepCount - 1 || k < 0 && k + 1 - startStep > 0),
                   hours - lastRealised >= every - 1e-9 || (k == 0 && lastRealised < 0) {
                    await sim.flush()
                    var before = await sim.synapses(between: pairs)
                    // Synapses engulfed by microglia since the last time go first.
                    let engulfed = driver.inflammation?.engulfed ?? []
                    let eaten = before.filter { engulfed.contains($0.key) }.map(\.key)
                    if !eaten.isEmpty { before.removeAll { engulfed.contains($0.key) } }
                    driver.inflammation?.engulfed = []
                    var plan = realiser.plan(now: hours * 3_600_000, synapses: before, formation: driver.pendingFormation,
                                             elimination: driver.pendingElimination, stress: driver.glucocorticoid,
                                             dead: driver.inflammation?.dead ?? [])
                    let microglialLoss = eaten.count
                    for k in eaten { driver.pools.remove(Int(k.post)) }
                    plan.deleted = (plan.deleted + eaten).sorted()
                    let created = plan.created.compactMap { key in delay(for: key, bp: bp).map { (key: key, delay: $0) } }
                    await sim.apply(deleted: plan.deleted, created: created)
                    let days = (hours - lastRealised) / 24
                    let spineTotal = Double(before.count + microglialLoss)
                    lastFormation = spineTotal > 0 ? Double(created.count) / spineTotal / days * 100 : nil
                    lastElimination = spineTotal > 0 ? Double(plan.deleted.count) / spineTotal / days * 100 : nil
                    lastRealised = hours
                    spines = spineCounts(before)
                    let eatenSet = Set(eaten)
                    for k in plan.deleted where !eatenSet.contains(k) { spines[Int(k.post)] -= 1 }
                    for c in created { spines[Int(c.key.post)] += 1 }
                    if driver.inflammation != nil {
                        // What microglia may engulf until the next realisation: the synapses now.
                        let gone = Set(plan.deleted)
                        var now = before.filter { !gone.contains($0.key) }
                        now += created.map { (key: $0.key, weight: Float(1)) }
                        now.sort { $0.key < $1.key }
                        driver.candidates = InflammationDriver.candidates(now, positions: driver.inflammation!.positions,
                                                                          activity: driver.neuronActivity)
                    }
                    for i in driver.pendingFormation.indices { driver.pendingFormation[i] = 0; driver.pendingElimination[i] = 0 }
                    if options.checkInvariants {
                        let problems = await sim.storageProblems()
                        if !problems.isEmpty { throw RunError.invalid("storage invariants broken at \(hours) h: \(problems.prefix(5))") }
                    }
                }
                // 1. A fast window.
                if windowDue {
                    nextWindow += 1
                    windowRan = true
                    // Cytokines shift excitation/inhibition (TNF-α: more AMPA, fewer GABA_A receptors).
                    if let levels = driver.inflammation.map({ _ in driver.inflammationLevel }),
                       let ratio = driver.inflammation?.eiRatios(levels: levels) {
                        await sim.flush()
                        await sim.scaleInputs(ratio, fromExcitatory: true, wMax: 10)
                        await sim.scaleInputs(ratio.map { 1 / $0 }, fromExcitatory: false, wMax: 10)
                    }
                    var cells = bp.cellModels(at: Double(t) * dt)
                    for p in cells.indices { cells[p].nmdaUnblocked *= 1 - driver.block[p] }
                    await sim.setCells(cells)
                    var counts = [Int](repeating: 0, count: scenario.populations.count)
                    var perNeuron = [Double](repeating: 0, count: bp.neuronCount)
                    let end = t + windowSteps
                    let statsFrom = t + settleSteps
                    while t < end {
                        let next = min(end, (t / recordSteps + 1) * recordSteps)
                        let spikes = await sim.advance(steps: next - t)
                        for s in spikes where s.step >= statsFrom {
                            counts[Int(bp.populationOf[Int(s.source)])] += 1
                            perNeuron[Int(s.source)] += 1
                        }
                        t = next
                        let state = await sim.takeState()
                        try await recorder.interval(endStep: t, spikes: spikes, means: state)
                        if let fs = frameSteps, let fw = frameWriter, t % fs == 0 {
                            let snap = await frameSnapshot(recorder: recorder, bp: bp, sim: sim, driver: driver, spines: spines,
                                                           time: Double(t) * dt, hours: hours, synapses: synapseSample)
                            try await fw.submit(snap)
                            framesWritten += 1
                        }
                        progress.update(step: t, dt: dt)
                    }
                    let seconds = Double(windowSteps - settleSteps) * dt / 1000
                    driver.observeWindow(rates: scenario.populations.indices.map {
                        Double(counts[$0]) / Double(bp.range(of: $0).count) / seconds
                    }, neuronRates: perNeuron.map { $0 / seconds })
                }
                // 2. Slow processes.
                driver.step(dt: clock.step)
                // 3. The slow record.
                let spinyTotal = spines.enumerated().reduce(0) { $0 + (driver.spiny[$1.offset] ? $1.element : 0) }
                try slowRec.write(SlowRecorder.Row(
                    time: driver.time, window: windowRan,
                    concentrations: driver.concentrations().map { ($0.plasma, $0.brainFree) },
                    block: driver.block, glucocorticoid: driver.glucocorticoid,
                    bdnf: driver.spinyMean(driver.signalling.bdnf), mtor: driver.spinyMean(driver.signalling.mtor),
                    proteins: driver.spinyMean(driver.signalling.proteins), drive: driver.spinyMean(driver.signalling.drive),
                    spines: pairs.isEmpty ? nil : Double(spinyTotal) / Double(spinyCount),
                    spinesModel: driver.spinyMean(driver.pools.new.indices.map { driver.pools.total($0) }),
                    formation: lastFormation, elimination: lastElimination, rates: driver.lastRate,
                    inflammation: driver.inflammation.map { infl in
                        let v = infl.values
                        let row = SlowRecorder.InflammationRow(
                            cytokineMean: v.reduce(0, +) / Double(max(1, v.count)) / infl.config.reference,
                            cytokineMax: (v.max() ?? 0) / infl.config.reference, microglia: infl.microgliaCount,
                            activated: infl.activatedCount, engulfed: infl.engulfedSinceRecord, damageMean: infl.meanDamage,
                            dead: infl.dead.count)
                        return row
                    }))
                driver.inflammation?.engulfedSinceRecord = 0
                // 4. Checkpoint at the end of the step: periodically, and when asked to stop.
                if k + 1 < clock.stepCount {
                    let stop = options.stop?.isRequested(now: Double(t) * dt) ?? false
                    if stop || nextCheckpoint.map({ t >= $0 }) ?? false {
                        try await frameWriter?.finish()
                        let rec = try slowRec.capture()
                        let loop = SlowCheckpoint(nextStep: k + 1, networkStep: t, nextWindow: nextWindow, lastRealised: lastRealised,
                                                  lastFormation: lastFormation, lastElimination: lastElimination,
                                                  framesWritten: framesWritten, spines: PackedArray(spines), driver: driver.state,
                                                  rewiring: realiser.rewiring.state, realiserUpdates: realiser.updates,
                                                  recorderBytes: rec.bytes, series: rec.series, seriesOrder: rec.order)
                        let payload = CheckpointPayload(
                            program: NeuroplastVersion.string, step: t, totalSteps: total, simulation: await sim.captureState(),
                            runner: RunnerLoopState(segmentSpikes: SpikeList([]), framesWritten: framesWritten,
                                                    synapseSamplePre: synapseSample.pre, synapseSamplePost: synapseSample.post,
                                                    spinesPerNeuron: []),
                            recorder: try await recorder.captureState(), structural: nil, structure: nil, slow: loop)
                        let path = try CheckpointFile.write(payload, scenarioYAML: scenario.resolvedYAML, runDir: dir)
                        haveCheckpoint = true
                        if let every = checkpointSteps { nextCheckpoint = (t / every + 1) * every }
                        if stop { throw RunStopped(directory: dir, checkpoint: path, time: Double(t) * dt) }
                    }
                }
            }
            progress.finish()
            try await frameWriter?.finish()
            try await recorder.finish()
            try slowRec.file.commit()
        } catch {
            progress.finish()
            // The partial files are kept when a checkpoint needs them to resume.
            if !haveCheckpoint {
                await recorder.abandon()
                slowRec.file.discard()
            }
            throw error
        }
        let runSeconds = Date().timeIntervalSince(runStart)
        let summary = await recorder.runSummary(endStep: total)
        var videoNote: String?
        if let fw = frameWriter, options.video || (frameConfig?.video ?? false) { videoNote = await fw.assembleVideo() }
        let info = await recorder.populationInfo
        try SummaryFigure.write(dir: dir, scenario: scenario, series: await recorder.currentSeries(), populations: info)
        try SlowFigure.write(dir: dir, scenario: scenario, series: slowRec.allSeries, populations: info)
        var result = RunResult(directory: dir, neurons: bp.neuronCount, synapses: sim.synapseCount,
                               spikes: await recorder.totalSpikes, buildSeconds: buildSeconds, runSeconds: runSeconds,
                               totalSeconds: Date().timeIntervalSince(t0), summary: summary, frames: framesWritten, note: videoNote)
        result.liveSynapses = await sim.liveSynapses()
        if let w = await sim.plasticityWarning() { result.note = [result.note, w].compactMap { $0 }.joined(separator: "\n") }
        result.slowSeries = slowRec.allSeries
        result.resumedAt = resume.map { Double($0.step) * dt }
        try Manifest.write(dir: dir, scenario: scenario, options: options, result: result,
                           epochSteps: sim.epochSteps, synapseBytes: sim.synapseBytes)
        return result
    }

    /// Delay of a new structural synapse: the projection's synaptic delay plus distance/velocity.
    static func delay(for k: SynapseKey, bp: Blueprint) -> UInt16? {
        let sc = bp.scenario
        let s = Int(bp.populationOf[Int(k.pre)]), t = Int(bp.populationOf[Int(k.post)])
        guard let pr = sc.projections.first(where: { $0.source == s && $0.target == t }) else { return nil }
        let d = pr.velocity > 0 ? bp.distance(Int(k.pre), Int(k.post)) / pr.velocity : 0
        let steps = max(1, Int(((pr.synapticDelay + d) / sc.time.dt).rounded()))
        return UInt16(min(steps, Int(UInt16.max)))
    }

    static func frameSnapshot(recorder: Recorder, bp: Blueprint, sim: Simulation, driver: SlowBiologyDriver, spines: [Int],
                              time: Double, hours: Double, synapses: (pre: [Int32], post: [Int32])) async -> FrameSnapshot {
        let block = bp.populationOf.map { Float(driver.block[Int($0)]) }
        let extra = [
            PerNeuronQuantity(key: "block", label: "NMDA block", unit: "", values: block, range: 0...1),
            PerNeuronQuantity(key: "bdnf", label: "BDNF (relative)", unit: "", values: driver.signalling.bdnf.map { Float($0) },
                              range: 0...3),
            PerNeuronQuantity(key: "spines", label: "spines per neuron", unit: "", values: spines.map { Float($0) }),
        ]
        let day = Int(hours / 24), hh = Int(hours.truncatingRemainder(dividingBy: 24)), mm = Int((hours * 60).truncatingRemainder(dividingBy: 60).rounded(.down))
        var phase = String(format: "day %d, %02d:%02d", day, hh, mm)
        if let c = driver.concentrations().first(where: { $0.brainFree > 1e-3 }) {
            phase += String(format: " · %@ %.2f µM", c.drug, c.brainFree)
        }
        if let m = driver.block.max(), m > 0.005 { phase += String(format: " · block up to %.0f%%", m * 100) }
        var snap = await FrameSnapshotBuilder.make(recorder: recorder, blueprint: bp, time: time, vNow: await sim.currentPotentials(),
                                                   synapses: synapses, extra: extra, phase: phase)
        if let infl = driver.inflammation {
            // The cytokine field as a translucent overlay, microglia as sprites, dead neurons.
            let v = infl.values
            snap.overlay = FieldOverlay(label: "cytokine", unit: "rel.", columns: infl.grid.columns, rows: infl.grid.rows,
                                        cellSize: infl.grid.cellSize, values: v.map { Float($0 / infl.config.reference) },
                                        range: 0...Float(max(1, (v.max() ?? 0) / infl.config.reference)))
            snap.sprites = infl.microglia.flatMap(\.agents).sorted { $0.id < $1.id }
                .map { Sprite(x: Float($0.x), y: Float($0.y), state: $0.state == .activated ? Sprite.activated : Sprite.surveilling) }
            if infl.damage != nil { snap.dead = (0..<bp.neuronCount).map { infl.dead.contains(Int32($0)) } }
            if infl.activatedCount > 0 { phase += " · \(infl.activatedCount) microglia activated" }
            if !infl.dead.isEmpty { phase += " · \(infl.dead.count) dead" }
            snap.phase = phase
        }
        return snap
    }
}
