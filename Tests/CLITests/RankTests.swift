// One network over MPI ranks, through the built executable under MPICH's `mpiexec`: the run
// folder of R ranks equals, file for file and byte for byte, the folder one process writes
// with the same --shards (every file but the manifest, which holds timings and the ranks),
// for ranks 1, 2 and 4 × threads 1 and 2, on the fast clock (stimuli, LFP bands, structural
// plasticity with homeostasis) and the slow clock (inflammation, drugs, frames, arms); a run
// stopped by a signal to one rank stops every rank at the same event and resumes to the same
// bytes; a resume with other ranks, a rank that fails, too few shards and a Slurm step
// without MPI are refused with a message on every rank. Skipped (not failed) without MPICH.

import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

let mpiexec = "/usr/bin/mpiexec"
let mpiAvailable = FileManager.default.isExecutableFile(atPath: mpiexec)
    && ["/usr/lib/x86_64-linux-gnu/pkgconfig/mpich.pc", "/usr/lib/aarch64-linux-gnu/pkgconfig/mpich.pc"].contains { FileManager.default.fileExists(atPath: $0) }

@Suite(.serialized, .enabled(if: mpiAvailable, "MPICH is not installed: apt-get install -y --no-install-recommends libmpich-dev mpich"))
struct RankTests {
    /// `mpiexec -n ranks neuroplast ARGS`, output captured.
    static func mpirun(_ ranks: Int, _ args: [String], env: [String: String] = [:]) throws -> CLI.Result {
        try CLI.run(args, env: env, launcher: [mpiexec, "-n", "\(ranks)"])
    }

