// NMDA-receptor block set directly in the scenario: the blocked population's NMDA
// conductance goes to zero while the block is on and comes back after it.

import Foundation
import InputReading
import Testing
import Network
import Run

@Suite struct NMDABlockTests {
    @Test func blockRemovesNMDAConductanceWhileOn() async throws {
        let text = EngineFixtures.smallSheet + "\nnmda_block:\n  - {population: pyr, fraction: 1.0, start: 100 ms, stop: 200 ms}\n  - {population: sst, fraction: 0.5}\n"
        let sc = try ScenarioLoader.load(text: text, file: "block.yaml")
        let root = EngineFixtures.temporaryDirectory("block")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try await RunSession.run(sc, options: RunOptions(outputRoot: root, runID: "b", progress: false))
        let rows = try String(contentsOfFile: r.directory + "/metrics.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let pyr = rows.filter { $0[1] == "pyr" }.map { (t: Double($0[0])!, g: Double($0[5])!) }
        // Intervals end at 50, 100, …; the one ending at 150 and 200 lie inside the block
        // (the NMDA gating decays with τ 100 ms, so the conductance, not the gating, is what the
        // block removes: B(V)·s·(1 − block)).
        #expect(pyr.filter { $0.t <= 100 }.allSatisfy { $0.g > 0 }, "\(pyr)")
        #expect(pyr.filter { $0.t > 100 && $0.t <= 200 }.allSatisfy { $0.g == 0 }, "\(pyr)")
        #expect(pyr.filter { $0.t > 250 }.allSatisfy { $0.g > 0 }, "\(pyr)")
        // Unknown population in a block is a located error.
        #expect(throws: ScenarioErrors.self) {
            try ScenarioLoader.load(text: EngineFixtures.smallSheet + "\nnmda_block:\n  - {population: pyramids, fraction: 0.3}\n", file: "b.yaml")
        }
    }
}
