// What fuzzing broke, kept broken-proof: every file of fuzz/corpus (scenarios and sweep
// files that once trapped or hung) is refused with a located message and no trap; the
// extreme values of issue 21 are refused by `validate` with their location in well under a
// second; and checkpoints edited the way fuzz/structured.py crafts them (checksum
// recomputed, so only the restore's own checks stand in the way) end the resume with a
// refusal naming what is wrong — never a signal, never a run that goes on with them.

import Foundation
import NeuroplastCore
import TestSupport
import Testing

@Suite struct FuzzRegressionTests {
    /// A refusal: exit 64 or 65 (1 for checkpoints), no Swift trap, and a message.
    static func expectRefused(_ r: CLI.Result, _ what: String, status: Set<Int32> = [64, 65], located: Bool = true) {
        #expect(status.contains(r.status), "\(what): exit \(r.status)\n\(r.err.prefix(1500))")
        #expect(!r.err.contains("Fatal error") && !r.err.contains("Backtracing"), "\(what) trapped:\n\(r.err.prefix(1500))")
        if located { #expect(r.err.range(of: #":\d+:\d+: "#, options: .regularExpression) != nil, "\(what): no file:line:column in\n\(r.err)") }
    }

    @Test func corpusScenariosAndSweepsAreRefusedWithALocation() throws {
        let corpus = CLI.root + "/fuzz/corpus"
        let scenarios = try FileManager.default.contentsOfDirectory(atPath: corpus + "/scenarios").filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(scenarios.count >= 6)
        for f in scenarios {
            let started = Date()
            Self.expectRefused(try CLI.run(["validate", corpus + "/scenarios/" + f]), f)
            #expect(Date().timeIntervalSince(started) < 10, "\(f) took \(Date().timeIntervalSince(started)) s")
        }
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        for f in ["range-stop-1e300.yaml"] {
            Self.expectRefused(try CLI.run(["sweep", "plan", corpus + "/sweeps/" + f, "--out", tmp]), f)
        }
    }

    /// The examples of issue 21: each trapped, hung or allocated gigabytes in `validate`.
    @Test(arguments: [
        ("baseline-pfc", "time.duration=1e308 ms"), ("baseline-pfc", "time.duration=9e18 ms"),
        ("baseline-pfc", "receptors.nmda.E=9.2e18 mV"), ("baseline-pfc", "projections.0.ampa=1e308 nS"),
        ("baseline-pfc", "populations.0={name: pyr, density: 1e15 /um2}"), ("baseline-pfc", "name=.."),
        ("baseline-pfc", "drive.0.poisson.rate=1e20 Hz"),
        ("ketamine-rodent", "slow_clock.duration=1e20 d"), ("ketamine-rodent", "slow_clock.window=1e300 ms"),
        ("ketamine-rodent", "pharmacology.doses.0.at=1e300 h"), ("ketamine-rodent", "slow_clock.step=1e-9 min"),
        ("ketamine-rodent", "slow_clock.duration=4294967297 d"), ("ketamine-rodent", "pharmacology.doses.0.dose=1e308 mg"),
        ("ketamine-rodent", "pharmacology.doses.0.repeat={every: 9223372036854775807 d, times: 2}"),
        ("lps-inflammation", "inflammation.grid=1e-6 um"), ("lps-inflammation", "inflammation.diffusion=1e300 um2/h"),
        ("ketamine-vs-ssri", "arms.0.set={arms: []}"),
        ("baseline-pfc", "record.sonata=maybe"), ("baseline-pfc", "record.connectome=[end, end]"),
    ])
    func extremeValuesAreRefusedFast(scenario: String, set: String) throws {
        let started = Date()
        let r = try CLI.run(["validate", CLI.root + "/Scenarios/\(scenario).yaml", "--set", set])
        Self.expectRefused(r, "\(scenario) --set \(set)")
        #expect(Date().timeIntervalSince(started) < 5, "took \(Date().timeIntervalSince(started)) s")
    }

    /// Command-line values that trapped, ran for ever or reached a job script as shell.
    @Test func oddFlagsAreRefusedByName() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let sweep = CLI.root + "/Scenarios/sweeps/dose-demo.yaml"
        #expect(try CLI.run(["sweep", "plan", sweep, "--out", tmp]).status == 0)
        let dir = tmp + "/dose-demo"
        let cases: [([String], String)] = [
            (["run", CLI.root + "/Scenarios/baseline-pfc.yaml", "--run-id", ".."], "--run-id"),
            (["run", CLI.root + "/Scenarios/baseline-pfc.yaml", "--out", ""], "--out"),
            (["bench", "coba", "--repeats", "1000000000"], "--repeats"),
            (["sweep", "run", dir, "--index", "9223372036854775807"], "--index"),
            (["sweep", "run", dir, "--index", "1", "--points-per-task", "4611686018427387904"], "--points-per-task"),
            (["sweep", "slurm", dir, "--partition", "a\nrm -rf /"], "--partition"),
            (["sweep", "slurm", dir, "--mem", "2G; id"], "--mem"),
        ]
        for (args, flag) in cases {
            let r = try CLI.run(args)
            Self.expectRefused(r, args.joined(separator: " "), status: [64], located: false)
            #expect(r.err.contains(flag), "\(args): the message names no \(flag): \(r.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/slurm/sweep.sbatch"), "a refused option still wrote the job script")
    }

    // MARK: crafted checkpoints

    /// A small network with pair STDP (fuzz/small-stdp.yaml, shared with the fuzzer); its
    /// `name` is `crafted`, so runs land in `<out>/crafted/<run-id>`.
    static let scenario: String = {
        let text = (try? String(contentsOfFile: CLI.root + "/fuzz/small-stdp.yaml", encoding: .utf8)) ?? ""
        return text.replacingOccurrences(of: "name: fuzz-ckpt", with: "name: crafted")
    }()

    /// One edit of the payload: a JSON value at a path, or the first 8 bytes of a base64
    /// array (a `PackedArray`) set to a little-endian Int64, or such an array cut in half.
    enum Edit: CustomStringConvertible, Sendable {
        case set([String], any Sendable)
        case poke([String], Int64)
        case halve([String])
        var description: String {
            switch self {
            case let .set(p, v): "\(p.joined(separator: "/")) = \(v)"
            case let .poke(p, v): "\(p.joined(separator: "/"))[0] = \(v)"
            case let .halve(p): "\(p.joined(separator: "/")) cut in half"
            }
        }
    }

    static let edits: [Edit] = [
        .set(["recorder", "syncRun", "sumSq", "2"], Int64.max),          // overflowed an accumulator
        .set(["recorder", "recentHead"], 999_999_999),
        .set(["recorder", "totalSpikes"], Int64.max),                     // overflowed on the next interval
        .set(["recorder", "intervalStart"], -1),
        .halve(["recorder", "lastSpike"]),
        .halve(["recorder", "recentStep"]),
        .set(["simulation", "step"], -7),                                  // a negative ring slot
        .set(["simulation", "shards", "0", "kernel", "cells", "0", "drive", "channel"], 7),
        .set(["simulation", "shards", "0", "kernel", "cells", "0", "refractorySteps"], -3),
        .set(["simulation", "shards", "0", "kernel", "cells", "0", "Vth"], -9.2e18),  // every neuron fired every step: a hang
        .set(["simulation", "shards", "0", "kernel", "synapses", "maxDelay"], 60_000),
        .poke(["simulation", "shards", "0", "kernel", "synapses", "target"], 0x7FFF_FFFF),
        .poke(["simulation", "shards", "0", "plastic", "lastPre"], Int64.max),  // a future STDP spike
        .poke(["recorder", "recentNeuron"], 0x7FFF_FFFF_7FFF_FFFF),  // neuron ids beyond the network
        .set(["session", "cursor"], -1),
        .set(["session", "executed", "entries", "1", "count"], Int64.max),  // overflowed the next event's tally
        .set(["session", "synapseSamplePre"], [Int32.max]),
        .set(["session", "framesWritten"], Int64.max),                   // overflowed at the next frame
        .set(["recorder", "syncRun", "curCount", "0"], 1 << 30),         // 2·count + 1 overflowed Int32
    ]

    @Test func craftedCheckpointsAreRefused() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let file = tmp + "/s.yaml"
        try Self.scenario.write(toFile: file, atomically: true, encoding: .utf8)
        try Self.expectEditsRefused(["run", file, "--out", tmp + "/out", "--run-id", "r", "--quiet", "--no-frames", "--checkpoint-every", "200 ms"],
                                    dir: tmp + "/out/crafted/r", edits: Self.edits)
    }

