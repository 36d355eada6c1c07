// Test support: the built `neuroplast` executable (next to the test bundle, or
// NEUROPLAST_BIN), a runner for it, temporary folders, and a tiny base scenario whose
// points run in a fraction of a second.

import Foundation
import Testing

enum CLI {
    static let executable: String = {
        if let p = ProcessInfo.processInfo.environment["NEUROPLAST_BIN"] { return p }
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("neuroplast").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return dir.appendingPathComponent("neuroplast").path
    }()

    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    struct Result { var status: Int32; var out: String; var err: String }

    static func run(_ args: [String], cwd: String? = nil, env: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        if !env.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 } }
        let scratch = tempDir()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outFile = scratch + "/out", errFile = outFile + ".err"
        FileManager.default.createFile(atPath: outFile, contents: nil)
        FileManager.default.createFile(atPath: errFile, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: outFile)
        p.standardError = FileHandle(forWritingAtPath: errFile)
        try p.run()
        p.waitUntilExit()
        return Result(status: p.terminationStatus,
                      out: (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? "",
                      err: (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? "")
    }

    static func tempDir() -> String {
        let d = NSTemporaryDirectory() + "neuroplast-sweep-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}

/// A 100-neuron network, 150 ms: a point takes ~0.1 s in a debug build.
let tinyBase = """
schema: 1
name: sweep-tiny
time: {dt: 0.1 ms, duration: 150 ms, record_interval: 50 ms, transient: 50 ms}
sheet: {width: 200 um, height: 200 um}
populations:
  - {name: E, count: 80}
  - {name: I, class: pv, count: 20}
projections:
  - {from: E, to: I, ampa: 1.5 nS, connectivity: {rule: random, p: 0.2}}
  - {from: I, to: E, gaba_a: 4 nS, connectivity: {rule: random, p: 0.2}}
drive:
  - {population: E, poisson: {rate: 2 kHz, weight: 1 nS}}
  - {population: I, poisson: {rate: 2 kHz, weight: 1 nS}}

"""

/// A 2 × 2 × 2 sweep over `tinyBase`.
let tinySweep = """
sweep: 1
name: tiny
base: base.yaml
axes:
  - {key: drive.0.poisson.rate, name: drive, values: [1.5 kHz, 2.5 kHz]}
  - {key: projections.1.gaba_a, name: g_inh, values: [2 nS, 6 nS]}
  - {seeds: [1, 2]}

"""

/// Writes `tinyBase` and a sweep file into a new folder; returns the sweep file's path.
func writeSweep(_ sweep: String = tinySweep, base: String = tinyBase, in dir: String = CLI.tempDir()) throws -> String {
    try base.write(toFile: dir + "/base.yaml", atomically: true, encoding: .utf8)
    try sweep.write(toFile: dir + "/sweep.yaml", atomically: true, encoding: .utf8)
    return dir + "/sweep.yaml"
}
