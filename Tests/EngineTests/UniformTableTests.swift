// Tables of one weight and one delay keep targets only, from the start of their build, and
// the memory estimate counts them at the bytes they take: brunel-ai (weight 1, one synaptic
// delay, no plasticity) at 4 bytes per synapse; a sheet with conduction delays at 10.

import Foundation
import InputReading
import Testing
@testable import Network
import Kernel
import Scenario

@Suite struct UniformTableTests {
    static func brunel() throws -> Scenario {
        try ScenarioLoader.load(path: EngineFixtures.scenarioPath("brunel-ai.yaml"),
                                overrides: [try Override.parse("populations.E.count=800", index: 0), try Override.parse("populations.I.count=200", index: 1)])
    }

    @Test(arguments: [1, 2])
    func brunelTableKeepsTargetsOnly(threads: Int) throws {
        let sc = try Self.brunel()
        let table = try Connectivity(blueprint: Blueprint(scenario: sc)).table(onto: (0..<1000).map(Int32.init), threads: threads)
        #expect(table.count == 1000 * 1250)
        #expect(table.uniformWeight == 1 && table.uniformDelay == 15, "1.5 ms at 0.1 ms steps")
        #expect(table.bytes == table.count * 4 + 1000 * (12 + 8), "targets, the row index and the marks (start, end) only")
        let est = SizeEstimate(scenario: sc)
        #expect(est.bytesPerSynapse == 4 && est.synapses == Double(table.count))
        // A writer gets each synapse its own weight, the promised one.
        let w = table.weight
        #expect(table.uniformWeight == nil && w.count == table.count && (0..<table.count).allSatisfy { w[$0] == 1 })
    }

    @Test func conductionDelaysKeepEverySynapsesDelay() throws {
        let sc = try ScenarioLoader.load(text: EngineFixtures.smallSheet, file: "s.yaml")
        let table = try Connectivity(blueprint: Blueprint(scenario: sc)).table(onto: (0..<600).map(Int32.init), threads: 2)
        #expect(table.uniformWeight == 1 && table.uniformDelay == nil)
        #expect(SizeEstimate(scenario: sc).bytesPerSynapse == 10)
    }

    /// A weight rule gives every synapse its weight at build (the memory is taken before the
    /// run, and reported); the one delay stays kept once: 8 bytes per synapse.
    @Test func weightRulesTakeTheirBytesAtBuild() throws {
        let text = try String(contentsOfFile: EngineFixtures.scenarioPath("brunel-ai.yaml"), encoding: .utf8)
        let plain = "{from: E, to: E, ampa: 0.5 nS, connectivity: {rule: fixed_indegree, k: 1000}, delay: {synaptic: 1.5 ms}}"
        #expect(text.contains(plain))
        let sc = try ScenarioLoader.load(text: text.replacingOccurrences(of: plain, with: plain.dropLast() + ", plasticity: {rule: stdp, w_max: 2}}"),
                                         file: "b.yaml", overrides: [try Override.parse("populations.E.count=800", index: 0),
                                                                     try Override.parse("populations.I.count=200", index: 1)])
        let shard = try Shard.build(index: 0, targets: (0..<1000).map(Int32.init), blueprint: Blueprint(scenario: sc),
                                    threads: 1, chunkSize: 2048, statEvery: 10)
        #expect(shard.synapseBytes == 1000 * 1250 * 8 + 1000 * (12 + 8))
        #expect(SizeEstimate(scenario: sc).bytesPerSynapse == 10)
    }

    /// Anything that may write weights or form synapses counts 10 bytes per synapse, even
    /// where the table starts with targets only: weights get their own entries when written.
    @Test func weightWritersCountEveryField() throws {
        let sc = try Self.brunel()
        #expect(SizeEstimate(populations: sc.populations, projections: sc.projections, sheet: sc.sheet,
                             dt: sc.time.dt, staticWeights: false).bytesPerSynapse == 10)
        var other = sc
        other.projections[0].synapticDelay = 2
        #expect(SizeEstimate(scenario: other).bytesPerSynapse == 10, "two delays")
    }
}
