// Nothing changes by accident: every shipped scenario, shortened, run through the built
// executable at 1 shard × 1 thread and 3 shards × 2 threads, must give the SHA-256 of
// spikes.bin, metrics.csv, slow.csv and summary.json recorded in
// `Fixtures/run-hashes.json` (for arms, every arm's files). The fixture was recorded before
// the run lifecycle was rewritten; a change of these bytes must be deliberate and listed.
// Record anew with NEUROPLAST_RECORD_RUN_HASHES=1 (then the test writes the fixture and
// fails, so that a recording is never mistaken for a pass). The same runs check that the
// schedule `describe` prints is the one the run executed (manifest.json).

import Foundation
import NeuroplastCore
import TestSupport
import XCTest

/// Shortened versions of the shipped scenarios: fewer neurons, a few hundred milliseconds
/// of network time, a slow clock of 2 h with two windows; small frames.
enum ShortScenarios {
    static let fast = ["--set", "time.duration=300 ms", "--set", "time.transient=100 ms"]
    static let slow = ["--set", "slow_clock.duration=2 h", "--set", "slow_clock.windows=[{until: 2 h, every: 1 h}]",
                       "--set", "slow_clock.window=200 ms", "--set", "slow_clock.settle=50 ms"]
    static let smallFrames = ["--set", "frames.width=320", "--set", "frames.height=180", "--set", "frames.synapses=100"]
    static func counts(_ c: [Int]) -> [String] { c.enumerated().flatMap { ["--set", "populations.\($0.offset).count=\($0.element)"] } }
    static let pfc = counts([400, 60, 40])
    static let ring = counts([512, 128])

    /// Every shipped scenario with the overrides that shorten it.
    static let all: [(file: String, args: [String])] = [
        ("baseline-pfc", fast + pfc + smallFrames),
        ("brunel-ai", fast + counts([400, 100])),
        ("coba-benchmark", fast + counts([400, 100])),
        ("structural-homeostasis", ["--set", "time.duration=3 s", "--set", "time.transient=1 s", "--set", "drive.1.stop=1500 ms"]
            + counts([140, 20, 40])),
        ("chronic-stress-inflammation", slow + pfc + smallFrames + ["--set", "stress.0.start=-2 d"]),
        ("chronic-stress-then-ketamine", slow + pfc + smallFrames + ["--set", "stress.0.start=-2 d"]),
        ("esketamine-nasal", slow + pfc + smallFrames + ["--set", "pharmacology.doses.0.repeat={every: 1 h, times: 2}"]),
        ("excitotoxic-insult", slow + pfc),
        ("ketamine-acute-eeg", slow + pfc + ["--set", "pharmacology.doses.0.at=30 min", "--set", "record.bands.window=100 ms", "--set", "time.record_interval=100 ms"]),
        ("ketamine-causal-chain", slow + pfc),
        ("ketamine-long-term-use", slow + ring + ["--set", "stimuli.0.count=1", "--set", "stimuli.1.count=1", "--set", "stimuli.1.start=1300 ms",
                                                  "--set", "record.bump.delay=500 ms", "--set", "record.bands.window=100 ms",
                                                  "--set", "slow_clock.window=2000 ms",
                                                  "--set", "pharmacology.doses=[{drug: ketamine, route: intraperitoneal, dose: 30 mg/kg, at: 30 min, repeat: {every: 1 h, times: 2}}]",
                                                  "--set", "arms=[{name: control, set: {pharmacology.doses: []}}, {name: daily-high, set: {}}, {name: apocynin, set: {pharmacology.doses: [{drug: ketamine, route: intraperitoneal, dose: 30 mg/kg, at: 30 min}, {drug: apocynin, route: oral, dose: 20 mg/kg, at: 20 min}]}}]"]),
        ("ketamine-slice", slow + pfc),
        ("ketamine-wm-probe", slow + ring + ["--set", "stimuli.0.count=1", "--set", "stimuli.1.count=1", "--set", "stimuli.1.start=1300 ms",
                                             "--set", "record.bump.delay=500 ms", "--set", "record.bands.window=100 ms",
                                             "--set", "slow_clock.window=2000 ms", "--set", "pharmacology.doses.0.at=30 min"]),
        ("ketamine-infusion-human", slow + pfc + smallFrames),
        ("ketamine-rodent", slow + pfc + smallFrames),
        ("ketamine-under-inflammation", slow + pfc + ["--set", "pharmacology.doses.0.at=30 min"]),
        ("ketamine-vs-ssri", slow + pfc + ["--set", "arms.1.set={pharmacology.doses: [{drug: fluoxetine, route: oral, dose: 20 mg, at: 0 h, repeat: {every: 1 h, times: 2}}]}"]),
        ("lps-inflammation", slow + pfc + smallFrames),
        ("repeated-infusions", slow + pfc + smallFrames + ["--set", "pharmacology.doses.0.repeat={every: 1 h, times: 2}"]),
        ("optogenetics-pfc", fast + pfc + smallFrames + ["--set", "time.record_interval=100 ms", "--set", "record.bands.window=100 ms",
                              "--set", "stimuli.0.start=50 ms", "--set", "stimuli.0.stop=150 ms",
                              "--set", "stimuli.1.start=150 ms", "--set", "stimuli.1.stop=250 ms",
                              "--set", "record.overlap.0.a={from: 0 ms, to: 100 ms}", "--set", "record.overlap.0.b={from: 150 ms, to: 250 ms}"]),
        ("working-memory-ring", ["--set", "time.duration=1500 ms", "--set", "stimuli.0.count=1", "--set", "stimuli.1.count=1",
                                 "--set", "stimuli.1.start=1300 ms", "--set", "record.bump.delay=500 ms"] + counts([512, 128]) + smallFrames),
    ]

