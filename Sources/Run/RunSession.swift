// The run session: the one lifecycle of every run — fast, slow clock, each arm of a
// comparison, resumed from a checkpoint, a sweep point (a child `neuroplast run`).
// Setup → the schedule `RunPlanner` made → teardown:
//
//   setup     read and verify a checkpoint to resume from; build the network; create the run
//             folder; open the recorders (spikes, metrics, frames, structure, slow.csv) and
//             the components the scenario asks for (structural plasticity, slow clock).
//   schedule  for each event in order: if it lies later in network time, advance the
//             network to it (one segment; the segment's spikes go to the record interval,
//             the structural calcium and the slow clock's window counts); then apply the
//             event (a stimulus onset or offset installs the presentations in force). Components answer with plans or effects (a rewiring plan, scaling
//             factors, cells, synapses to delete and create, neurons that died) and the
//             session applies them to the simulation: no component touches another's state.
//             The recorder writes an interval while the next segment runs; frames render
//             while it runs too (≤ 3 in flight).
//   teardown  wait for the recorder and frames, commit the streamed files, draw the
//             summary figures, write the manifest last (with the events executed).
//
// Checkpoints are events of the schedule (periodic) or follow a stop request at an event
// that allows it; they never add segment boundaries, so a resumed run delivers the same
// batches and writes the same bytes as one never interrupted.

import Foundation
import Kernel
import Plasticity
import Network
import Recording

public final class RunSession {
    /// Runs `scenario` (every arm of it, if it has arms) to a finished run folder.
    /// With ranks, every rank calls it: rank 0 writes the run folder, the others their mirror
    /// (`RankMirror`).
    public static func run(_ scenario: Scenario, options given: RunOptions) async throws -> RunResult {
        let options = try RankMirror.prepare(scenario, options: given)
        do {
            let result: RunResult
            if !scenario.arms.isEmpty, options.runDirectory == nil {
                result = try await ArmComparison.run(scenario, options: options)
            } else {
                let session = try await RunSession(scenario, options: options)
                result = try await session.execute()
            }
            try RankMirror.removeAfterRun(scenario, options: options, root: given.outputRoot, finished: true)
            return result
        } catch {
            try? RankMirror.removeAfterRun(scenario, options: options, root: given.outputRoot, finished: false)
            throw error
        }
    }

    let scenario: Scenario
    let options: RunOptions
    let schedule: RunSchedule
    let blueprint: Blueprint
    let simulation: Simulation
    let dir: String
    let started: Date
    let buildSeconds: Double
    let resume: CheckpointPayload?
    let recorder: Recorder
    /// lfp.csv, bands.csv, spectrum.csv (`record.lfp`); nil = no LFP.
    let lfpRecorder: LFPRecorder?
    let frameWriter: FrameWriter?
    var structural: StructuralDriver?
    let structureRecorder: StructureRecorder?
    var slow: SlowClockRun?
    let trialRecorder: TrialRecorder?
    let interventionRecorder: InterventionRecorder?
    /// When each synapse created during the run formed (structural interventions read it).
    var ledger: FormationLedger
    /// Neurons killed by interventions.
    var killed: Set<Int32> = []

    /// Network step now.
    var t = 0
    /// Spikes of the current record interval not yet handed to the recorder.
    var segmentSpikes: [Spike] = []
    var framesWritten = 0
    var synapseSample: (pre: [Int32], post: [Int32]) = ([], [])
    /// Structural inputs per neuron after the last structural update (fast clock).
    var spinesPerNeuron: [Int] = []
    /// The recorder's interval in flight.
    var inFlight: Task<Void, Error>?
    /// Non-checkpoint events executed (the schedule position a checkpoint stores).
    var cursor = 0
    var executed = ScheduleTally()
    var haveCheckpoint = false
    /// Slow-clock time [h] of the slow step now running (frames show it).
    var hours = 0.0
    var progress: ProgressLine
    /// Every projection's population pair, for connectome dumps.
    let allPairs: Set<[Int]>

