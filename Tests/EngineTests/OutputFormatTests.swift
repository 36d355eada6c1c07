// The run folder's files decode as documented: spikes.bin header and records, metrics.csv
// columns, manifest fields.

import Foundation
import Testing
import Network
import Run

@Suite struct OutputFormatTests {
    @Test func runFolderContents() async throws {
        let sc = try ScenarioLoader.load(text: EngineFixtures.smallSheet, file: "small.yaml")
        let root = EngineFixtures.temporaryDirectory("fmt")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: RunOptions(outputRoot: root, runID: "x", progress: false))
        #expect(r.directory == root + "/small-sheet/x")
        // spikes.bin: "NPSPIKE1", version, reserved, dt, neuron count, then (step, id) UInt32 pairs.
        let data = try Data(contentsOf: URL(fileURLWithPath: r.directory + "/spikes.bin"))
        #expect(data.prefix(8) == Data("NPSPIKE1".utf8))
        let body = data.dropFirst(32)
        #expect(body.count == r.spikes * 8)
        let words = body.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
        var lastStep: UInt32 = 0
        for k in stride(from: 0, to: words.count, by: 2) {
            #expect(words[k] >= lastStep); lastStep = words[k]
            #expect(Int(words[k + 1]) < r.neurons)
        }
        // metrics.csv: header and one row per population per interval.
        let csv = try String(contentsOfFile: r.directory + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "time_ms,population,rate_hz,v_mean_mv,g_ampa_ns,g_nmda_ns,g_gaba_ns,cv_isi,synchrony")
        #expect(csv.count == 1 + 6 * 3)
        // manifest.json
        let m = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: r.directory + "/manifest.json"))) as? [String: Any]
        #expect(m?["seed"] as? Int == 11)
        #expect((m?["scenario"] as? [String: Any])?["sha256"] as? String == SHA256.hex(sc.resolvedYAML))
        #expect(m?["threads"] != nil && m?["shards"] != nil && m?["wall_seconds"] != nil)
    }
}