    /// Two shards: spikes pending between them, and STDP's last presynaptic spikes, which
    /// must precede every pending one (a later one decayed a trace over negative steps and
    /// read before its table); and the header's step, outside the payload's checksum.
    @Test func craftedTwoShardCheckpointsAreRefused() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let file = tmp + "/s.yaml"
        try Self.scenario.write(toFile: file, atomically: true, encoding: .utf8)
        let args = ["run", file, "--out", tmp + "/out", "--run-id", "r", "--quiet", "--no-frames", "--checkpoint-every", "200 ms",
                    "--shards", "2", "--threads", "2"]
        let dir = tmp + "/out/crafted/r"
        try Self.expectEditsRefused(args, dir: dir, edits: [
            .poke(["simulation", "shards", "0", "plastic", "lastPre"], 1999),   // the checkpoint is at step 2000
            .poke(["simulation", "pending", "steps"], -1),
        ])
        // The header's step (bytes 16..<24) set to 2⁶⁴ − 1: not an Int, refused without a trap.
        let path = dir + "/checkpoints/checkpoint.npck"
        var header = try #require(FileManager.default.contents(atPath: path))
        try? FileManager.default.removeItem(atPath: dir + "/manifest.json")
        let pristine = header
        for k in 16..<24 { header[k] = 0xFF }
        try header.write(to: URL(fileURLWithPath: path))
        Self.expectRefused(try CLI.run(args + ["--resume"]), "header step 2⁶⁴ − 1", status: [1], located: false)
        try pristine.write(to: URL(fileURLWithPath: path))
    }

    /// The LFP recorder's state: stimuli, LFP and bands of the optogenetics scenario, made
    /// small (the overrides of fuzz/structured.py's checkpoint case).
    @Test func craftedLFPStateIsRefused() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let set = ["time.duration=400 ms", "time.transient=100 ms", "time.record_interval=100 ms", "record.bands.window=100 ms",
                   "stimuli.0.start=50 ms", "stimuli.0.stop=150 ms", "stimuli.1.start=150 ms", "stimuli.1.stop=250 ms",
                   "record.overlap.0.a={from: 0 ms, to: 100 ms}", "record.overlap.0.b={from: 150 ms, to: 250 ms}",
                   "populations.0.count=200", "populations.1.count=30", "populations.2.count=20"].flatMap { ["--set", $0] }
        try Self.expectEditsRefused(["run", CLI.root + "/Scenarios/optogenetics-pfc.yaml", "--out", tmp + "/out", "--run-id", "r",
                                     "--quiet", "--no-frames", "--checkpoint-every", "100 ms"] + set,
                                    dir: tmp + "/out/optogenetics-pfc/r", edits: [
            .set(["lfp", "spectrumSegments"], Int64.max),   // overflowed at the next bands row (found by the fuzzer)
            .halve(["lfp", "spectrumSum"]),                 // bins the spectrum does not have
            .set(["lfp", "spanStart"], -5),
        ])
    }

    /// A record interval far longer than the run (found by the run fuzzer: 2³¹ ms sized the
    /// interval's synchrony bins at gigabytes) runs as one short interval.
    @Test func recordIntervalLongerThanTheRunIsOneInterval() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let r = try CLI.run(["run", CLI.root + "/Scenarios/baseline-pfc.yaml", "--out", tmp, "--run-id", "r", "--quiet", "--no-frames",
                             "--threads", "1", "--set", "time.record_interval=2147483648 ms", "--set", "time.duration=200 ms",
                             "--set", "time.transient=50 ms", "--set", "populations.0.count=300", "--set", "populations.1.count=50",
                             "--set", "populations.2.count=30"])
        #expect(r.status == 0, "\(r.err)")
        let metrics = (try? String(contentsOfFile: tmp + "/baseline-pfc/r/metrics.csv", encoding: .utf8)) ?? ""
        #expect(metrics.split(separator: "\n").count == 1 + 3, "a header and one row per population:\n\(metrics)")
    }

    /// Runs `args` (a run with checkpoints writing to `dir`), checks that its checkpoint
    /// resumes untouched, then that each edit of it is refused.
    static func expectEditsRefused(_ args: [String], dir: String, edits: [Edit]) throws {
        #expect(try CLI.run(args).status == 0)
        let pristine = try #require(FileManager.default.contents(atPath: dir + "/checkpoints/checkpoint.npck"))
        // The untouched checkpoint resumes (so each refusal below is the edit's doing).
        try? FileManager.default.removeItem(atPath: dir + "/manifest.json")
        #expect(try CLI.run(args + ["--resume"]).status == 0)
        for edit in edits {
            try? FileManager.default.removeItem(atPath: dir + "/manifest.json")
            try Self.craft(pristine, edit).write(to: URL(fileURLWithPath: dir + "/checkpoints/checkpoint.npck"))
            let r = try CLI.run(args + ["--resume"])
            Self.expectRefused(r, "\(edit)", status: [1], located: false)
            #expect(r.err.contains("checkpoint") || r.err.contains("state"), "\(edit): \(r.err)")
        }
    }

    /// The checkpoint with `edit` applied to its JSON payload and the header's payload
    /// length and SHA-256 recomputed (layout: CheckpointFile.swift).
    static func craft(_ file: Data, _ edit: Edit) throws -> Data {
        let header = 96
        var json = try need(try JSONSerialization.jsonObject(with: file.subdata(in: header..<file.count)) as? [String: Any])
        func update(_ node: Any, _ path: ArraySlice<String>, _ f: (Any) throws -> Any) throws -> Any {
            guard let key = path.first else { return try f(node) }
            if var d = node as? [String: Any] {
                d[key] = try update(try need(d[key], "no \(key)"), path.dropFirst(), f); return d
            }
            var a = try need(node as? [Any], "\(key) is not in a list")
            let i = try need(Int(key))
            a[i] = try update(a[i], path.dropFirst(), f); return a
        }
        switch edit {
        case let .set(path, value):
            json = try need(try update(json, path[...]) { _ in value } as? [String: Any])
        case let .poke(path, value):
            json = try need(try update(json, path[...]) { old in
                var bytes = [UInt8](try need(Data(base64Encoded: try need(old as? String))))
                guard bytes.count >= 8 else { throw CraftError("\(path) holds fewer than 8 bytes") }
                withUnsafeBytes(of: value.littleEndian) { for k in 0..<8 { bytes[k] = $0[k] } }
                return Data(bytes).base64EncodedString()
            } as? [String: Any])
        case let .halve(path):
            json = try need(try update(json, path[...]) { old in
                let bytes = try need(Data(base64Encoded: try need(old as? String)))
                return bytes.prefix(bytes.count / 2 / 8 * 8).base64EncodedString()
            } as? [String: Any])
        }
        let payload = try JSONSerialization.data(withJSONObject: json)
        var digest = SHA256()
        digest.update([UInt8](payload))
        var out = Data(file.prefix(24))
        withUnsafeBytes(of: UInt64(payload.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(file.subdata(in: 32..<64))
        out.append(contentsOf: digest.finalize())
        out.append(payload)
        return out
    }

    struct CraftError: Error, CustomStringConvertible { var description: String; init(_ d: String) { description = d } }

    /// `value`, or an error naming what was missing (#require cannot nest in closures).
    static func need<T>(_ value: T?, _ what: String = "a value of the expected type") throws -> T {
        guard let value else { throw CraftError("the checkpoint has no \(what)") }
        return value
    }
}