    init(_ sc: Scenario, options: RunOptions) async throws {
        started = Date()
        scenario = sc
        self.options = options
        let frames = options.frames ? sc.frames : nil
        schedule = RunPlanner.plan(sc, frames: frames != nil, checkpointEvery: options.checkpointEvery ?? sc.checkpoint?.every)
        let (resume, bp, sim, dir) = try await RunSetup.prepare(sc, options: options)
        self.resume = resume
        blueprint = bp
        simulation = sim
        self.dir = dir
        buildSeconds = Date().timeIntervalSince(started)
        allPairs = Set(sc.projections.map { [$0.source, $0.target] })
        recorder = try Recorder(dir: dir, blueprint: bp, totalSteps: sc.time.steps,
                                rasterWindow: max(500, sc.time.recordInterval), resume: resume?.recorder)
        if let r = resume?.recorder, let step = resume?.step { try await recorder.restore(r, step: step) }
        lfpRecorder = try sc.record.lfp.map { _ in try LFPRecorder(dir: dir, scenario: sc, resume: resume?.lfp) }
        if let fc = frames, !options.isMirror {
            let fw = try FrameWriter(dir: dir + "/frames", config: fc, scenarioName: sc.name, seed: sc.seed, blueprint: bp)
            if let r = resume { await fw.resume(after: r.session.framesWritten) }
            frameWriter = fw
        } else {
            frameWriter = nil
        }
        if let cfg = sc.plasticity.structural {
            var d = StructuralDriver(config: cfg, blueprint: bp)
            if let r = resume, let s = r.structural { try d.restore(s, now: Double(r.step) * sc.time.dt) } else { d.seedElements(with: try await sim.synapses(between: d.pairs)) }
            structural = d
            structureRecorder = try StructureRecorder(dir: dir, blueprint: bp, resume: resume?.structure)
        } else {
            structureRecorder = nil
        }
        if let s = sc.slow {
            let pairs = Set(sc.projections.filter(\.structural).map { [$0.source, $0.target] })
            slow = try SlowClockRun(scenario: sc, slow: s, blueprint: bp,
                                    synapses: resume?.slow == nil ? await sim.synapses(between: pairs) : [],
                                    firstStep: schedule.firstSlowStep ?? 0, strips: options.shards, dir: dir, resume: resume?.slow)
            // A resumed run's kernels hold the GABA output of the last window start again.
            if let g = slow?.appliedGABAOutput, g.contains(where: { $0 != 1 }) { await sim.setGABAOutput(g) }
        }
        let trials = Self.bumpTrials(sc, schedule: schedule)
        if sc.record.bump != nil || !sc.record.overlap.isEmpty {
            trialRecorder = try TrialRecorder(dir: dir, blueprint: bp, trials: trials, resume: resume?.trials)
        } else {
            trialRecorder = nil
        }
        // Formation times are read by remove_spines and written into SONATA edge files.
        ledger = FormationLedger(keepsTimes: sc.interventions.contains { if case .removeSpines = $0.action { true } else { false } }
                                 || (sc.record.sonata && (!sc.record.connectome.isEmpty || sc.record.connectomeAtEnd)))
        interventionRecorder = sc.interventions.isEmpty ? nil
            : try InterventionRecorder(dir: dir, slow: sc.slow != nil, resumeAt: resume?.session.interventionBytes)
        progress = ProgressLine(total: sc.time.steps, enabled: options.progress)
        if let r = resume {
            // A checkpoint may come from anywhere: its ids, counts and schedule position are
            // checked before they index anything.
            let s = r.session, n = bp.neuronCount
            let inNetwork = { (i: Int32) in i >= 0 && Int(i) < n }
            let scheduled = schedule.events.filter { $0.kind != .checkpoint }.count
            guard (0...scheduled).contains(s.cursor), (0...(1 << 40)).contains(s.framesWritten),
                  s.segmentSpikes.steps.values.count == s.segmentSpikes.sources.values.count,
                  s.segmentSpikes.sources.values.allSatisfy(inNetwork), s.segmentSpikes.steps.values.allSatisfy({ $0 >= 0 && $0 <= r.step }),
                  s.synapseSamplePre.count == s.synapseSamplePost.count,
                  (s.synapseSamplePre + s.synapseSamplePost + (s.killed ?? [])).allSatisfy(inNetwork),
                  s.spinesPerNeuron.isEmpty || s.spinesPerNeuron.count == n,
                  s.executed.entries.values.allSatisfy({ (0...(1 << 40)).contains($0.count)
                      && $0.firstMs.count <= ScheduleTally.firstFew && $0.firstHours.count <= ScheduleTally.firstFew }) else {
                throw CheckpointError.corrupt("the session state (schedule position \(s.cursor) of \(scheduled), events executed, spikes, sampled synapses, spine counts or killed neurons) does not fit this run")
            }
            t = r.step
            cursor = r.session.cursor
            executed = r.session.executed
            segmentSpikes = r.session.segmentSpikes.spikes
            framesWritten = r.session.framesWritten
            synapseSample = (r.session.synapseSamplePre, r.session.synapseSamplePost)
            spinesPerNeuron = r.session.spinesPerNeuron
            haveCheckpoint = true
            if let f = r.session.formation { ledger = try FormationLedger(f, neurons: bp.neuronCount, interventions: sc.interventions.count, keepsTimes: ledger.keepsTimes) }
            killed = Set(r.session.killed ?? [])
            // Stimuli on at the checkpoint are on again (they are not kernel state).
            await applyStimuli()
        } else if let fc = frames {
            synapseSample = try await sim.synapseSample(count: fc.synapses)
        }
    }