    /// Every file under `dir` (relative path → bytes) but manifests and checkpoints.
    static func files(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        guard let e = FileManager.default.enumerator(atPath: dir) else { return out }
        while let f = e.nextObject() as? String {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir + "/" + f, isDirectory: &isDir), !isDir.boolValue else { continue }
            if f.hasSuffix("manifest.json") || f.contains("checkpoints/") { continue }
            out[f] = FileManager.default.contents(atPath: dir + "/" + f)
        }
        return out
    }

    /// Checks that `b` holds exactly `a`'s files with `a`'s bytes.
    static func expectSame(_ a: [String: Data], _ b: [String: Data], _ what: String) {
        #expect(!a.isEmpty, "\(what): the reference wrote nothing")
        #expect(a.keys.sorted() == b.keys.sorted(), "\(what): files differ: \(Set(a.keys).symmetricDifference(b.keys).sorted())")
        for (name, data) in a where b[name] != data { Issue.record("\(what): \(name) differs from one process's") }
    }

    /// The shortened scenarios, one per feature the ranks must carry: stimuli and LFP bands;
    /// structural plasticity with homeostasis; the slow clock with inflammation and frames;
    /// the slow clock with drugs, arms, stimuli and a bump readout.
    static let cases: [(file: String, args: [String])] = ShortScenarios.all.filter {
        ["optogenetics-pfc", "structural-homeostasis", "lps-inflammation", "ketamine-vs-ssri"].contains($0.file)
    }

    @Test(.timeLimit(.minutes(20)))
    func ranksWriteWhatOneProcessWrites() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        for c in Self.cases {
            let common = ["run", CLI.root + "/Scenarios/\(c.file).yaml", "--quiet", "--shards", "4"] + c.args
            let ref = try CLI.run(common + ["--threads", "1", "--out", tmp + "/one", "--run-id", "r"])
            #expect(ref.status == 0, "\(c.file): \(ref.err)")
            let reference = Self.files(tmp + "/one/\(c.file)/r")
            var layouts = [(2, 1), (4, 2)]
            if c.file == "lps-inflammation" { layouts += [(1, 1), (1, 2), (2, 2), (4, 1)] }
            for (ranks, threads) in layouts {
                let id = "r\(ranks)t\(threads)"
                let r = try Self.mpirun(ranks, common + ["--threads", "\(threads)", "--out", tmp + "/ranks", "--run-id", id])
                #expect(r.status == 0, "\(c.file) \(ranks) ranks × \(threads) threads: \(r.err)")
                #expect(r.out.components(separatedBy: "wrote ").count == 2, "only rank 0 reports: \(r.out)")
                Self.expectSame(reference, Self.files(tmp + "/ranks/\(c.file)/\(id)"), "\(c.file), \(ranks) ranks × \(threads) threads")
                // A comparison's manifests are its arms'.
                let run = tmp + "/ranks/\(c.file)/\(id)"
                let manifests = (FileManager.default.enumerator(atPath: run)?.allObjects as? [String] ?? []).filter { $0.hasSuffix("manifest.json") }
                #expect(!manifests.isEmpty)
                for m in manifests {
                    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/" + m))) as? [String: Any]
                    #expect(json?["ranks"] as? Int == ranks, "\(m)")
                }
            }
            #expect(!FileManager.default.fileExists(atPath: tmp + "/ranks/.ranks"), "the ranks' mirrors were left behind")
        }
    }

    /// The pid of the rank `rank` among the children of a running mpiexec (by its PMI_RANK).
    static func pid(ofRank rank: Int, executable: String) -> pid_t? {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry),
                  let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/exe"), exe == executable,
                  let env = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { continue }
            if env.split(separator: 0).contains(where: { String(decoding: $0, as: UTF8.self) == "PMI_RANK=\(rank)" }) { return pid }
        }
        return nil
    }

    @Test(.timeLimit(.minutes(10)))
    func aSignalToOneRankStopsEveryRankAndTheRunResumesToTheSameBytes() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let c = try #require(ShortScenarios.all.first { $0.file == "lps-inflammation" })
        let common = ["run", CLI.root + "/Scenarios/lps-inflammation.yaml", "--quiet", "--shards", "2", "--threads", "1", "--out", tmp]
            + c.args + ["--set", "slow_clock.duration=12 h", "--set", "slow_clock.windows=[{until: 12 h, every: 1 h}]"]
        #expect(try CLI.run(common + ["--run-id", "whole"]).status == 0)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: mpiexec)
        p.arguments = ["-n", "2", CLI.executable] + common + ["--run-id", "parts"]
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice; p.standardError = err
        try p.run()
        // Once a few windows are recorded, SIGTERM rank 1 alone: both must stop together.
        let metrics = tmp + "/lps-inflammation/parts/metrics.csv.partial"
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, p.isRunning {
            if ((try? String(contentsOfFile: metrics, encoding: .utf8))?.split(separator: "\n").count ?? 0) > 4 { break }
            usleep(20_000)
        }
        #expect(p.isRunning, "the run ended before it could be signalled")
        let rank1 = try #require(Self.pid(ofRank: 1, executable: CLI.executable))
        kill(rank1, SIGTERM)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 3, "status \(p.terminationStatus): \(stderr)")
        #expect(stderr.contains("--resume") && stderr.contains("2 ranks"), "\(stderr)")
        #expect(FileManager.default.fileExists(atPath: tmp + "/lps-inflammation/parts/checkpoints/checkpoint.npck"))
        #expect(FileManager.default.fileExists(atPath: tmp + "/.ranks/parts/rank1/lps-inflammation/parts/checkpoints/checkpoint.npck"),
                "rank 1 keeps its part of the checkpoint")

        // Other layouts are refused before any step, on every rank.
        let four = try Self.mpirun(4, common + ["--run-id", "parts", "--resume", "--shards", "4"])
        #expect(four.status != 0 && four.err.contains("same number of ranks"), "\(four.err)")
        let one = try CLI.run(common + ["--run-id", "parts", "--resume"])
        #expect(one.status == 64 && one.err.contains("rank 0 of 2"), "\(one.err)")

        // A rank whose part is missing (or of another moment) cannot resume with the others.
        let part = tmp + "/.ranks/parts/rank1/lps-inflammation/parts/checkpoints/checkpoint.npck"
        try FileManager.default.moveItem(atPath: part, toPath: tmp + "/aside.npck")
        let torn = try Self.mpirun(2, common + ["--run-id", "parts", "--resume"])
        #expect(torn.status != 0 && torn.err.contains("different moments") && torn.err.contains("rank 1's has no checkpoint"), "\(torn.err)")
        try FileManager.default.moveItem(atPath: tmp + "/aside.npck", toPath: part)

        let resumed = try Self.mpirun(2, common + ["--run-id", "parts", "--resume"])
        #expect(resumed.status == 0, "\(resumed.err)")
        #expect(resumed.out.contains("resumed from the checkpoint"), "\(resumed.out)")
        // The figures are left out: after a resume they can differ in pixels from an uninterrupted
        // run's in one process too (the data under them are the same bytes).
        let figures = { (d: [String: Data]) in d.filter { !["summary.png", "slow.png"].contains($0.key) } }
        Self.expectSame(figures(Self.files(tmp + "/lps-inflammation/whole")), figures(Self.files(tmp + "/lps-inflammation/parts")), "resumed over 2 ranks")
        #expect(!FileManager.default.fileExists(atPath: tmp + "/.ranks"), "the ranks' mirrors were left behind")
    }

    @Test func aRankThatFailsEndsEveryRankWithItsMessage() throws {
        let tmp = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        // Rank 1's mirror cannot be made (a file where its folder goes); rank 0 can write.
        FileManager.default.createFile(atPath: tmp + "/.ranks", contents: Data("in the way".utf8))
        let r = try Self.mpirun(2, ["run", CLI.root + "/Scenarios/brunel-ai.yaml", "--quiet", "--no-frames", "--out", tmp, "--run-id", "f"]
                                + ShortScenarios.fast + ShortScenarios.counts([400, 100]))
        #expect(r.status != 0)
        #expect(r.err.contains(".ranks is a file"), "rank 1 says why: \(r.err)")
        #expect(r.err.contains("[rank 0] stopped because rank 1 failed"), "rank 0 names rank 1: \(r.err)")
        #expect(!r.err.contains("Fatal error") && !r.err.contains("BAD TERMINATION"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: tmp + "/brunel-ai/f/manifest.json"))
        #expect(!FileManager.default.fileExists(atPath: tmp + "/brunel-ai/f/spikes.bin"), "no half-written outputs")
    }

    @Test func launchesThatCannotWorkAreRefusedBeforeAnyWork() throws {
        let args = ["run", CLI.root + "/Scenarios/brunel-ai.yaml", "--quiet", "--no-frames", "--out", CLI.tempDir()]
        let few = try Self.mpirun(2, args + ["--shards", "1"])
        #expect(few.status == 64 && few.err.contains("fewer than the 2 ranks"), "\(few.err)")
        // Slurm's default `srun -n 2` (no PMI) would start two whole runs into one folder.
        let noPMI = try CLI.run(args, env: ["SLURM_STEP_NUM_TASKS": "2"])
        #expect(noPMI.status == 64 && noPMI.err.contains("srun --mpi=pmi2"), "\(noPMI.err)")
        // More ranks than a run has shards, and a launcher's environment that is not a rank.
        let many = try CLI.run(args, env: ["PMI_SIZE": "65", "PMI_RANK": "0"])
        #expect(many.status == 64 && many.err.contains("65 ranks are more than a run can use"), "\(many.err)")
        let garbled = try CLI.run(args, env: ["PMI_SIZE": "2", "PMI_RANK": "7"])
        #expect(garbled.status == 64 && garbled.err.contains("PMI_RANK=7"), "\(garbled.err)")
    }
}
