// The built `neuroplast` executable, run as a user would: exit codes, located messages on
// stderr, and no run folder for bad input.

import Foundation
import Testing
@_exported import TestSupport

/// A scenario with one fault per case, written to a file, run through `neuroplast run`.
struct CLIFault: Sendable, CustomStringConvertible {
    var name: String
    var yaml: String
    var args: [String] = []
    var status: Int32
    var says: String
    var description: String { name }
}

let base = """
schema: 1
name: cli-tiny
time: {dt: 0.1 ms, duration: 20 ms}
sheet: {width: 200 um, height: 200 um}
populations:
  - {name: pyr, count: 40}
  - {name: pv, class: pv, count: 10}
projections:
  - {from: pyr, to: pv, ampa: 1 nS, connectivity: {rule: random, p: 0.2}}
drive:
  - {population: pyr, poisson: {rate: 1 kHz, weight: 2 nS}}
"""

let cliFaults: [CLIFault] = [
    CLIFault(name: "syntax", yaml: base.replacingOccurrences(of: "count: 40}", with: "count: 40"), status: 65, says: "bad.yaml:7:5: YAML syntax error"),
    CLIFault(name: "unknown key", yaml: base.replacingOccurrences(of: "name: cli-tiny", with: "nmae: cli-tiny"), status: 65, says: "bad.yaml:2:1: unknown key `nmae`"),
    CLIFault(name: "dimension", yaml: base.replacingOccurrences(of: "duration: 20 ms", with: "duration: 20 nS"), status: 65, says: "bad.yaml:3:30: `time.duration` must be a time"),
    CLIFault(name: "negative count", yaml: base.replacingOccurrences(of: "count: 10", with: "count: -10"), status: 65, says: "bad.yaml:7:34: `populations[1].count` must be at least 1"),
    CLIFault(name: "probability", yaml: base.replacingOccurrences(of: "p: 0.2", with: "p: 2"), status: 65, says: "must be at most 1"),
    CLIFault(name: "bad --set path", yaml: base, args: ["--set", "populations.interneuron.count=3"], status: 64, says: "--set #1:1:1"),
    CLIFault(name: "bad --set value", yaml: base, args: ["--set", "time.dt=0.1"], status: 65, says: "needs a unit"),
    CLIFault(name: "bad --threads", yaml: base, args: ["--threads", "0"], status: 64, says: "--threads"),
]

@Suite(.serialized) struct CLITests {
    @Test(arguments: cliFaults)
    func badInputExitsWithLocationAndNoRunFolder(_ f: CLIFault) throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try f.yaml.write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "bad.yaml", "--out", dir + "/out"] + f.args, cwd: dir)
        #expect(r.status == f.status, "\(f.name): exit \(r.status), stderr: \(r.err)")
        #expect(r.err.contains(f.says), "\(f.name): stderr was: \(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"), "\(f.name): a run folder was created")
    }

    @Test func unreadableFileIsAUsageError() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(["run", dir + "/missing.yaml", "--out", dir + "/out"])
        #expect(r.status == 64)
        #expect(r.err.contains("missing.yaml:1:1: the scenario file does not exist"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }

    @Test func validateReportsEveryFileAndShippedScenariosAreValid() throws {
        let scenarios = try FileManager.default.contentsOfDirectory(atPath: CLI.root + "/Scenarios").filter { $0.hasSuffix(".yaml") }
        #expect(scenarios.count >= 3)
        let r = try CLI.run(["validate"] + scenarios.map { CLI.root + "/Scenarios/" + $0 })
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.split(separator: "\n").count == scenarios.count)
    }

    @Test func runWritesRunFolder() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try base.write(toFile: dir + "/ok.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "ok.yaml", "--out", dir + "/out", "--run-id", "r1", "--seed", "5"], cwd: dir)
        #expect(r.status == 0, "\(r.err)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/out/cli-tiny/r1")
        for f in ["manifest.json", "metrics.csv", "spikes.bin", "neurons.csv", "scenario.resolved.yaml", "summary.json"] {
            #expect(files.contains(f), "missing \(f) in \(files)")
        }
        #expect(r.err.isEmpty, "no progress line when stderr is not a terminal: \(r.err)")
    }

    @Test func describeShowsSizeAndSchedule() throws {
        let r = try CLI.run(["describe", CLI.root + "/Scenarios/baseline-pfc.yaml"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("schedule"))
        #expect(r.out.contains("synapses"))
        #expect(r.out.contains("memory"))
    }
}
