// Runner: one scenario run from a validated `Scenario` to a finished run folder.
// Builds the network, creates `Output/<scenario>/<run-id>/`, drives the simulation in
// segments that end at recording and frame times, feeds the recorder (and frame writer)
// while the next segment runs, and writes the manifest last.

import Foundation
import Kernel

public enum Runner {
    public static func run(_ scenario: Scenario, options: RunOptions) async throws -> RunResult {
        let t0 = Date()
        let bp = Blueprint(scenario: scenario)
        let sim = await Simulation(blueprint: bp, options: options)
        let buildSeconds = Date().timeIntervalSince(t0)

        let dir = try RunDirectory.create(root: options.outputRoot ?? scenario.output.directory,
                                          scenario: scenario.name, runID: options.runID, seed: scenario.seed)
        try writeAtomically(Data(scenario.resolvedYAML.utf8), to: dir + "/scenario.resolved.yaml")
        let dt = scenario.time.dt
        let total = scenario.time.steps
        let recordSteps = max(1, Int((scenario.time.recordInterval / dt).rounded()))
        let frameConfig = options.frames ? scenario.frames : nil
        let frameSteps = frameConfig.map { max(1, Int(($0.every / dt).rounded())) }
        let recorder = try Recorder(dir: dir, blueprint: bp, totalSteps: total,
                                    rasterWindow: max(500, scenario.time.recordInterval))
        var frameWriter: FrameWriter?
        if let fc = frameConfig {
            frameWriter = try FrameWriter(dir: dir + "/frames", config: fc, scenarioName: scenario.name,
                                          seed: scenario.seed, blueprint: bp)
        }
        var progress = ProgressLine(total: total, enabled: options.progress)
        let runStart = Date()
        var inFlight: Task<Void, Error>?
        var segmentSpikes: [Spike] = []
        var framesWritten = 0
        var synapseSample: (pre: [Int32], post: [Int32]) = ([], [])
        if let fc = frameConfig { synapseSample = await sim.synapseSample(count: fc.synapses) }
        do {
            var t = 0
            while t < total {
                var next = min(total, (t / recordSteps + 1) * recordSteps)
                if let fs = frameSteps { next = min(next, (t / fs + 1) * fs) }
                let spikes = await sim.advance(steps: next - t)
                segmentSpikes.append(contentsOf: spikes)
                t = next
                let isRecord = t % recordSteps == 0 || t == total
                if isRecord {
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
                    let snap = await FrameSnapshotBuilder.make(recorder: recorder, blueprint: bp, time: Double(t) * dt,
                                                               vNow: vNow, synapses: synapseSample)
                    try await fw.submit(snap)
                    framesWritten += 1
                }
                progress.update(step: t, dt: dt)
            }
            try await inFlight?.value
            progress.finish()
            try await frameWriter?.finish()
            try await recorder.finish()
        } catch {
            progress.finish()
            await recorder.abandon()
            throw error
        }
        let runSeconds = Date().timeIntervalSince(runStart)
        let summary = await recorder.runSummary(endStep: total)
        let spikes = await recorder.totalSpikes
        var videoNote: String?
        if let fw = frameWriter, options.video || (frameConfig?.video ?? false) {
            videoNote = await fw.assembleVideo()
        }
        let series = await recorder.currentSeries()
        let info = await recorder.populationInfo
        try SummaryFigure.write(dir: dir, scenario: scenario, series: series, populations: info)
        let result = RunResult(directory: dir, neurons: bp.neuronCount, synapses: await sim.synapseCount, spikes: spikes,
                               buildSeconds: buildSeconds, runSeconds: runSeconds,
                               totalSeconds: Date().timeIntervalSince(t0), summary: summary, frames: framesWritten,
                               note: videoNote)
        try Manifest.write(dir: dir, scenario: scenario, options: options, result: result,
                           epochSteps: await sim.epochSteps, synapseBytes: await sim.synapseBytes)
        return result
    }
}

/// Creates the run folder `<root>/<scenario>/<run-id>/`.
enum RunDirectory {
    static func create(root: String, scenario: String, runID: String?, seed: UInt64) throws -> String {
        let fm = FileManager.default
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
