// Local runs through the CLI: two concurrent `sweep run` processes on one folder never run
// a point twice; a runner killed with SIGKILL mid-way (with its child) leaves no point that
// looks done but is not, and re-running completes every point once; a failing point records
// its reason; collect writes the tidy table and figures; points of two MPI ranks (mpiexec),
// stopped by USR1 and run again, write the spikes of one process with two shards.

import Experiments
import Foundation
import Testing

@Suite(.serialized) struct LocalRunTests {
    func planned(_ dir: String, duration: String = "150 ms") throws -> SweepManifest {
        _ = try writeSweep(tinySweep.replacingOccurrences(of: "axes:", with: "set: {time.duration: \(duration)}\naxes:"), in: dir)
        let r = try CLI.run(["sweep", "plan", "sweep.yaml", "--out", "sw"], cwd: dir)
        #expect(r.status == 0, "\(r.err)")
        return try SweepManifest.read(SweepLayout(root: dir + "/sw"))
    }

    func startedCounts(_ outputs: [String]) -> [String: Int] {
        var c: [String: Int] = [:]
        for o in outputs { for line in o.split(separator: "\n") where line.hasPrefix("started ") { c[String(line.split(separator: " ")[1]), default: 0] += 1 } }
        return c
    }

    @Test func twoConcurrentRunnersNeverRunAPointTwice() async throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let m = try planned(dir)
        async let a = Task.detached { try CLI.run(["sweep", "run", "sw", "--jobs", "2"], cwd: dir) }.value
        async let b = Task.detached { try CLI.run(["sweep", "run", "sw", "--jobs", "2"], cwd: dir) }.value
        let (ra, rb) = try await (a, b)
        #expect(ra.status == 0 && rb.status == 0, "\(ra.err)\(rb.err)")
        let counts = startedCounts([ra.out, rb.out])
        #expect(counts.count == m.points.count, "\(counts)")
        #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts)")
        let s = try CLI.run(["sweep", "status", "sw"], cwd: dir)
        #expect(s.out.contains("8 points — 8 done, 0 running, 0 failed, 0 pending"), "\(s.out)")
    }

    @Test func sigkillMidwayThenRerunCompletesEveryPointOnce() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let m = try planned(dir, duration: "1 s")  // long enough for the kill to land mid-run
        let layout = SweepLayout(root: dir + "/sw")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.executable)
        p.arguments = ["sweep", "run", dir + "/sw", "--jobs", "1"]
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        var running: SweepPoint?
        var child: Int32?
        while Date() < deadline, running == nil {
            if m.points.filter({ layout.isComplete($0) }).count >= 1 {
                for q in m.points where !layout.isComplete(q) {
                    let text = (try? String(contentsOfFile: layout.lock(q.id), encoding: .utf8)) ?? ""
                    if let r = text.range(of: "child="), let pid = Int32(text[r.upperBound...].prefix { $0.isNumber }) {
                        running = q; child = pid; break
                    }
                }
            }
            if running == nil { usleep(2_000) }
        }
        // SIGKILL the runner and the child running a point: nothing can clean up.
        kill(p.processIdentifier, SIGKILL)
        if let child { kill(child, SIGKILL) }
        p.waitUntilExit()
        usleep(100_000)
        let killed = try #require(running, "no point was running")
        #expect(!layout.isComplete(killed), "the killed point must not look done")
        let before = m.points.filter { layout.isComplete($0) }.count
        #expect(before < m.points.count)
        let s1 = try CLI.run(["sweep", "status", "sw"], cwd: dir)
        #expect(s1.out.contains("0 running"), "a dead runner's claim must not count as running: \(s1.out)")
        let r = try CLI.run(["sweep", "run", "sw", "--jobs", "2"], cwd: dir)
        #expect(r.status == 0, "\(r.err)")
        let counts = startedCounts([r.out])
        #expect(counts.count == m.points.count - before, "\(r.out)")
        #expect(counts[killed.id] == 1, "the killed point is run again: \(r.out)")
        #expect(m.points.allSatisfy { layout.isComplete($0) })
        let partial = FileManager.default.enumerator(atPath: layout.root)?.compactMap { $0 as? String }.filter { $0.contains(".partial") } ?? []
        #expect(partial.isEmpty, "\(partial)")
        // collect: every point × population × 7 metrics, and a figure per summary metric.
        let c = try CLI.run(["sweep", "collect", "sw"], cwd: dir)
        #expect(c.status == 0, "\(c.err)")
        let rows = try String(contentsOfFile: layout.resultsCSV, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "point_id,point_name,drive_kHz,g_inh_nS,seed,population,metric,value")
        #expect(rows.count == 1 + m.points.count * 2 * 7)
        for f in ["rate_hz", "cv_isi", "synchrony"] {
            let png = FileManager.default.contents(atPath: layout.collectDir + "/\(f).png") ?? Data()
            #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(f).png")
        }
    }

    @Test func aFailingPointRecordsItsReason() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try planned(dir)
        // Break the sweep's copy of the base after planning: every child now exits 65.
        try "schema: 1\nname: broken\n".write(toFile: dir + "/sw/base.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["sweep", "run", "sw", "--index", "0"], cwd: dir)
        #expect(r.status == 1)
        let s = try CLI.run(["sweep", "status", "sw"], cwd: dir)
        #expect(s.out.contains("1 failed"), "\(s.out)")
        #expect(s.out.contains("exit code 64"), "\(s.out)")
        #expect(s.out.contains("error: ") && s.out.contains("does not exist"), "\(s.out)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/mpiexec"), "needs MPICH's mpiexec (apt-get install mpich)"),
          .timeLimit(.minutes(3)))
    func pointsOfTwoRanksStoppedAndRerunEqualOneProcessWithTwoShards() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Two spiking points (E 22 and 94 Hz), long enough (2 s of network time, a few seconds
        // a point) to be stopped mid-run.
        let sweep = tinySweep.replacingOccurrences(of: "axes:", with: "set: {time.duration: 2 s}\naxes:")
            .replacingOccurrences(of: "values: [1.5 kHz, 2.5 kHz]", with: "values: [5 kHz, 10 kHz]")
            .replacingOccurrences(of: "  - {key: projections.1.gaba_a, name: g_inh, values: [2 nS, 6 nS]}\n", with: "")
            .replacingOccurrences(of: "  - {seeds: [1, 2]}\n", with: "")
        _ = try writeSweep(sweep, in: dir)
        for out in ["ranks", "shards"] {
            #expect(try CLI.run(["sweep", "plan", "sweep.yaml", "--out", out], cwd: dir).status == 0)
        }
        let ranks = SweepLayout(root: dir + "/ranks"), shards = SweepLayout(root: dir + "/shards")
        let points = try SweepManifest.read(ranks).points
        #expect(points.count == 2)
        let one = try CLI.run(["sweep", "run", "shards", "--shards", "2", "--jobs", "1"], cwd: dir)
        #expect(one.status == 0, "\(one.err)")

        // USR1 to the runner once the first point's launcher runs: the ranks checkpoint, exit 3.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.executable)
        p.arguments = ["sweep", "run", ranks.root, "--ranks", "2", "--jobs", "1"]
        p.environment = ProcessInfo.processInfo.environment.merging(["SLURM_JOB_ID": ""]) { $1 }
        let log = dir + "/stopped.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: log)
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !((try? String(contentsOfFile: ranks.lock(points[0].id), encoding: .utf8)) ?? "").contains("child=") { usleep(20_000) }
        usleep(1_500_000)  // past MPI start-up and the network's construction
        kill(p.processIdentifier, SIGUSR1)
        p.waitUntilExit()
        let stopped = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(p.terminationStatus == 3, "\(stopped)")
        #expect(stopped.contains("interrupted 1"), "\(stopped)")
        #expect(!ranks.isComplete(points[0]) && !ranks.isComplete(points[1]), "\(stopped)")
        #expect(FileManager.default.fileExists(atPath: ranks.runDir(points[0]) + "/checkpoints/checkpoint.npck"), "\(stopped)")

        let again = try CLI.run(["sweep", "run", "ranks", "--ranks", "2", "--jobs", "1"], cwd: dir, env: ["SLURM_JOB_ID": ""])
        #expect(again.status == 0, "\(again.out)\(again.err)")
        #expect(again.out.contains("/mpiexec -n 2 neuroplast run … --threads 1 --shards 2"), "\(again.out)")
        for q in points {
            let a = FileManager.default.contents(atPath: ranks.runDir(q) + "/spikes.bin")
            let b = FileManager.default.contents(atPath: shards.runDir(q) + "/spikes.bin")
            #expect((a?.count ?? 0) > 4096, "point \(q.id): too few spikes to compare")
            #expect(a != nil && a == b, "point \(q.id): the spikes of 2 ranks differ from those of 1 process with 2 shards")
            let resumed = (try? String(contentsOfFile: ranks.stdoutLog(q.id), encoding: .utf8)) ?? ""
            if q.id == points[0].id { #expect(resumed.contains("resumed from the checkpoint"), "\(resumed)") }
        }
        #expect(!FileManager.default.fileExists(atPath: ranks.rankMirrors(points[0].id) + "/run"), "the ranks' mirrors go when the run ends")
    }
}
