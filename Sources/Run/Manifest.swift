// manifest.json: what was run, how, and how long it took — enough to reproduce a run
// (resolved scenario and its hash, seed, program version, threads and shards) and to
// compare runs (wall times, counts, the firing summary).

import Foundation
import Kernel
import Network
import Recording

enum Manifest {
    static func write(dir: String, scenario: Scenario, options: RunOptions, result: RunResult,
                      epochSteps: Int, synapseBytes: Int) throws {
        var summary: [String: Any] = [:]
        for (name, s) in result.summary {
            summary[name] = ["rate_hz": s.rate, "cv_isi": s.cv as Any? ?? NSNull(), "synchrony": s.synchrony as Any? ?? NSNull()]
        }
        // The run folder's files, and those of its `network/` folder (SONATA) as network/<name>.
        func listing(_ sub: String) -> [String] {
            let path = sub.isEmpty ? dir : dir + "/" + sub
            return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasSuffix(".partial") }
                .flatMap { name in name == "network" && sub.isEmpty ? listing("network") : [sub.isEmpty ? name : sub + "/" + name] }
        }
        let files = listing("").sorted()
        let m: [String: Any] = [
            "program": "neuroplast",
            // The run folder's layout (the files and their columns), for readers such as
            // python/: raised when a file a reader relies on changes incompatibly.
            "format": "neuroplast-run",
            "format_version": 1,
            "version": NeuroplastVersion.string,
            "git_commit": ProcessInfo.processInfo.environment["NEUROPLAST_GIT_COMMIT"] ?? NSNull(),
            "scenario": [
                "name": scenario.name,
                "file": options.scenarioPath ?? NSNull(),
                "sha256": SHA256.hex(scenario.resolvedYAML),
                "resolved": "scenario.resolved.yaml",
            ] as [String: Any],
            "seed": scenario.seed,
            "threads": options.threads,
            "shards": options.shards,
            "ranks": options.ranks?.size ?? 1,
            "chunk_size": options.chunkSize,
            "clock": [
                "dt_ms": scenario.time.dt,
                "duration_ms": scenario.time.duration,
                "record_interval_ms": scenario.time.recordInterval,
                "epoch_steps": epochSteps,
                "slow_clock": scenario.slow.map { c -> Any in
                    [
                        "step_h": c.clock.step, "duration_h": c.clock.duration, "window_ms": c.clock.window,
                        "settle_ms": c.clock.settle, "structural_every_h": c.clock.structuralEvery,
                        "windows": c.clock.windowTimes().count,
                        "cadence": c.clock.cadence.map { ["until_h": $0.until, "every_h": $0.every] },
                        "approximation": "quasi-steady state: slow processes see the last fast window's activity; fast windows see the slow state frozen",
                    ] as [String: Any]
                } ?? NSNull(),
            ] as [String: Any],
            "network": [
                "neurons": result.neurons,
                "synapses": result.synapses,
                "synapse_bytes": synapseBytes,
            ] as [String: Any],
            "spikes": result.spikes,
            "schedule_executed": result.executed.json,
            "frames": result.frames,
            "wall_seconds": [
                "build": result.buildSeconds,
                "run": result.runSeconds,
                "total": result.totalSeconds,
            ],
            "summary_after_transient": summary,
            "bump": result.bump?.json ?? NSNull(),
            "notes": result.note ?? NSNull(),
            "files": Array(Set(files + ["manifest.json", "summary.json"])).sorted(),
            "finished_at": ISO8601DateFormatter().string(from: Date()),
        ]
        // summary.json first: manifest.json is written last, so its presence means the run
        // folder is complete.
        let s = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
        try writeAtomically(s, to: dir + "/summary.json")
        let data = try JSONSerialization.data(withJSONObject: m, options: [.prettyPrinted, .sortedKeys])
        try writeAtomically(data, to: dir + "/manifest.json")
    }
}
