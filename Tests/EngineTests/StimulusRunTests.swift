// Stimulus protocols and trial readouts in whole runs: silencing PV cells raises pyramidal
// rates in the window, a ring holds a cue as a bump, outputs are identical across shard and
// thread counts and after a resume inside a presentation, and on the slow clock a probe
// trial runs in the windows picked by dose-relative times.

import Foundation
import Testing
import Network
import Recording
@testable import Run

@Suite struct StimulusRunTests {
    /// A small ring network (Compte-style, scaled to 512 + 128 cells: conductances ×4).
    static let smallRing = """
    schema: 1
    name: small-ring
    seed: 5
    time: {dt: 0.1 ms, duration: 1600 ms, record_interval: 100 ms}
    sheet: {width: 1000 um, height: 1000 um}
    receptors:
      nmda: {saturation: {alpha: 0.5 /ms}}
    populations:
      - {name: E, class: pyramidal, count: 512, layout: ring, params: {C: 500 pF, gL: 25 nS, EL: -70 mV, Vth: -50 mV, Vreset: -60 mV, refractory: 2 ms}}
      - {name: I, class: pv, count: 128, params: {C: 200 pF, gL: 20 nS, EL: -70 mV, Vth: -50 mV, Vreset: -60 mV, refractory: 1 ms}}
    projections:
      - {from: E, to: E, nmda: 1.524 nS, connectivity: {rule: random, p: 1}, weight_profile: {j_plus: 1.62, sigma: 18 deg}}
      - {from: E, to: I, nmda: 1.168 nS, connectivity: {rule: random, p: 1}}
      - {from: I, to: E, gaba_a: 5.344 nS, connectivity: {rule: random, p: 1}}
      - {from: I, to: I, gaba_a: 4.096 nS, connectivity: {rule: random, p: 1}}
    drive:
      - {population: E, poisson: {rate: 1.8 kHz, weight: 3.1 nS}}
      - {population: I, poisson: {rate: 1.8 kHz, weight: 2.38 nS}}
    stimuli:
      - {name: cue, population: E, near: {angle: 90 deg, width: 36 deg, rotate: 120 deg}, current: 200 pA, start: 200 ms, duration: 250 ms, every: 700 ms, count: 2}
      - {name: erase, population: E, current: -400 pA, start: 750 ms, duration: 100 ms, every: 700 ms, count: 2}
      - {name: noise, population: I, poisson: {rate: 100 Hz, weight: 1 nS}, start: 100 ms, stop: 1500 ms}
    record:
      spikes: true
      bump: {population: E, cue: cue, delay: 300 ms, window: 100 ms, inhibitory: I}
      overlap: [{name: first-vs-second, population: E, a: {from: 450 ms, to: 750 ms}, b: {from: 1150 ms, to: 1450 ms}}]
    """

