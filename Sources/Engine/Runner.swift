// Runner: one scenario run from a validated `Scenario` to a finished run folder.
// Builds the network, creates `Output/<scenario>/<run-id>/`, drives the simulation in
// segments that end at recording and frame times, feeds the recorder (and frame writer)
// while the next segment runs, and writes the manifest last. At segment boundaries it
// writes checkpoints (periodically, and when asked to stop) and can resume from one
// (see Checkpoint.swift): segment boundaries never depend on checkpoints, so a resumed run
// writes the same bytes as one that was never interrupted.

import Foundation
import Kernel
import Plasticity

public enum Runner {
    public static func run(_ scenario: Scenario, options: RunOptions) async throws -> RunResult {
        if !scenario.arms.isEmpty, options.runDirectory == nil { return try await ArmsRunner.run(scenario, options: options) }
        if let slow = scenario.slow { return try await SlowRunner.run(scenario, slow: slow, options: options) }
        let t0 = Date()
        let (resume, bp, sim, dir) = try await RunSetup.prepare(scenario, options: options)
        let buildSeconds = Date().timeIntervalSince(t0)
        let dt = scenario.time.dt
        let total = scenario.time.steps
        let recordSteps = max(1, Int((scenario.time.recordInterval / dt).rounded()))
        let frameConfig = options.frames ? scenario.frames : nil
        let frameSteps = frameConfig.map { max(1, Int(($0.every / dt).rounded())) }
        let recorder = try Recorder(dir: dir, blueprint: bp, totalSteps: total,
                                    rasterWindow: max(500, scenario.time.recordInterval), resume: resume?.recorder)
        if let r = resume?.recorder { await recorder.restore(r) }
        var frameWriter: FrameWriter?
        if let fc = frameConfig {
            frameWriter = try FrameWriter(dir: dir + "/frames", config: fc, scenarioName: scenario.name,
                                          seed: scenario.seed, blueprint: bp)
            if let r = resume { await frameWriter?.resume(after: r.runner.framesWritten) }
        }
        var progress = ProgressLine(total: total, enabled: options.progress)
        let runStart = Date()
        var inFlight: Task<Void, Error>?
        var segmentSpikes: [Spike] = resume?.runner.segmentSpikes.spikes ?? []
        var framesWritten = resume?.runner.framesWritten ?? 0
        var synapseSample: (pre: [Int32], post: [Int32]) = ([], [])
        if let r = resume {
            synapseSample = (r.runner.synapseSamplePre, r.runner.synapseSamplePost)
        } else if let fc = frameConfig {
            synapseSample = await sim.synapseSample(count: fc.synapses)
        }
        // Structural plasticity: its own interval; elements start equal to existing synapses.
        var structural: StructuralDriver?
        var structureRecorder: StructureRecorder?
        let structSteps = scenario.plasticity.structural.map { max(1, Int(($0.interval / dt).rounded())) }
        if let cfg = scenario.plasticity.structural {
            var d = StructuralDriver(config: cfg, blueprint: bp)
            if let s = resume?.structural {
                try d.restore(s)
            } else {
                d.seedElements(with: await sim.synapses(between: d.pairs))
            }
            structural = d
            structureRecorder = try StructureRecorder(dir: dir, blueprint: bp, resume: resume?.structure)
        }
        var spinesPerNeuron: [Int] = resume?.runner.spinesPerNeuron ?? []
        let start = resume?.step ?? 0
        // Steps at which a drive switches on or off (lesions, protocols).
        var driveSwitches = bp.driveChanges.map { Int(($0 / dt).rounded()) }.filter { $0 > 0 && $0 < total && $0 > start }
        var connectomeSteps = scenario.record.connectome.map { Int(($0 / dt).rounded()) }.filter { $0 <= total && (start == 0 || $0 > start) }
        let allPairs = Set(scenario.projections.map { [$0.source, $0.target] })
        // Checkpoints: at the first segment boundary at or after each multiple of the interval,
        // and at the next boundary after a stop request.
        let checkpointSteps = (options.checkpointEvery ?? scenario.checkpoint?.every).map { max(1, Int(($0 / dt).rounded())) }
        var nextCheckpoint = checkpointSteps.map { (start / $0 + 1) * $0 }
        var haveCheckpoint = resume != nil
        do {
            var t = start
            /// Writes the checkpoint for step t (after the boundary's work is done).
            func checkpoint() async throws -> String {
                try await inFlight?.value
                inFlight = nil
                try await frameWriter?.finish()
                let payload = CheckpointPayload(
                    program: NeuroplastVersion.string, step: t, totalSteps: total,
                    simulation: await sim.captureState(),
                    runner: RunnerLoopState(segmentSpikes: SpikeList(segmentSpikes), framesWritten: framesWritten,
                                            synapseSamplePre: synapseSample.pre, synapseSamplePost: synapseSample.post,
                                            spinesPerNeuron: spinesPerNeuron),
                    recorder: try await recorder.captureState(), structural: structural?.state,
                    structure: try structureRecorder?.captureState())
                let path = try CheckpointFile.write(payload, scenarioYAML: scenario.resolvedYAML, runDir: dir)
                haveCheckpoint = true
                return path
            }
            // A connectome requested at the very start is written before the first step.
            if t == 0, connectomeSteps.first == 0 {
                connectomeSteps.removeFirst()
                try await ConnectomeDump.write(dir: dir, time: 0, synapses: await sim.synapses(between: allPairs))
            }
            while t < total {
                var next = min(total, (t / recordSteps + 1) * recordSteps)
                if let sw = driveSwitches.first { next = min(next, sw) }
                if let cs = connectomeSteps.first(where: { $0 > t }) { next = min(next, cs) }
                if let fs = frameSteps { next = min(next, (t / fs + 1) * fs) }
                if let ss = structSteps { next = min(next, (t / ss + 1) * ss) }
                let spikes = await sim.advance(steps: next - t)
                segmentSpikes.append(contentsOf: spikes)
                structural?.observe(spikes, dt: dt)
                t = next
                while let cs = connectomeSteps.first, cs <= t {
                    connectomeSteps.removeFirst()
                    try await ConnectomeDump.write(dir: dir, time: Double(t) * dt, synapses: await sim.synapses(between: allPairs))
                }
                if driveSwitches.first == t {
                    driveSwitches.removeFirst()
                    await sim.applyDrives(at: Double(t) * dt)
                }
                if let ss = structSteps, t % ss == 0, var d = structural, let sr = structureRecorder {
                    // Rewire: pending spikes first (they were emitted before the change), then
                    // decide centrally, then every shard applies its part.
                    await sim.flush()
                    let now = Double(t) * dt
                    let plan = d.update(now: now, synapses: await sim.synapses(between: d.pairs))
                    let created = plan.created.compactMap { k in d.spec(for: k).map { (key: k, delay: $0.delay) } }
                    await sim.apply(deleted: plan.deleted, created: created)
                    spinesPerNeuron = await sim.inDegrees()
                    let after = await sim.synapses(between: d.pairs)
                    if options.checkInvariants {
                        let problems = d.checkInvariants(after) + (await sim.storageProblems())
                        if !problems.isEmpty {
                            throw RunError.invalid("structural invariants broken at \(now) ms: " + problems.prefix(5).joined(separator: "; "))
                        }
                    }
                    try sr.record(now: now, synapses: after, driver: &d, spinesPerNeuron: spinesPerNeuron)
                    structural = d
                }
                let isRecord = t % recordSteps == 0 || t == total
                if isRecord {
                    if let h = scenario.plasticity.homeostasis {
                        // Synaptic scaling (Turrigiano 1998) from the interval's rates.
                        let factor = Homeostat.factors(h, spikes: segmentSpikes, blueprint: bp,
                                                       interval: Double(recordSteps) * dt)
                        await sim.scaleExcitatoryInputs(factor, wMax: 10)
                    }
                    let state = await sim.takeState()
                    let batch = segmentSpikes
                    segmentSpikes = []
                    try await inFlight?.value
                    let end = t
                    inFlight = Task { try await recorder.interval(endStep: end, spikes: batch, means: state) }
                }
                if let fs = frameSteps, let fw = frameWriter, t % fs == 0 {
                    try await inFlight?.value
                    let vNow = await sim.currentPotentials()
                    var extra: [PerNeuronQuantity] = []
                    if let d = structural {
                        extra.append(PerNeuronQuantity(key: "calcium", label: "calcium", unit: "",
                                                       values: d.calcium(at: Double(t) * dt).map { Float($0) }))
                        extra.append(PerNeuronQuantity(key: "spines", label: "spines per neuron", unit: "",
                                                       values: spinesPerNeuron.map { Float($0) }))
                    }
                    let snap = await FrameSnapshotBuilder.make(recorder: recorder, blueprint: bp, time: Double(t) * dt,
                                                               vNow: vNow, synapses: synapseSample, extra: extra)
                    try await fw.submit(snap)
                    framesWritten += 1
                }
                if t < total {
                    let stop = options.stop?.isRequested(now: Double(t) * dt) ?? false
                    if stop || nextCheckpoint.map({ t >= $0 }) ?? false {
                        let path = try await checkpoint()
                        if let every = checkpointSteps { nextCheckpoint = (t / every + 1) * every }
                        if stop { throw RunStopped(directory: dir, checkpoint: path, time: Double(t) * dt) }
                    }
                }
                progress.update(step: t, dt: dt)
            }
            try await inFlight?.value
            progress.finish()
            try await frameWriter?.finish()
            try await recorder.finish()
            try structureRecorder?.file.commit()
        } catch {
            progress.finish()
            // The partial files are kept when a checkpoint needs them to resume.
            if !haveCheckpoint {
                await recorder.abandon()
                structureRecorder?.file.discard()
            }
            throw error
        }
        let runSeconds = Date().timeIntervalSince(runStart)
        let summary = await recorder.runSummary(endStep: total)
        let spikes = await recorder.totalSpikes
        var videoNote: String?
        if let fw = frameWriter, options.video || (frameConfig?.video ?? false) {
            videoNote = await fw.assembleVideo()
        }
        var series = await recorder.currentSeries()
        if let sr = structureRecorder { series += sr.calciumSeries + sr.spineSeries }
        let info = await recorder.populationInfo
        try SummaryFigure.write(dir: dir, scenario: scenario, series: series, populations: info)
        var result = RunResult(directory: dir, neurons: bp.neuronCount, synapses: sim.synapseCount, spikes: spikes,
                               buildSeconds: buildSeconds, runSeconds: runSeconds,
                               totalSeconds: Date().timeIntervalSince(t0), summary: summary, frames: framesWritten,
                               note: videoNote)
        result.liveSynapses = await sim.liveSynapses()
        if let w = await sim.plasticityWarning() { result.note = [result.note, w].compactMap { $0 }.joined(separator: "\n") }
        result.resumedAt = resume.map { Double($0.step) * dt }
        try Manifest.write(dir: dir, scenario: scenario, options: options, result: result,
                           epochSteps: sim.epochSteps, synapseBytes: sim.synapseBytes)
        return result
    }
}

