// Bad sweep files: each fault is reported by `plan` with its file:line:column in the sweep
// file (or the point and the scenario's message), all at once, and nothing is planned.

import Experiments
import Foundation
import InputReading
import Testing

struct SweepFault: Sendable, CustomStringConvertible {
    var name: String
    var sweep: String
    /// Expected in one diagnostic ("sweep.yaml:L:C: …" and a fragment of the message).
    var at: String
    var says: String
    var description: String { name }
}

let sweepFaults: [SweepFault] = [
    SweepFault(name: "unknown key path", sweep: tinySweep.replacingOccurrences(of: "key: drive.0.poisson.rate", with: "key: drve.0.poisson.rate"),
               at: "sweep.yaml:5:54", says: "key path `drve` does not exist (did you mean `drive`?)"),
    SweepFault(name: "unknown leaf key", sweep: tinySweep.replacingOccurrences(of: "projections.1.gaba_a", with: "projections.1.gaba"),
               at: "sweep.yaml:6:53", says: "unknown key `gaba`"),
    SweepFault(name: "empty axis", sweep: tinySweep.replacingOccurrences(of: "values: [2 nS, 6 nS]", with: "values: []"),
               at: "sweep.yaml:6:", says: "is empty; an axis needs at least one value"),
    SweepFault(name: "type mismatch", sweep: tinySweep.replacingOccurrences(of: "[1.5 kHz, 2.5 kHz]", with: "[1.5 kHz, 2.5 nS]"),
               at: "sweep.yaml:5:64", says: "must be a rate"),
    SweepFault(name: "range of text", sweep: tinySweep.replacingOccurrences(of: "values: [2 nS, 6 nS]", with: "range: {start: two, stop: 6, step: 2, unit: nS}"),
               at: "sweep.yaml:6:", says: "must be a number"),
    SweepFault(name: "range step away from stop", sweep: tinySweep.replacingOccurrences(of: "values: [2 nS, 6 nS]", with: "range: {start: 2, stop: 6, step: -2, unit: nS}"),
               at: "sweep.yaml:6:", says: "needs a positive step"),
    SweepFault(name: "zip of unequal lengths", sweep: tinySweep.replacingOccurrences(of: "  - {key: projections.1.gaba_a, name: g_inh, values: [2 nS, 6 nS]}",
                                                                                      with: "  - zip:\n      - {key: projections.1.gaba_a, values: [2 nS, 6 nS]}\n      - {key: projections.0.ampa, values: [1 nS]}"),
               at: "sweep.yaml:6:5", says: "must have equal lengths"),
    SweepFault(name: "unknown sweep key", sweep: tinySweep.replacingOccurrences(of: "axes:", with: "axis:"),
               at: "sweep.yaml:4:1", says: "unknown key `axis` in the document (did you mean `axes`?)"),
    SweepFault(name: "invalid named point", sweep: tinySweep + "points:\n  - {name: silent, set: {populations.E.count: 0}}\n",
               at: "sweep.yaml:9:47", says: "`populations[0].count` must be at least 1"),
    SweepFault(name: "invalid combination", sweep: tinySweep.replacingOccurrences(of: "  - {seeds: [1, 2]}", with: "  - {key: time.duration, values: [60 ms, 150 ms]}\n  - {key: time.transient, values: [100 ms]}"),
               at: "sweep.yaml:5:", says: "4 points are invalid: base.yaml:1:1: `time.transient` must be shorter than `time.duration`"),
    SweepFault(name: "same point twice", sweep: tinySweep.replacingOccurrences(of: "[2 nS, 6 nS]", with: "[2 nS, 2 nS]"),
               at: "sweep.yaml:5:", says: "grid point #2 has the same overrides as"),
]

@Suite struct SweepFileTests {
    @Test(arguments: sweepFaults)
    func planReportsTheFaultWhereItIsWritten(_ f: SweepFault) throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try writeSweep(f.sweep, in: dir)
        do {
            let spec = try SweepDecoder.load(path: path)
            _ = try SweepPlanner.plan(spec)
            Issue.record("\(f.name): no error")
        } catch let e as ScenarioErrors {
            let text = e.description.replacingOccurrences(of: dir + "/", with: "")
            #expect(e.diagnostics.contains { d in
                let s = d.description.replacingOccurrences(of: dir + "/", with: "")
                return s.hasPrefix(f.at) && s.contains(f.says)
            }, "\(f.name): got\n\(text)")
        }
    }

    @Test func planReportsEveryFaultAtOnceAndWritesNothing() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = tinySweep.replacingOccurrences(of: "drive.0.poisson.rate", with: "drve.0.poisson.rate")
            .replacingOccurrences(of: "[2 nS, 6 nS]", with: "[2 nS, 6 kHz]")
        _ = try writeSweep(bad, in: dir)
        let r = try CLI.run(["sweep", "plan", "sweep.yaml", "--out", dir + "/out"], cwd: dir)
        #expect(r.status == 65, "\(r.err)")
        #expect(r.err.contains("sweep.yaml:5:"), "\(r.err)")
        #expect(r.err.contains("sweep.yaml:6:"), "\(r.err)")
        #expect(r.err.contains("errors; nothing was run"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }

    @Test func missingBaseIsAUsageError() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try tinySweep.replacingOccurrences(of: "base: base.yaml", with: "base: nowhere.yaml").write(toFile: dir + "/sweep.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["sweep", "plan", "sweep.yaml", "--out", dir + "/out"], cwd: dir)
        #expect(r.status == 64)
        #expect(r.err.contains("sweep.yaml:3:7: the base scenario"), "\(r.err)")
    }
}
