// Faults a run meets on a real machine, through the built executable: a full disk (a file
// size limit, RLIMIT_FSIZE, with SIGXFSZ ignored, so writes fail with EFBIG as on a full
// filesystem) before any checkpoint removes the run folder and says so, and after one keeps
// the folder resumable to the same bytes as a run never interrupted; SIGKILL at any moment,
// also inside a checkpoint write, leaves the last complete checkpoint to resume from; an
// output path that cannot hold a folder and a network too large for memory are refused
// before any work.

import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct FaultTests {
    static let scenario = FuzzRegressionTests.scenario.replacingOccurrences(of: "duration: 400 ms", with: "duration: 2500 ms")

    /// `neuroplast ARGS` under a file size limit of `kilobytes`, SIGXFSZ ignored.
    static func runLimited(_ args: [String], kilobytes: Int) throws -> CLI.Result {
        let quoted = ([CLI.executable] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "trap '' XFSZ; ulimit -f \(kilobytes); exec \(quoted)"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLI.Result(status: p.terminationStatus, out: "", err: String(decoding: data, as: UTF8.self))
    }

    static func files(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for f in ["spikes.bin", "spikes.h5", "metrics.csv", "summary.json"] { out[f] = FileManager.default.contents(atPath: dir + "/" + f) }
        return out
    }

    /// Writes the scenario into `tmp`, runs it uninterrupted as `whole` and returns the run
    /// arguments (checkpoints every 100 ms) without a run id.
    static func referenceRun(in tmp: String) throws -> [String] {
        let file = tmp + "/s.yaml"
        try scenario.write(toFile: file, atomically: true, encoding: .utf8)
        let common = ["run", file, "--out", tmp + "/out", "--quiet", "--no-frames", "--checkpoint-every", "100 ms"]
        #expect(try CLI.run(common + ["--run-id", "whole"]).status == 0)
        return common
    }

    @Test func fullDiskBeforeAnyCheckpointRemovesTheRunFolder() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        // baseline-pfc's checkpoint (16 MB) cannot be written under a 2 MB limit.
        let r = try Self.runLimited(["run", CLI.root + "/Scenarios/baseline-pfc.yaml", "--out", tmp, "--run-id", "full", "--quiet",
                                     "--no-frames", "--set", "time.duration=600 ms", "--checkpoint-every", "300 ms"], kilobytes: 2000)
        #expect(r.status == 1, "\(r.err)")
        #expect(r.err.contains("File too large") && r.err.contains("was removed"), "\(r.err)")
        #expect(!r.err.contains("Fatal error"))
        #expect(!FileManager.default.fileExists(atPath: tmp + "/baseline-pfc/full"), "a failed run left its folder")
    }

    @Test func fullDiskAfterACheckpointResumesToTheSameBytes() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let common = try Self.referenceRun(in: tmp)
        // spikes.h5 grows by 256 KiB chunks: its second chunk (after 16 Ki spikes, about 2 s)
        // passes a 400 KiB limit that the checkpoints (≈ 260 KB) stay under.
        let r = try Self.runLimited(common + ["--run-id", "cut"], kilobytes: 400)
        #expect(r.status == 1 && r.err.contains("File too large") && r.err.contains("resume with --resume"), "\(r.err)")
        let dir = tmp + "/out/crafted/cut"
        #expect(FileManager.default.fileExists(atPath: dir + "/checkpoints/checkpoint.npck"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/manifest.json"))
        let resumed = try CLI.run(common + ["--run-id", "cut", "--resume"])
        #expect(resumed.status == 0, "\(resumed.err)")
        #expect(Self.files(dir) == Self.files(tmp + "/out/crafted/whole"), "the resumed run differs from the uninterrupted one")
    }

    @Test func sigkillAtAnyMomentLeavesACheckpointToResumeFrom() async throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let common = try Self.referenceRun(in: tmp)
        // Killed three times while checkpoints are written every 100 ms of network time
        // (several a second of wall time), so a kill may land inside a write (which goes to
        // checkpoint.npck.partial and is renamed when whole): each resume continues from the
        // last complete checkpoint.
        for delay in [1.3, 0.9, 1.7] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLI.executable)
            p.arguments = common + ["--run-id", "killed", "--resume"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            try await Task.sleep(for: .seconds(delay))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        let r = try CLI.run(common + ["--run-id", "killed", "--resume"])
        #expect(r.status == 0, "\(r.err)")
        #expect(Self.files(tmp + "/out/crafted/killed") == Self.files(tmp + "/out/crafted/whole"), "resumed after SIGKILLs, the run differs")
    }

    @Test func unusableOutputAndOversizedNetworksAreRefusedBeforeWork() throws {
        let r = try CLI.run(["run", CLI.root + "/Scenarios/baseline-pfc.yaml", "--out", "/dev/null/x", "--quiet", "--no-frames"])
        #expect(r.status == 1 && r.err.contains("/dev/null is a file, not a folder"), "\(r.err)")
        let big = try CLI.run(["run", CLI.root + "/Scenarios/brunel-ai.yaml", "--set", "populations.0.count=40000000", "--quiet", "--no-frames"])
        #expect(big.status == 65 && big.err.contains("too large for this machine"), "\(big.err)")
        #expect(!big.err.contains("Fatal error"))
    }

    /// The memory a run may use follows Slurm's `--mem`, and a checkpoint's transient counts:
    /// both refused before the network is built, with the figures.
    @Test func memoryBudgetFollowsSlurmAndCheckpoints() throws {
        let brunel = CLI.root + "/Scenarios/brunel-ai.yaml"   // 1.56·10⁷ synapses at 4 B ≈ 75 MiB with the neurons
        let small = try CLI.run(["validate", brunel], env: ["SLURM_MEM_PER_NODE": "50"])
        #expect(small.status == 65 && small.err.contains("brunel-ai.yaml:") && small.err.contains("too large for this machine")
                && small.err.contains("while being built"), "\(small.err)")
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let ck = try CLI.run(["run", brunel, "--out", tmp, "--run-id", "c", "--quiet", "--no-frames", "--checkpoint-every", "100 ms"],
                             env: ["SLURM_MEM_PER_NODE": "400"])
        #expect(ck.status == 1 && ck.err.contains("--checkpoint-every") && ck.err.contains("Slurm job's --mem")
                && ck.err.contains("without checkpoints needs"), "\(ck.err)")
        #expect(!FileManager.default.fileExists(atPath: tmp + "/brunel-ai/c"), "refused before the run folder is made")
        let fits = try CLI.run(["validate", brunel], env: ["SLURM_MEM_PER_NODE": "400"])
        #expect(fits.status == 0, "\(fits.err)")
    }
}