    /// Runs the schedule from the session's position and tears down.
    func execute() async throws -> RunResult {
        let runStart = Date()
        do {
            let events = schedule.events
            var i = Self.position(afterExecuting: cursor, in: events)
            while i < events.count {
                let e = events[i]
                if e.step > t { try await advance(to: e.step) }
                try await apply(e)
                if e.kind != .checkpoint { cursor += 1 }
                executed.add(e, dt: scenario.time.dt)
                i += 1
                // Every rank stops at the same event: a signal reaches them at different times.
                if e.mayStop, try await simulation.anyRank(options.stop?.isRequested(now: Double(t) * scenario.time.dt) ?? false) {
                    guard try await !simulation.anyRank(!RunSetup.checkpointFits(scenario, options: options)) else {
                        throw RunError.io("stopped at \(Double(t) * scenario.time.dt) ms by a signal without a checkpoint: a checkpoint of this network would need more memory than this process may use (see `neuroplast describe`), so the run cannot be resumed")
                    }
                    // A checkpoint planned at this point serves the stop too.
                    var path: String?
                    while i < events.count, events[i].kind == .checkpoint {
                        path = try await checkpoint()
                        executed.add(events[i], dt: scenario.time.dt)
                        i += 1
                    }
                    if path == nil {
                        path = try await checkpoint()
                        executed.add(RunEvent(.checkpoint, step: t, hours: slow.map { _ in hours }), dt: scenario.time.dt)
                    }
                    throw RunStopped(directory: dir, checkpoint: path ?? "", time: Double(t) * scenario.time.dt)
                }
            }
            try await inFlight?.value
            progress.finish()
            try await frameWriter?.finish()
            try await recorder.finish()
            try lfpRecorder?.finish()
            try structureRecorder?.file.commit()
            try slow?.recorder.file.commit()
            try trialRecorder?.commit()
            try interventionRecorder?.commit()
        } catch {
            progress.finish()
            // The partial files are kept when a checkpoint needs them to resume.
            if !haveCheckpoint {
                await recorder.abandon()
                lfpRecorder?.abandon()
                structureRecorder?.file.discard()
                slow?.recorder.file.discard()
                trialRecorder?.discard()
                interventionRecorder?.discard()
                // Without a checkpoint nothing in the folder can be resumed: remove it whole, so
                // that a failed run (a full disk, a model gone non-finite) leaves no folder that
                // looks like a run. With one, the folder stays for `--resume`.
                try? await frameWriter?.finish()
                try? FileManager.default.removeItem(atPath: dir)
                if let e = error as? RunError { throw RunError.io("\(e.description); the run folder \(dir) was removed (no checkpoint to resume from)") }
            } else if let e = error as? RunError {
                throw RunError.io("\(e.description); the run folder \(dir) keeps its last checkpoint: resume with --resume once the cause is fixed")
            }
            throw error
        }
        return try await finish(runSeconds: Date().timeIntervalSince(runStart))
    }

