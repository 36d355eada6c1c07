// How many cores this process may use, for the default `--threads` of a run and the split
// of a sweep's cores among its children: under Slurm the job step's `SLURM_CPUS_PER_TASK`;
// otherwise the CPUs of the affinity mask (`Cpus_allowed_list` of /proc/self/status, which
// taskset, cpusets and container runtimes set), capped by a cgroup v2 CPU quota (`cpu.max`
// of the process's cgroup: quota/period, rounded up); the online count when neither can be
// read. Results never depend on it: every output is identical for any thread count.

import Foundation

public enum CPUBudget {
    /// Cores available to this process (≥ 1).
    public static func available(environment env: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let s = env["SLURM_CPUS_PER_TASK"], let n = Int(s.trimmingCharacters(in: .whitespaces)), n >= 1 { return n }
        var n = ProcessInfo.processInfo.activeProcessorCount
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }),
           let c = cpuCount(list: String(line.dropFirst("Cpus_allowed_list:".count))) {
            n = min(n, c)
        }
        if let q = cgroupQuota() { n = min(n, q) }
        return max(1, n)
    }

    /// CPUs in a Linux CPU list such as "0-3,8,10-11" (nil if it does not parse).
    public static func cpuCount(list: String) -> Int? {
        var total = 0
        for part in list.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",") {
            let ends = part.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            switch ends.count {
            case 1: guard ends[0] != nil else { return nil }; total += 1
            case 2: guard let a = ends[0], let b = ends[1], b >= a else { return nil }; total += b - a + 1
            default: return nil
            }
        }
        return total > 0 ? total : nil
    }

    /// Whole cores of a cgroup v2 `cpu.max` line ("200000 100000" → 2, "150000 100000" → 2,
    /// "max 100000" → nil: no quota).
    public static func cores(cpuMax: String) -> Int? {
        let f = cpuMax.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard f.count == 2, let quota = Double(f[0]), let period = Double(f[1]), quota > 0, period > 0 else { return nil }
        return max(1, Int((quota / period).rounded(.up)))
    }

    /// The quota of this process's cgroup (v2), if it has one.
    static func cgroupQuota() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) else { return nil }
        let path = String(line.dropFirst(3))
        guard let max = try? String(contentsOfFile: "/sys/fs/cgroup" + path + "/cpu.max", encoding: .utf8) else { return nil }
        return cores(cpuMax: max)
    }
}