    /// The files whose bytes must not change, relative to a run folder; arms' subfolders too.
    static func hashes(of dir: String) throws -> [String: String] {
        let fm = FileManager.default
        var out: [String: String] = [:]
        var folders = [""]
        for entry in try fm.contentsOfDirectory(atPath: dir).sorted() {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: dir + "/" + entry + "/manifest.json", isDirectory: &isDir) { folders.append(entry + "/") }
        }
        for f in folders {
            for name in ["spikes.bin", "metrics.csv", "slow.csv", "summary.json"] {
                guard let data = fm.contents(atPath: dir + "/" + f + name) else { continue }
                out[f + name] = SHA256.hex(data)
            }
        }
        return out
    }
}

final class RunHashTests: XCTestCase {
    static let fixture = CLI.root + "/Tests/CLITests/Fixtures/run-hashes.json"

    func testShortenedShippedScenariosKeepTheirBytes() throws {
        let record = ProcessInfo.processInfo.environment["NEUROPLAST_RECORD_RUN_HASHES"] != nil
        let expected = record ? [:] : try JSONDecoder().decode([String: [String: String]].self,
                                                               from: Data(contentsOf: URL(fileURLWithPath: Self.fixture)))
        let shipped = try FileManager.default.contentsOfDirectory(atPath: CLI.root + "/Scenarios")
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
        XCTAssertEqual(Set(shipped), Set(ShortScenarios.all.map(\.file)), "every shipped scenario needs a shortened version here")
        var recorded: [String: [String: String]] = [:]
        let out = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: out) }
        for (name, args) in ShortScenarios.all {
            var seen: [String: String]?
            for (shards, threads) in [(1, 1), (3, 2)] {
                let id = "s\(shards)t\(threads)"
                let r = try CLI.run(["run", CLI.root + "/Scenarios/\(name).yaml", "--out", out, "--run-id", id, "--quiet",
                                     "--shards", "\(shards)", "--threads", "\(threads)"] + args)
                XCTAssertEqual(r.status, 0, "\(name) \(id): \(r.err)")
                guard r.status == 0 else { continue }
                let h = try ShortScenarios.hashes(of: out + "/\(name)/\(id)")
                XCTAssertFalse(h.isEmpty, "\(name) \(id) wrote none of the hashed files")
                if let s = seen { XCTAssertEqual(h, s, "\(name): \(id) differs from 1 shard × 1 thread") } else { seen = h }
                if !record { XCTAssertEqual(h, expected[name], "\(name) \(id): the bytes changed") }
            }
            recorded[name] = seen
            try checkScheduleAgrees(name: name, args: args, runDirectory: out + "/\(name)/s1t1")
        }
        if record {
            try FileManager.default.createDirectory(atPath: (Self.fixture as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(recorded).write(to: URL(fileURLWithPath: Self.fixture))
            XCTFail("recorded \(Self.fixture); unset NEUROPLAST_RECORD_RUN_HASHES to check against it")
        }
    }

    /// `describe --schedule-json` with the run's overrides equals `schedule_executed` in
    /// the manifest of every run folder (each arm's too), and lists every kind it ran.
    func checkScheduleAgrees(name: String, args: [String], runDirectory dir: String) throws {
        let d = try CLI.run(["describe", CLI.root + "/Scenarios/\(name).yaml", "--schedule-json"] + args)
        XCTAssertEqual(d.status, 0, "\(name): \(d.err)")
        guard d.status == 0, let planned = try JSONSerialization.jsonObject(with: Data(d.out.utf8)) as? [String: Any] else {
            return XCTFail("\(name): describe printed no schedule: \(d.out)")
        }
        XCTAssertFalse(planned.isEmpty, name)
        for (folder, plan) in planned {
            let path = dir + (folder.isEmpty ? "" : "/" + folder) + "/manifest.json"
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
            let executed = manifest?["schedule_executed"] as? NSDictionary
            XCTAssertEqual(executed, plan as? NSDictionary, "\(name) \(folder): describe's schedule is not what the run executed")
            XCTAssertNotNil((plan as? [String: Any])?["record"], "\(name) \(folder): no record events planned")
        }
    }
}