/// What every run does first: read and verify a checkpoint to resume from (before any heavy
/// work), build the network and restore it, create the run folder (clearing stale
/// checkpoints of a fresh run) and write the resolved scenario.
enum RunSetup {
    static func prepare(_ scenario: Scenario, options: RunOptions) async throws
        -> (resume: CheckpointPayload?, blueprint: Blueprint, simulation: Simulation, directory: String) {
        let root = options.outputRoot ?? scenario.output.directory
        var resume: CheckpointPayload?
        if options.resume {
            guard let id = options.runID ?? options.runDirectory else { throw RunError.invalid("resuming needs the run's --run-id") }
            let runDir = options.runDirectory ?? root + "/" + scenario.name + "/" + id
            resume = try CheckpointFile.read(runDir: runDir, scenarioYAML: scenario.resolvedYAML)
            if let r = resume, (r.slow != nil) != (scenario.slow != nil) {
                throw CheckpointError.foreign("the checkpoint is one of a \(r.slow != nil ? "slow-clock" : "fast") run; this scenario is not")
            }
        }
        let bp = Blueprint(scenario: scenario)
        let sim = await Simulation(blueprint: bp, options: options)
        if let r = resume { try await sim.restore(r.simulation) }
        let dir = try RunDirectory.create(root: root, scenario: scenario.name, runID: options.runID, seed: scenario.seed,
                                          exact: options.runDirectory)
        if resume == nil { try? FileManager.default.removeItem(atPath: CheckpointFile.folder(dir)) }  // stale ones
        try writeAtomically(Data(scenario.resolvedYAML.utf8), to: dir + "/scenario.resolved.yaml")
        return (resume, bp, sim, dir)
    }
}

/// Creates the run folder `<root>/<scenario>/<run-id>/`.
enum RunDirectory {
    /// `exact`: use this folder as it is (an arm of a comparison run).
    static func create(root: String, scenario: String, runID: String?, seed: UInt64, exact: String? = nil) throws -> String {
        let fm = FileManager.default
        if let exact {
            do { try fm.createDirectory(atPath: exact, withIntermediateDirectories: true) } catch {
                throw RunError.io("cannot create the run folder \(exact): \(error.localizedDescription)")
            }
            return exact
        }
        let base = root + "/" + scenario
        var id = runID ?? {
            let f = DateFormatter()
            f.dateFormat = "yyyyMMdd-HHmmss"
            f.timeZone = TimeZone(identifier: "UTC")
            return f.string(from: Date()) + "-seed\(seed)"
        }()
        if runID == nil {
            var k = 2
            let stem = id
            while fm.fileExists(atPath: base + "/" + id) { id = "\(stem)-\(k)"; k += 1 }
        }
        let dir = base + "/" + id
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw RunError.io("cannot create the run folder \(dir): \(error.localizedDescription)")
        }
        return dir
    }
}
