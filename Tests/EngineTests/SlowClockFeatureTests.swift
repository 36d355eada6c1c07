// Scenario features that the slow clock used to accept and ignore, now events of the one
// run schedule: synaptic scaling pulls pyramidal rates toward their target across windows,
// connectome dumps are written at their network times, and a drive switched off inside a
// window takes effect there and in every later window. Each run's manifest lists what it
// executed, as the planner planned it.

import Foundation
import Testing
import Network
import Run

@Suite struct SlowClockFeatureTests {
    static func run(_ extra: [String], _ tag: String, appending: String = "") async throws -> (dir: String, result: RunResult, root: String) {
        let sc = try SlowClockTests.small(extra, appending: appending)
        let root = EngineFixtures.temporaryDirectory("slow-feature-" + tag)
        let r = try await RunSession.run(sc, options: RunOptions(outputRoot: root, runID: tag, progress: false, frames: false))
        return (r.directory, r, root)
    }

    /// Window rates of pyramidal cells, one per window, from slow.csv.
    static func windowRates(_ dir: String) throws -> [Double] {
        let csv = try String(contentsOfFile: dir + "/slow.csv", encoding: .utf8)
        let window = SlowClockTests.column(csv, "window"), rate = SlowClockTests.column(csv, "rate_pyr_hz")
        return zip(window, rate).filter { $0.0 == 1 }.map(\.1)
    }

    @Test func homeostasisPullsPyramidalRatesTowardTheTarget() async throws {
        // Scaling acts on recurrent excitatory inputs only (the external Poisson drive is not
        // scaled), so from ~15 Hz a 1 Hz target brings the rate down as far as the drive
        // allows; the recurrent weights onto pyramidal cells fall well below 1.
        let dump = "record.connectome=[800 ms]"
        let plain = try await Self.run([dump], "plain")
        let scaled = try await Self.run([dump], "scaled", appending: "plasticity: {homeostasis: {target_rate: {pyr: 1 Hz}, tau: 200 ms}}")
        defer { for r in [plain, scaled] { try? FileManager.default.removeItem(atPath: r.root) } }
        let a = try Self.windowRates(plain.dir), b = try Self.windowRates(scaled.dir)
        #expect(a.count == 8 && b.count == 8, "\(a) \(b)")
        let meanA = a.dropFirst().reduce(0, +) / 7, meanB = b.dropFirst().reduce(0, +) / 7
        #expect(meanA > 5, "the unscaled network fires well above 1 Hz: \(a)")
        #expect(meanB < 0.9 * meanA, "scaling lowers the rate across windows: unscaled \(a), scaled \(b)")
        for w in 1..<8 { #expect(b[w] < a[w], "window \(w + 1): \(a[w]) → \(b[w])") }
        let wa = try Self.meanWeight(plain.dir + "/connectome_800ms.csv", post: 0..<240)
        let wb = try Self.meanWeight(scaled.dir + "/connectome_800ms.csv", post: 0..<240)
        #expect(abs(wa - 1) < 1e-6, "without plasticity every weight factor stays 1: \(wa)")
        #expect(wb < 0.5, "scaled inputs onto pyramidal cells: mean weight factor \(wb)")
        #expect(scaled.result.executed.entries[.homeostasis]?.count == 16, "two record intervals per window × 8 windows")
        #expect(plain.result.executed.entries[.homeostasis] == nil)
    }

    /// Mean weight factor of the synapses from pyramidal cells (ids 0..<240) onto `post`.
    static func meanWeight(_ path: String, post: Range<Int>) throws -> Double {
        let rows = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        var sum = 0.0, n = 0
        for r in rows {
            let f = r.split(separator: ",")
            guard f.count == 3, let pre = Int(f[0]), let q = Int(f[1]), let w = Double(f[2]), pre < 240, post.contains(q) else { continue }
            sum += w; n += 1
        }
        return n > 0 ? sum / Double(n) : .nan
    }

    @Test func connectomeDumpsAtNetworkTimes() async throws {
        let r = try await Self.run(["record.connectome=[0 ms, 150 ms, 800 ms]"], "connectome")
        defer { try? FileManager.default.removeItem(atPath: r.root) }
        for t in [0, 150, 800] {
            let text = try String(contentsOfFile: r.dir + "/connectome_\(t)ms.csv", encoding: .utf8)
            let rows = text.split(separator: "\n")
            #expect(rows.first == "pre,post,weight")
            #expect(rows.count > 1000, "connectome at \(t) ms has \(rows.count - 1) synapses")
        }
        // 150 ms lies in the second window, which runs at 1 h of slow time.
        #expect(r.result.executed.entries[.connectome]?.firstHours == [0, 1, 7])
    }

    @Test func driveSwitchedOffInsideAWindow() async throws {
        let on = try await Self.run([], "on")
        let off = try await Self.run(["drive.0.stop=350 ms"], "off")
        defer { for r in [on, off] { try? FileManager.default.removeItem(atPath: r.root) } }
        let a = try Self.windowRates(on.dir), b = try Self.windowRates(off.dir)
        #expect(Array(a.prefix(3)) == Array(b.prefix(3)), "windows before the switch are unchanged: \(a) \(b)")
        #expect(b[3] < a[3], "the drive stops half-way through window 4: \(a[3]) → \(b[3])")
        for w in 4..<8 { #expect(b[w] < 0.2 * a[w], "window \(w + 1): the drive stays off: \(a[w]) → \(b[w])") }
        #expect(off.result.executed.entries[.driveChange]?.firstMs == [350])
    }
}
