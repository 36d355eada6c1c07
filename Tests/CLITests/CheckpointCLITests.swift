// `neuroplast run` under SIGTERM: the run writes a checkpoint at its next segment boundary
// and exits 3; `--resume` finishes it with the same files as a run never interrupted (byte
// for byte, spikes.h5 rebuilt from spikes.bin and the SONATA network files included); a
// damaged or foreign checkpoint is refused with its exit code and a message.

import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct CheckpointCLITests {
    static let scenario = """
    schema: 1
    name: cli-ckpt
    seed: 5
    time: {dt: 0.1 ms, duration: 1 s, record_interval: 20 ms, transient: 100 ms}
    sheet: {width: 200 um, height: 200 um}
    populations:
      - {name: pyr, count: 80}
      - {name: pv, class: pv, count: 20}
    projections:
      - {from: pyr, to: pyr, ampa: 0.5 nS, nmda: 0.1 nS, connectivity: {rule: random, p: 0.2}, delay: {synaptic: 1 ms}}
      - {from: pyr, to: pv, ampa: 1 nS, connectivity: {rule: random, p: 0.2}}
      - {from: pv, to: pyr, gaba_a: 2 nS, connectivity: {rule: random, p: 0.3}}
    drive:
      - {population: pyr, poisson: {rate: 2 kHz, weight: 3 nS}}
      - {population: pv, poisson: {rate: 1 kHz, weight: 2 nS}}
    record: {connectome: [500 ms]}
    """

    static func files(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for f in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where f != "manifest.json" && f != "checkpoints" {
            if f == "network" {  // the SONATA network files
                for g in (try? FileManager.default.contentsOfDirectory(atPath: dir + "/network")) ?? [] {
                    out["network/" + g] = FileManager.default.contents(atPath: dir + "/network/" + g)
                }
            } else {
                out[f] = FileManager.default.contents(atPath: dir + "/" + f)
            }
        }
        return out
    }

    @Test func sigtermCheckpointsAndResumeCompletes() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let file = tmp + "/s.yaml"
        try Self.scenario.write(toFile: file, atomically: true, encoding: .utf8)
        let common = ["--out", tmp + "/out", "--quiet", "--no-frames"]
        let whole = try CLI.run(["run", file, "--run-id", "whole"] + common)
        #expect(whole.status == 0, "\(whole.err)")

        // Start the run, wait until it has recorded a few intervals, then SIGTERM it.
        let dir = tmp + "/out/cli-ckpt/parts"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.executable)
        p.arguments = ["run", file, "--run-id", "parts"] + common
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice; p.standardError = err
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, p.isRunning {
            let rows = (try? String(contentsOfFile: dir + "/metrics.csv.partial", encoding: .utf8))?.split(separator: "\n").count ?? 0
            if rows > 4 { break }
            usleep(5_000)
        }
        #expect(p.isRunning, "the run ended before it could be signalled")
        kill(p.processIdentifier, SIGTERM)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 3, "status \(p.terminationStatus): \(stderr)")
        #expect(stderr.contains("checkpoint written to") && stderr.contains("--resume"), "\(stderr)")
        let ck = try #require(FileManager.default.contents(atPath: dir + "/checkpoints/checkpoint.npck"))
        #expect(ck.prefix(8) == Data("NPCHECKP".utf8))
        #expect(!FileManager.default.fileExists(atPath: dir + "/manifest.json"))

        let resumed = try CLI.run(["run", file, "--run-id", "parts", "--resume"] + common)
        #expect(resumed.status == 0, "\(resumed.err)")
        #expect(resumed.out.contains("resumed from the checkpoint at"), "\(resumed.out)")
        let a = Self.files(tmp + "/out/cli-ckpt/whole"), b = Self.files(dir)
        #expect(a.keys.sorted() == b.keys.sorted())
        for f in ["spikes.bin", "spikes.h5", "metrics.csv", "summary.json", "connectome_500ms.csv", "neurons.csv",
                  "network/nodes.h5", "network/edges_500ms.h5"] { #expect(a[f] != nil, "\(f) missing") }
        for (name, data) in a { #expect(b[name] == data, "\(name) differs after resume") }

        // A foreign scenario (another seed) is refused: exit 65.
        let foreign = try CLI.run(["run", file, "--run-id", "parts", "--resume", "--seed", "6"] + common)
        #expect(foreign.status == 65 && foreign.err.contains("another scenario"), "\(foreign.status): \(foreign.err)")
        // A flipped byte: exit 1, the file is named and a remedy given.
        var bad = ck
        bad[bad.count - 3] ^= 0x01
        try bad.write(to: URL(fileURLWithPath: dir + "/checkpoints/checkpoint.npck"))
        let damaged = try CLI.run(["run", file, "--run-id", "parts", "--resume"] + common)
        #expect(damaged.status == 1 && damaged.err.contains("checkpoint.npck is damaged") && damaged.err.contains("delete"),
                "\(damaged.status): \(damaged.err)")
        // --resume without --run-id is a usage error.
        #expect(try CLI.run(["run", file, "--resume"] + common).status == 64)
    }
}