    /// Index of the first event to run after `executed` non-checkpoint events (and the
    /// checkpoints right after them, which the stopped run wrote).
    static func position(afterExecuting executed: Int, in events: [RunEvent]) -> Int {
        var i = 0, seen = 0
        while i < events.count, seen < executed {
            if events[i].kind != .checkpoint { seen += 1 }
            i += 1
        }
        if executed > 0 { while i < events.count, events[i].kind == .checkpoint { i += 1 } }
        return i
    }

    /// One segment of network time, up to `step`.
    func advance(to step: Int) async throws {
        let spikes = try await simulation.advance(steps: step - t)
        segmentSpikes.append(contentsOf: spikes)
        structural?.observe(spikes, dt: scenario.time.dt)
        slow?.observe(spikes)
        t = step
        try trialRecorder?.observe(spikes, now: t)
        progress.update(step: t, dt: scenario.time.dt)
    }

    /// Applies one event at the current step.
    func apply(_ e: RunEvent) async throws {
        let dt = scenario.time.dt, now = Double(t) * dt
        if let h = e.hours { hours = h }
        switch e.kind {
        case .realiseSpines:
            guard var s = slow else { return }
            await simulation.flush()
            let hours = e.hours ?? 0
            let blocks = activeBlocks(now: hours)
            let change = s.realise(hours: hours, before: try await simulation.synapses(between: s.pairs),
                                   blocked: { k in blocks.contains { $0.targets.contains(k.post) } }, killed: killed,
                                   threads: options.threads)
            await simulation.apply(deleted: change.deleted, created: change.created)
            ledger.deleted(change.deleted)
            ledger.created(change.created.map(\.key), at: hours)
            notePrevented(change.prevented, blocks: blocks)
            slow = s
            if options.checkInvariants {
                let problems = try await simulation.storageProblems()
                if !problems.isEmpty { throw RunError.invalid("storage invariants broken at \(e.hours ?? 0) h: \(problems.prefix(5))") }
            }
        case .windowStart:
            lfpRecorder?.startWindow(now: now)
            await applyStimuli()
            guard var s = slow else { return }
            // Cytokines shift excitation/inhibition (TNF-α: more AMPA, fewer GABA_A receptors).
            if let ratio = s.startWindow(step: t) {
                await simulation.flush()
                await simulation.scaleInputs(ratio, fromExcitatory: true, wMax: 10)
                await simulation.scaleInputs(ratio.map { 1 / $0 }, fromExcitatory: false, wMax: 10)
            }
            await simulation.setCells(s.cells(at: now))
            // PV cells that lost their phenotype release less GABA: spikes still pending
            // between shards are delivered first with the output they were sent under.
            if let g = s.gabaOutputChange() {
                await simulation.flush()
                await simulation.setGABAOutput(g)
            }
            slow = s
        case .connectome, .connectomeEnd:
            try await ConnectomeDump.write(dir: dir, time: now, synapses: await simulation.synapses(between: allPairs))
            if blueprint.scenario.record.sonata {
                try SonataNetwork.writeNodes(dir: dir, blueprint: blueprint)
                let ledger = self.ledger
                try SonataNetwork.writeEdges(dir: dir, time: now, blueprint: blueprint, edges: await simulation.edges(),
                                             formed: { ledger.formationTime(of: $0) }, formationUnit: slow == nil ? "ms" : "h")
            }
        case .driveChange:
            await simulation.setCells(slow?.cells(at: now) ?? blueprint.cellModels(at: now))
        case .stimulus:
            await applyStimuli()
        case .structural:
            try await rewire(now: now)
        case .homeostasis:
            guard let h = scenario.plasticity.homeostasis else { return }
            // Synaptic scaling (Turrigiano 1998) from the interval's rates.
            let interval = Double(max(1, Int((scenario.time.recordInterval / dt).rounded()))) * dt
            let factor = Homeostat.factors(h, spikes: segmentSpikes, blueprint: blueprint, interval: interval)
            await simulation.scaleExcitatoryInputs(factor, wMax: 10)
        case .record:
            let state = try await simulation.takeState()
            try await recordLFP(now: now)
            let batch = segmentSpikes
            segmentSpikes = []
            try await inFlight?.value
            let end = t, recorder = self.recorder
            inFlight = Task { try await recorder.interval(endStep: end, spikes: batch, means: state) }
        case .frame:
            try await frame(now: now)
        case .windowEnd:
            slow?.endWindow()
            if slow != nil { try lfpRecorder?.endWindow(now: now, hours: hours) }
        case .slowStep:
            guard var s = slow else { return }
            let dead = try s.step()
            if e.mayStop, !dead.isEmpty {
                // Neurons that died fall silent and lose every synapse (pending spikes first).
                await simulation.flush()
                await simulation.silence(dead)
                let gone = try await simulation.synapses(touching: Set(dead))
                await simulation.apply(deleted: gone, created: [])
                ledger.deleted(gone)
                s.recount(try await simulation.synapses(between: s.pairs))
            }
            slow = s
        case .intervention:
            try await intervene(at: e)
        case .checkpoint:
            _ = try await checkpoint()
        }
    }

