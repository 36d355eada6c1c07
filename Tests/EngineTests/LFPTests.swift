// The LFP proxy and its files: the merger's delay and sample averaging against hand-made
// sums; a pyramidal–PV loop (PING) whose LFP peaks in gamma, faster when driven harder;
// run folders with lfp.csv, lfp_electrodes.csv, bands.csv and spectrum.csv of the
// documented columns and finite values; the same bytes for 1 and 3 shards and 1 and 2
// threads; a resumed run writing the same bytes as one never stopped (a checkpoint with a
// sample half accumulated); the slow clock's hours columns and one bands row per window.

import Foundation
import InputReading
import Testing
@testable import Network
import Recording
@testable import Run

@Suite struct LFPTests {
    // MARK: the merger

    /// AMPA at sample 0 appears τ = 6 samples later, GABA at once times −1.65, each divided
    /// by scale × steps per sample; a sample split over two segments equals one in one.
    @Test func mergerDelaysAMPAAndAveragesSteps() {
        let E = 2, m = 4
        var s = LFPSampler(electrodes: E, stepsPerSample: m, rate: 1000)
        #expect(s.delay == 6)
        // Samples 0…7; AMPA of e0 at sample 0 = 8·scale (over 4 steps), GABA of e1 at sample 3.
        var values = [Int64](repeating: 0, count: 8 * 2 * E)
        values[0] = Int64(8 * LFPProxy.scale)
        values[3 * 2 * E + E + 1] = Int64(4 * LFPProxy.scale)
        s.add(LFPSums(firstSample: 0, electrodes: E, values: Array(values[0..<(5 * 2 * E)])), end: 5 * m - 2)
        let early = s.take()
        #expect(early.first == 0 && early.count == 4)   // sample 4 is still open (its last 2 steps)
        s.add(LFPSums(firstSample: 4, electrodes: E, values: Array(values[(4 * 2 * E)...])), end: 8 * m)
        let late = s.take()
        #expect(late.first == 4 && late.count == 4)
        let all = early.values + late.values
        for k in 0..<8 {
            #expect(all[k * E] == (k == 6 ? 2 : 0), "e0 sample \(k)")              // 8 / 4 steps, delayed by 6
            #expect(all[k * E + 1] == (k == 3 ? -1.65 : 0), "e1 sample \(k)")       // −1.65 · 4 / 4
        }
    }

    @Test func shardSumsAddInAnyOrder() {
        let a = LFPSums(firstSample: 2, electrodes: 1, values: [1, 2, 3, 4]), b = LFPSums(firstSample: 2, electrodes: 1, values: [10, 20, 30, 40])
        var ab = a; ab.add(b)
        var ba = b; ba.add(a)
        var ea = LFPSums(firstSample: -1, electrodes: 0, values: []); ea.add(a)
        #expect(ab.values == ba.values && ab.values == [11, 22, 33, 44] && ea.values == a.values && ea.firstSample == 2)
    }

    @Test func weightIsATruncatedGaussianOfAThirdOfTheRadius() {
        #expect(LFPProxy.kernel(distance: 0, radius: 300) == 1)
        #expect(abs(LFPProxy.kernel(distance: 100, radius: 300) - exp(-0.5)) < 1e-15)
        #expect(LFPProxy.kernel(distance: 300.0001, radius: 300) == 0)
        #expect(LFPProxy.delaySamples(rate: 1000) == 6 && LFPProxy.delaySamples(rate: 5000) == 30)
    }

    // MARK: runs

    /// The small sheet with an LFP at a 2 × 2 grid and one listed electrode, bands over 100 ms.
    static let sheet = EngineFixtures.smallSheet
        .replacingOccurrences(of: "time: {dt: 0.1 ms, duration: 300 ms, record_interval: 50 ms, transient: 50 ms}",
                              with: "time: {dt: 0.1 ms, duration: 300 ms, record_interval: 100 ms, transient: 100 ms}")
        .replacingOccurrences(of: "record: {spikes: true, raster_sample: 10}",
                              with: "record: {spikes: true, raster_sample: 10, lfp: {electrodes: {grid: [2, 2]}, radius: 150 um}, bands: {window: 100 ms}}")

