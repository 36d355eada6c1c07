// The default thread count: Slurm's allocation first, else the affinity mask capped by the
// cgroup quota; the parsers of the kernel's formats.

import Foundation
import Testing
import Network

@Suite struct CPUBudgetTests {
    @Test func slurmAllocationWins() {
        #expect(CPUBudget.available(environment: ["SLURM_CPUS_PER_TASK": "3"]) == 3)
        #expect(CPUBudget.available(environment: ["SLURM_CPUS_PER_TASK": "x"]) == CPUBudget.available(environment: [:]))
    }

    @Test func withoutSlurmAtMostTheOnlineCores() {
        let n = CPUBudget.available(environment: [:])
        #expect(n >= 1 && n <= ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test func cpuListsAndQuotasParse() {
        #expect(CPUBudget.cpuCount(list: "0-3,8,10-11") == 7)
        #expect(CPUBudget.cpuCount(list: " 0\n") == 1)
        #expect(CPUBudget.cpuCount(list: "3-1") == nil && CPUBudget.cpuCount(list: "a") == nil && CPUBudget.cpuCount(list: "") == nil)
        #expect(CPUBudget.cores(cpuMax: "200000 100000\n") == 2)
        #expect(CPUBudget.cores(cpuMax: "150000 100000") == 2)
        #expect(CPUBudget.cores(cpuMax: "50000 100000") == 1)
        #expect(CPUBudget.cores(cpuMax: "max 100000") == nil)
    }
}
