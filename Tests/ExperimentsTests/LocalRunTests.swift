// Local runs through the CLI: two concurrent `sweep run` processes on one folder never run
// a point twice; a runner killed with SIGKILL mid-way (with its child) leaves no point that
// looks done but is not, and re-running completes every point once; a failing point records
// its reason; collect writes the tidy table and figures.

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
}
