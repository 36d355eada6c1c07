// What a run may use: the smallest of physical memory, the cgroup's limit and Slurm's --mem;
// and the peaks the estimate adds to the steady size.

import Foundation
import Testing
@testable import Scenario

@Suite struct MemoryBudgetTests {
    static let gib = 1_073_741_824.0

    func cgroup(_ contents: String?) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("np-cgroup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if let contents { try contents.write(toFile: dir + "/memory.max", atomically: true, encoding: .utf8) }
        return dir
    }

    @Test func smallestLimitWins() throws {
        let none = try cgroup(nil), unlimited = try cgroup("max\n"), two = try cgroup("2147483648\n")
        defer { for d in [none, unlimited, two] { try? FileManager.default.removeItem(atPath: d) } }
        let phys = 16 * Self.gib
        #expect(MemoryBudget.usable(environment: [:], cgroupRoot: none, physical: phys).bytes == 0.8 * phys)
        #expect(MemoryBudget.usable(environment: [:], cgroupRoot: unlimited, physical: phys).bytes == 0.8 * phys)
        let cg = MemoryBudget.usable(environment: [:], cgroupRoot: two, physical: phys)
        #expect(cg.bytes == 0.9 * 2 * Self.gib && cg.source.contains("cgroup"))
        let slurm = MemoryBudget.usable(environment: ["SLURM_MEM_PER_NODE": "1024"], cgroupRoot: two, physical: phys)
        #expect(slurm.bytes == 0.9 * Self.gib && slurm.source.contains("--mem"))
        let perCPU = MemoryBudget.usable(environment: ["SLURM_MEM_PER_CPU": "256", "SLURM_CPUS_ON_NODE": "2"], cgroupRoot: none, physical: phys)
        #expect(perCPU.bytes == 0.9 * 0.5 * Self.gib)
        // Garbage in the variables is ignored, not trusted.
        #expect(MemoryBudget.usable(environment: ["SLURM_MEM_PER_NODE": "lots"], cgroupRoot: none, physical: phys).bytes == 0.8 * phys)
    }

    @Test func peaksAddToTheSteadySize() throws {
        let sc = try ScenarioLoader.load(path: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path + "/Scenarios/brunel-ai.yaml")
        let est = SizeEstimate(scenario: sc)
        #expect(est.synapses == 12_500 * 1250 && est.neurons == 12_500)
        #expect(est.bytesPerSynapse == 4, "one weight, one delay, nothing writes them: targets only")
        // Per source row and shard: 12 B of index, 4 B marks at its start, end and E/I border.
        #expect(est.steady(shards: 1, threads: 1) == est.synapses * 4 + est.neurons * (1200 + 12 + 3 * 4))
        #expect(est.steady(shards: 4, threads: 4) - est.steady(shards: 1, threads: 1) == 3 * 24 * est.neurons,
                "each shard indexes and marks every source")
        #expect(est.steady(shards: 1, threads: 2) - est.steady(shards: 1, threads: 1) == 4 * est.neurons,
                "one more mark per row: the border between two delivery workers")
        #expect(est.construction(shards: 1, threads: 1) == 4 * est.neurons, "one block on one thread")
        #expect(est.construction(shards: 1, threads: 2) == 8 * 4 * est.neurons, "four blocks per thread")
        #expect(est.construction(shards: 2, threads: 2) == 2 * 4 * est.neurons)
        #expect(est.checkpoint > est.steady(shards: 1, threads: 1), "a checkpoint is held several times over while encoded")
    }
}