    /// The trials of `record.bump`: each presentation of the cue whose delay ends inside its
    /// window (the whole run on the fast clock).
    static func bumpTrials(_ sc: Scenario, schedule: RunSchedule) -> [BumpTrial] {
        guard let b = sc.record.bump, let near = sc.stimuli[b.cue].target.near else { return [] }
        let dt = sc.time.dt
        let delay = Int((b.delay / dt).rounded()), window = Int((b.window / dt).rounded())
        let ends = RunPlanner.windowSpans(sc)
        return schedule.presentations.filter { $0.stimulus == b.cue }.compactMap { p in
            let end = p.off + delay
            guard ends.contains(where: { $0.start <= p.on && end <= $0.end }) else { return nil }
            return BumpTrial(index: p.repetition, cueStep: p.on, cueAngle: near.centre(repetition: p.repetition),
                             w1: p.off..<(p.off + window), w2: (end - window)..<end, hours: p.hours)
        }
    }

    /// Installs the stimulus presentations in force from step t on. A pure function of t and
    /// the plan, so a resumed run sets the same ones (`restoreStimuli`).
    func applyStimuli() async {
        guard !schedule.presentations.isEmpty else { return }
        let active = StimulusPlan.active(schedule.presentations, at: t).map { p in
            let s = scenario.stimuli[p.stimulus]
            return ActiveStimulus(index: p.stimulus, targets: blueprint.targets(of: s, repetition: p.repetition),
                                  input: blueprint.kernelInput(of: s, onset: p.on))
        }
        await simulation.setStimuli(active)
    }

    /// A structural update: pending spikes first (they were emitted before the change), then
    /// the plan decided centrally, then every shard applies its part.
    func rewire(now: Double) async throws {
        guard var d = structural, let sr = structureRecorder else { return }
        await simulation.flush()
        let plan = d.update(now: now, synapses: try await simulation.synapses(between: d.pairs), threads: options.threads)
        let blocks = activeBlocks(now: now)
        let prevented = plan.created.filter { k in blocks.contains { $0.targets.contains(k.post) } }
        d.discardCreated(prevented)
        notePrevented(prevented, blocks: blocks)
        let created = plan.created.filter { k in !blocks.contains { $0.targets.contains(k.post) } }
            .compactMap { k in d.spec(for: k).map { (key: k, delay: $0.delay) } }
        await simulation.apply(deleted: plan.deleted, created: created)
        ledger.deleted(plan.deleted)
        ledger.created(created.map(\.key), at: now)
        spinesPerNeuron = try await simulation.inDegrees()
        let after = try await simulation.synapses(between: d.pairs)
        if options.checkInvariants {
            let problems = d.checkInvariants(after) + (try await simulation.storageProblems())
            if !problems.isEmpty {
                throw RunError.invalid("structural invariants broken at \(now) ms: " + problems.prefix(5).joined(separator: "; "))
            }
        }
        try sr.record(now: now, synapses: after, driver: &d, spinesPerNeuron: spinesPerNeuron)
        structural = d
    }