    static func csv(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    static func run(_ sc: Scenario, _ root: String, _ id: String, shards: Int = 1, threads: Int = 1) async throws -> String {
        try await RunSession.run(sc, options: RunOptions(threads: threads, shards: shards, outputRoot: root, runID: id, progress: false)).directory
    }

    @Test func runWritesTheLFPFilesWithTheirColumns() async throws {
        let sc = try ScenarioLoader.load(text: Self.sheet, file: "lfp.yaml")
        let root = EngineFixtures.temporaryDirectory("lfp")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = try await Self.run(sc, root, "a")
        let lfp = try Self.csv(dir + "/lfp.csv")
        #expect(lfp.first == ["time_ms", "e0", "e1", "e2", "e3"])
        #expect(lfp.count == 301)   // 300 samples of 1 ms
        #expect(lfp[1][0] == "1.0000" && lfp[300][0] == "300.0000")
        let values = lfp.dropFirst().flatMap { $0.dropFirst().map { Double($0) } }
        #expect(values.allSatisfy { $0?.isFinite == true })
        #expect(values.compactMap { $0 }.contains { abs($0) > 1 }, "the proxy never left zero")
        #expect(try Self.csv(dir + "/lfp_electrodes.csv") == [["electrode", "x_um", "y_um"], ["e0", "100.00", "100.00"],
                                                              ["e1", "300.00", "100.00"], ["e2", "100.00", "300.00"], ["e3", "300.00", "300.00"]])
        let bands = try Self.csv(dir + "/bands.csv")
        #expect(bands.first == ["time_ms", "delta", "theta", "alpha", "beta", "gamma", "high_gamma", "peak_hz"])
        #expect(bands.dropFirst().map { $0[0] } == ["100.000", "200.000", "300.000"])
        for row in bands.dropFirst() {
            #expect(row.count == 8 && row.dropFirst().allSatisfy { Double($0).map { $0.isFinite && $0 >= 0 } == true }, "\(row)")
            #expect(Double(row[7]).map { $0 >= 1 && $0 < 150 } == true)
        }
        let spectrum = try Self.csv(dir + "/spectrum.csv")
        #expect(spectrum.first == ["freq_hz", "power"] && spectrum.count == 1 + 65)   // 128-point FFT: 65 bins
        #expect(spectrum.dropFirst().allSatisfy { $0.count == 2 && Double($0[1]).map { $0.isFinite && $0 >= 0 } == true })
        #expect(FileManager.default.fileExists(atPath: dir + "/summary.png"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/lfp.csv.partial"))
    }

    /// The check: a 40 Hz sinusoidal current onto the pyramidal cells puts the peak of
    /// every bands.csv row on the bin nearest 40 Hz (39.06 Hz with 250 ms segments, Δf 3.9 Hz;
    /// 1 s in two 500 ms intervals of three segments each) and raises gamma power over the
    /// same run without it.
    @Test func a40HzSineDrivePeaksAt40Hz() async throws {
        let root = EngineFixtures.temporaryDirectory("lfp-sine")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sets = try ["time.duration=1000 ms", "time.record_interval=500 ms", "record.bands.window=250 ms"]
            .enumerated().map { try Override.parse($0.element, index: $0.offset) }
        let stimulus = "\nstimuli:\n  - {name: gamma, population: pyr, sine: {amplitude: 60 pA, frequency: 40 Hz}, start: 0 ms, stop: 1000 ms}\n"
        let driven = try ScenarioLoader.load(text: Self.sheet + stimulus, file: "sine.yaml", overrides: sets)
        let plain = try ScenarioLoader.load(text: Self.sheet, file: "lfp.yaml", overrides: sets)
        let a = try Self.csv(try await Self.run(driven, root, "sine") + "/bands.csv").dropFirst()
        let b = try Self.csv(try await Self.run(plain, root, "plain") + "/bands.csv").dropFirst()
        #expect(a.count == 2 && b.count == 2)
        #expect(a.allSatisfy { $0[7] == "39.062" }, "\(a.map { $0[7] })")
        #expect(!b.allSatisfy { $0[7] == "39.062" }, "the undriven run peaks at 39 Hz too: \(b.map { $0[7] })")
        for (x, y) in zip(a, b) { #expect(Double(x[5])! > Double(y[5])!, "gamma \(x[5]) vs \(y[5]) without the drive") }
    }

    @Test func describeNamesTheProxyAndTheWelchSegments() throws {
        let sc = try ScenarioLoader.load(text: Self.sheet, file: "lfp.yaml")
        let text = ScenarioDescription.text(sc)
        #expect(text.contains("LFP proxy (Mazzoni et al. 2015): 4 electrodes, cells of pyr within 150 µm"))
        #expect(text.contains("Hann segments of 100 ms (100 samples, zero-padded to 128"))
    }

    @Test func lfpIsTheSameForAnyShardAndThreadCount() async throws {
        let sc = try ScenarioLoader.load(text: Self.sheet, file: "lfp.yaml")
        let root = EngineFixtures.temporaryDirectory("lfp-det")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let one = try await Self.run(sc, root, "s1t1")
        let others = [try await Self.run(sc, root, "s3t1", shards: 3), try await Self.run(sc, root, "s1t2", threads: 2),
                      try await Self.run(sc, root, "s2t2", shards: 2, threads: 2)]
        for f in ["lfp.csv", "bands.csv", "spectrum.csv"] {
            let a = try #require(FileManager.default.contents(atPath: one + "/" + f))
            for d in others { #expect(FileManager.default.contents(atPath: d + "/" + f) == a, "\(f) of \(d)") }
        }
    }

    /// Frames every 12.35 ms (124 steps) cut segments inside 1 ms samples, so the checkpoint
    /// (at the first boundary after 110 ms) holds a half-accumulated sample and a full delay ring.
    @Test(arguments: [1, 3])
    func resumedRunWritesTheSameLFP(shards: Int) async throws {
        let text = Self.sheet + "\nframes: {every: 12.35 ms, width: 160, height: 120, theme: light, colour: rate, synapses: 0}\n"
        let sc = try ScenarioLoader.load(text: text, file: "lfp-ckpt.yaml")
        try await CheckpointTests.expectResumeEqualsWhole(sc, stopAt: 110, shards: shards,
                                                          mustContain: ["lfp.csv", "bands.csv", "spectrum.csv", "lfp_electrodes.csv"],
                                                          garbage: ["lfp.csv", "bands.csv"])
    }

    /// On the slow clock every window records the LFP (network time and hours) and one bands
    /// row per window, from the window after its settle.
    @Test func slowClockRecordsEveryWindow() async throws {
        let sc = try SlowClockTests.small(["record.lfp={electrodes: [[200, 200]], population: pyr}", "record.bands={window: 40 ms}"])
        let root = EngineFixtures.temporaryDirectory("lfp-slow")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = try await Self.run(sc, root, "a", shards: 2, threads: 2)
        let windows = sc.slow!.clock.windowTimes()
        let lfp = try Self.csv(dir + "/lfp.csv")
        #expect(lfp.first == ["time_ms", "hours", "e0"])
        #expect(lfp.count == 1 + windows.count * 100)
        #expect(Set(lfp.dropFirst().map { $0[1] }).count == windows.count)
        let bands = try Self.csv(dir + "/bands.csv")
        #expect(bands.first == ["time_ms", "hours", "delta", "theta", "alpha", "beta", "gamma", "high_gamma", "peak_hz"])
        #expect(bands.dropFirst().map { Double($0[1]) } == windows.map { Optional($0) })
        #expect(bands.dropFirst().allSatisfy { row in row.dropFirst(2).allSatisfy { Double($0)?.isFinite == true } })
        let other = try await Self.run(sc, root, "b")
        #expect(FileManager.default.contents(atPath: other + "/lfp.csv") == FileManager.default.contents(atPath: dir + "/lfp.csv"))
    }

    /// A pyramidal–PV loop (PING: excitation recruits PV cells, whose GABA silences the
    /// pyramidal cells until it decays) oscillates; the proxy's spectrum must show it. Driven
    /// at 4 kHz the peak lies in gamma and gamma is the largest band; at 8 kHz the cycle is
    /// shorter, so the peak moves up (measured 35 and 47 Hz; beta at 2 kHz, 23 Hz).
    static let ping = """
    schema: 1
    name: ping
    seed: 5
    time: {dt: 0.1 ms, duration: 1000 ms, record_interval: 500 ms}
    sheet: {width: 300 um, height: 300 um}
    populations:
      - {name: pyr, class: pyramidal, count: 400}
      - {name: pv, class: pv, count: 100}
    projections:
      - {from: pyr, to: pyr, ampa: 0.2 nS, connectivity: {rule: random, p: 0.1}, delay: {synaptic: 1 ms}}
      - {from: pyr, to: pv, ampa: 2 nS, connectivity: {rule: random, p: 0.3}, delay: {synaptic: 1 ms}}
      - {from: pv, to: pyr, gaba_a: 4 nS, connectivity: {rule: random, p: 0.5}, delay: {synaptic: 1 ms}}
      - {from: pv, to: pv, gaba_a: 1 nS, connectivity: {rule: random, p: 0.3}, delay: {synaptic: 1 ms}}
    drive:
      - {population: pyr, poisson: {rate: 4000 Hz, weight: 3 nS}}
    record:
      spikes: false
      lfp: {electrodes: [[150, 150]], radius: 300 um}
      bands: {window: 250 ms}
    """

    @Test func pingOscillationPeaksInGammaAndSpeedsUpWithDrive() async throws {
        let root = EngineFixtures.temporaryDirectory("lfp-ping")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var peaks: [[Double]] = []
        for rate in ["4000 Hz", "8000 Hz"] {
            let sc = try ScenarioLoader.load(text: Self.ping, file: "ping.yaml",
                                             overrides: [try Override.parse("drive.0.poisson.rate=\(rate)", index: 0)])
            let rows = try Self.csv(try await Self.run(sc, root, rate.replacingOccurrences(of: " ", with: "")) + "/bands.csv").dropFirst()
            #expect(rows.count == 2)
            for row in rows where rate == "4000 Hz" {
                let p = row.dropFirst().prefix(6).compactMap(Double.init)
                #expect(p.count == 6 && p.max() == p[4], "gamma is not the largest band: \(row)")
            }
            peaks.append(rows.compactMap { Double($0[7]) })
        }
        #expect(peaks[0].count == 2 && peaks[0].allSatisfy { $0 >= 30 && $0 < 80 }, "peaks at 4 kHz drive: \(peaks[0])")
        #expect(peaks[1].count == 2 && zip(peaks[0], peaks[1]).allSatisfy { $1 > $0 }, "peaks \(peaks)")
    }

    /// Stopped between windows of the slow clock and resumed: the same lfp.csv and bands.csv.
    @Test func slowClockRunResumesTheSameLFP() async throws {
        let sc = try SlowClockTests.small(["record.lfp={electrodes: {grid: [2, 1]}}", "record.bands={window: 40 ms}"])
        try await CheckpointTests.expectResumeEqualsWhole(sc, stopAt: 350, shards: 2,
                                                          mustContain: ["lfp.csv", "bands.csv", "spectrum.csv", "slow.csv"],
                                                          garbage: ["lfp.csv", "bands.csv"])
    }

    @Test func slowClockRefusesABandsWindowLongerThanTheSettledWindow() throws {
        #expect(throws: ScenarioErrors.self) {
            _ = try SlowClockTests.small(["record.lfp={electrodes: [[200, 200]]}", "record.bands={window: 90 ms}"])
        }
        do {
            _ = try SlowClockTests.small(["record.lfp={electrodes: [[200, 200]]}", "record.bands={window: 90 ms}"])
        } catch let e as ScenarioErrors {
            #expect(e.diagnostics.contains { $0.message.contains("longer than the slow clock's window after its settle (80") })
        }
    }
}
