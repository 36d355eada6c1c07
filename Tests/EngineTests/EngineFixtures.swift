// Shared helpers for engine tests: the project's scenario folder, temporary output
// folders, and hashing of spike trains.

import Foundation
import Network

enum EngineFixtures {
    /// The package root, found from this file's path.
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func scenarioPath(_ name: String) -> String { packageRoot + "/Scenarios/" + name }

    static func temporaryDirectory(_ tag: String) -> String {
        let p = NSTemporaryDirectory() + "neuroplast-\(tag)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }

    static func hash(_ spikes: [Spike]) -> String {
        var h = SHA256()
        for s in spikes {
            withUnsafeBytes(of: Int64(s.step).littleEndian) { h.update($0) }
            withUnsafeBytes(of: s.source.littleEndian) { h.update($0) }
        }
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// A small three-population sheet with every receptor, AdEx cells, distance delays and drive.
    static let smallSheet = """
    schema: 1
    name: small-sheet
    seed: 11
    time: {dt: 0.1 ms, duration: 300 ms, record_interval: 50 ms, transient: 50 ms}
    sheet: {width: 400 um, height: 400 um}
    populations:
      - {name: pyr, class: pyramidal, count: 480}
      - {name: pv, class: pv, count: 80}
      - {name: sst, class: sst, count: 40, model: adex}
    projections:
      - {from: pyr, to: pyr, ampa: 0.4 nS, nmda: 0.12 nS, connectivity: {rule: gaussian, p_max: 0.3, sigma: 120 um}, delay: {synaptic: 0.5 ms, velocity: 0.2 m/s}}
      - {from: pyr, to: pv, ampa: 0.8 nS, nmda: 0.05 nS, connectivity: {rule: random, p: 0.2}, delay: {synaptic: 0.6 ms}}
      - {from: pyr, to: sst, ampa: 0.3 nS, nmda: 0.2 nS, connectivity: {rule: fixed_indegree, k: 40}}
      - {from: pv, to: pyr, gaba_a: 3 nS, connectivity: {rule: gaussian, p_max: 0.5, sigma: 100 um}}
      - {from: sst, to: pyr, gaba_a: 1.5 nS, connectivity: {rule: random, p: 0.3}}
      - {from: sst, to: pv, gaba_a: 1 nS, connectivity: {rule: random, p: 0.3}}
    drive:
      - {population: pyr, poisson: {rate: 400 Hz, weight: 12 nS}}
      - {population: pv, poisson: {rate: 600 Hz, weight: 6 nS}}
      - {population: sst, poisson: {rate: 150 Hz, weight: 8 nS}, tonic: {nmda: 0.5 nS}}
    record: {spikes: true, raster_sample: 10}
    """
}

extension SHA256 {
    mutating func update(_ raw: UnsafeRawBufferPointer) { update(Array(raw)) }
}