    /// A frame of the network now, with structural or slow-clock quantities when present.
    func frame(now: Double) async throws {
        guard let fw = frameWriter else {
            // Rank 0 draws the frame; another rank sends its neurons' potentials.
            if options.isMirror { _ = try await simulation.currentPotentials() }
            return
        }
        try await inFlight?.value
        var extra: [PerNeuronQuantity] = []
        if let d = structural {
            extra.append(PerNeuronQuantity(key: "calcium", label: "calcium", unit: "", values: d.calcium(at: now).map { Float($0) }))
            extra.append(PerNeuronQuantity(key: "spines", label: "spines per neuron", unit: "", values: spinesPerNeuron.map { Float($0) }))
        }
        var snap = await FrameSnapshotBuilder.make(recorder: recorder, blueprint: blueprint, time: now,
                                                   vNow: try await simulation.currentPotentials(), synapses: synapseSample, extra: extra)
        slow?.decorate(&snap, hours: hours)
        try await fw.submit(snap)
        framesWritten += 1
    }

    /// Writes the checkpoint for the current position (after the event just applied).
    func checkpoint() async throws -> String {
        try await inFlight?.value
        inFlight = nil
        try await frameWriter?.finish()
        let payload = CheckpointPayload(
            program: NeuroplastVersion.string, step: t, totalSteps: schedule.totalSteps,
            simulation: await simulation.captureState(),
            session: SessionState(cursor: cursor, executed: executed, segmentSpikes: SpikeList(segmentSpikes),
                                  framesWritten: framesWritten, synapseSamplePre: synapseSample.pre,
                                  synapseSamplePost: synapseSample.post, spinesPerNeuron: spinesPerNeuron,
                                  formation: ledger.state, killed: killed.sorted(), interventionBytes: try interventionRecorder?.sync()),
            recorder: try await recorder.captureState(), structural: structural?.state,
            structure: try structureRecorder?.captureState(), slow: try slow?.capture(),
            lfp: try lfpRecorder?.captureState(), trials: try trialRecorder?.captureState())
        let path = try CheckpointFile.write(payload, scenarioYAML: scenario.resolvedYAML, runDir: dir)
        haveCheckpoint = true
        return path
    }

    /// Figures, the result and the manifest (last: its presence means the folder is complete).
    func finish(runSeconds: Double) async throws -> RunResult {
        let total = scenario.time.steps
        var videoNote: String?
        if let fw = frameWriter, options.video || (scenario.frames?.video ?? false) { videoNote = await fw.assembleVideo() }
        var series = await recorder.currentSeries()
        if let sr = structureRecorder { series += sr.calciumSeries + sr.spineSeries }
        let info = await recorder.populationInfo
        try SummaryFigure.write(dir: dir, scenario: scenario, series: series, populations: info, spectrum: lfpRecorder?.spectrum)
        if let s = slow { try SlowFigure.write(dir: dir, scenario: scenario, series: s.recorder.allSeries, populations: info) }
        var result = RunResult(directory: dir, neurons: blueprint.neuronCount, synapses: await simulation.synapseCount,
                               spikes: await recorder.totalSpikes, buildSeconds: buildSeconds, runSeconds: runSeconds,
                               totalSeconds: Date().timeIntervalSince(started), summary: await recorder.runSummary(endStep: total),
                               frames: framesWritten, note: videoNote)
        result.liveSynapses = try await simulation.liveSynapses()
        if let w = try await simulation.plasticityWarning() { result.note = [result.note, w].compactMap { $0 }.joined(separator: "\n") }
        result.series = series
        result.slowSeries = slow?.recorder.allSeries ?? []
        result.resumedAt = resume.map { Double($0.step) * scenario.time.dt }
        result.executed = executed
        result.bump = scenario.record.bump == nil ? nil : trialRecorder?.summary
        try await Manifest.write(dir: dir, scenario: scenario, options: options, result: result,
                                 epochSteps: simulation.epochSteps, synapseBytes: simulation.synapseBytes)
        return result
    }
}