    static func rows(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let head = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(head, $0)) }
    }

    @Test func ringHoldsTheCueAndWritesTheReadouts() async throws {
        let sc = try ScenarioLoader.load(text: Self.smallRing, file: "ring.yaml")
        let root = EngineFixtures.temporaryDirectory("ring")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: RunOptions(threads: 2, shards: 1, outputRoot: root, runID: "a", progress: false))
        let bump = try Self.rows(r.directory + "/bump.csv")
        #expect(bump.count == 2)
        for (k, row) in bump.enumerated() {
            #expect(Double(row["cue_deg"] ?? "") == [90, 210][k])
            let drift = try #require(Double(row["drift_from_cue_deg"] ?? ""))
            #expect(abs(drift) < 20, "trial \(k): \(row)")
            #expect(row["held"] == "1", "trial \(k): \(row)")
        }
        let overlap = try Self.rows(r.directory + "/overlap.csv")
        // Two bumps 120° apart share few neurons.
        let cosine = try #require(Double(overlap.first?["overlap"] ?? ""))
        #expect(cosine < 0.5, "\(overlap)")
        #expect(r.bump?.trials == 2)
        #expect(r.executed.entries[.stimulus]?.count == 10)   // onsets and offsets of 2 cues, 2 erases and the noise
    }

    @Test func runFolderIdenticalAcrossShardsAndThreadsWithStimuli() async throws {
        let sc = try ScenarioLoader.load(text: Self.smallRing, file: "ring.yaml")
        let root = EngineFixtures.temporaryDirectory("ringdet")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let a = try await RunSession.run(sc, options: RunOptions(threads: 1, shards: 1, outputRoot: root, runID: "a", progress: false))
        let b = try await RunSession.run(sc, options: RunOptions(threads: 2, shards: 3, outputRoot: root, runID: "b", progress: false))
        for f in ["spikes.bin", "metrics.csv", "bump.csv", "overlap.csv"] {
            let da = FileManager.default.contents(atPath: a.directory + "/" + f)
            #expect(da != nil && da == FileManager.default.contents(atPath: b.directory + "/" + f), "\(f) differs")
        }
    }

    @Test func resumeInsideAPresentationIsBitIdentical() async throws {
        let sc = try ScenarioLoader.load(text: Self.smallRing, file: "ring.yaml")
        // Stopped at 320 ms: inside the first cue, the bump trial open.
        try await CheckpointTests.expectResumeEqualsWhole(sc, stopAt: 320, shards: 2, mustContain: ["bump.csv", "overlap.csv", "spikes.bin"],
                                                          garbage: ["bump.csv"])
    }

    /// PV cells silenced by a shunting opsin in [150, 300) ms: pyramidal rates rise in the window.
    @Test func silencingPVRaisesPyramidalRates() async throws {
        let silenced = EngineFixtures.smallSheet + """

        stimuli:
          - {name: light, population: pv, optogenetic: {opsin: gtacr2, conductance: 40 nS}, start: 150 ms, stop: 300 ms}
        """
        let root = EngineFixtures.temporaryDirectory("opto")
        defer { try? FileManager.default.removeItem(atPath: root) }
        func rates(_ text: String, _ id: String) async throws -> (pyr: Double, pv: Double) {
            let sc = try ScenarioLoader.load(text: text, file: "opto.yaml")
            let r = try await RunSession.run(sc, options: RunOptions(threads: 1, shards: 1, outputRoot: root, runID: id, progress: false))
            let rows = try Self.rows(r.directory + "/metrics.csv").filter { (Double($0["time_ms"] ?? "") ?? 0) > 150 + 1e-9 }
            func mean(_ p: String) -> Double {
                let v = rows.filter { $0["population"] == p }.compactMap { Double($0["rate_hz"] ?? "") }
                return v.reduce(0, +) / Double(max(1, v.count))
            }
            return (mean("pyr"), mean("pv"))
        }
        let control = try await rates(EngineFixtures.smallSheet, "control")
        let light = try await rates(silenced, "light")
        #expect(light.pv < 0.2 * control.pv, "PV \(light.pv) Hz vs \(control.pv) Hz")
        #expect(light.pyr > 1.5 * control.pyr, "pyramidal \(light.pyr) Hz vs \(control.pyr) Hz")
    }

    /// The bump readout on the slow clock: a probe cue in every window from 2 h on, one
    /// bump.csv row per window with its slow-clock time.
    @Test func bumpOnTheSlowClockIsATimeSeries() async throws {
        let sc = try SlowClockTests.small(["populations.pyr.layout=ring", "record.bump={population: pyr, cue: cue, delay: 40 ms, window: 20 ms}"],
                                          appending: """
        stimuli:
          - {name: cue, population: pyr, near: {angle: 45 deg, width: 40 deg}, current: 300 pA, start: 20 ms, duration: 30 ms, from: 2 h}
        """)
        let root = EngineFixtures.temporaryDirectory("slowbump")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: RunOptions(threads: 1, shards: 1, outputRoot: root, runID: "a", progress: false))
        let rows = try Self.rows(r.directory + "/bump.csv")
        let windows = sc.slow!.clock.windowTimes().filter { $0 >= 2 - 1e-9 }
        #expect(rows.compactMap { Double($0["hours"] ?? "") } == windows, "\(rows)")
        #expect(rows.allSatisfy { $0["cue_deg"] == "45.00" })
    }

    /// `drive[].current` acts, in its window (it was decoded and then dropped, until the
    /// experiments work found it): an isolated population at rest settles at E_L + I/g_L.
    @Test func driveCurrentIsApplied() async throws {
        let text = """
        schema: 1
        name: current
        time: {dt: 0.1 ms, duration: 400 ms, record_interval: 100 ms}
        sheet: {width: 100 um, height: 100 um}
        populations:
          - {name: P, class: pyramidal, count: 10, init_v: {min: -70 mV, max: -70 mV},
             params: {C: 200 pF, gL: 10 nS, EL: -70 mV, Vth: 0 mV, Vreset: -60 mV}}
        drive:
          - {population: P, current: 100 pA, start: 200 ms}
        """
        let sc = try ScenarioLoader.load(text: text, file: "current.yaml")
        let root = EngineFixtures.temporaryDirectory("current")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: RunOptions(threads: 1, shards: 1, outputRoot: root, runID: "a", progress: false))
        let v = try Self.rows(r.directory + "/metrics.csv").compactMap { Double($0["v_mean_mv"] ?? "") }
        #expect(v.count == 4)
        #expect(abs(v[1] + 70) < 1e-9, "before the drive starts: \(v)")
        // 100–200 ms after onset (5–10 τ) the mean is within 1 % of the 10 mV step.
        #expect(abs(v[3] - (-60)) < 0.1, "\(v)")
    }

    /// A probe trial in the windows from 1 h after the infusion starts, on the slow clock.
    @Test func probeTrialRunsInTheWindowsAfterADose() async throws {
        let sc = try SlowClockTests.small(appending: """
        stimuli:
          - {name: probe, population: pyr, pulse: {amplitude: 300 pA, width: 20 ms}, start: 30 ms, from: 1 h after dose 1}
        """)
        let plan = RunPlanner.plan(sc, frames: false, checkpointEvery: nil)
        let dose = try #require(sc.slow?.pharmacology?.doses.first?.start)
        let hours = plan.presentations.compactMap(\.hours)
        #expect(!hours.isEmpty && hours.allSatisfy { $0 >= dose + 1 - 1e-9 }, "\(hours), dose at \(dose) h")
        #expect(hours.count == sc.slow!.clock.windowTimes().filter { $0 >= dose + 1 - 1e-9 }.count)
        let W = Int((sc.slow!.clock.window / sc.time.dt).rounded())
        for p in plan.presentations { #expect(p.on % W == 300 && p.off - p.on == 200) }
        let events = plan.events.filter { $0.kind == .stimulus }
        #expect(events.count == 2 * hours.count && events.allSatisfy { $0.hours != nil })
        let root = EngineFixtures.temporaryDirectory("probe")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: RunOptions(threads: 1, shards: 1, outputRoot: root, runID: "a", progress: false))
        #expect(r.executed.entries[.stimulus]?.count == events.count)
    }
}
