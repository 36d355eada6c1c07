// RankLauncher: how a sweep point of several MPI ranks is started — `neuroplast run` put
// behind `srun --mpi=pmi2 --kill-on-bad-exit=1 -n R` inside a Slurm job, or behind MPICH's
// `mpiexec -n R` on a machine without Slurm. Both set PMI_RANK/PMI_SIZE, which `run` reads.
// Under Slurm only `--mpi=pmi2` makes the R tasks one world (a plain `srun -n R` starts R
// independent copies, which `run` refuses), and only `--kill-on-bad-exit` ends the other
// ranks when one dies instead of leaving them waiting forever in an exchange.
//
// Signals (checked on Slurm 22.05 and MPICH 4.0 Hydra here): both launchers pass SIGUSR1 on
// to every rank, but srun answers SIGTERM, SIGHUP and SIGQUIT by SIGKILLing every task
// ("forcing job termination"), which would lose the checkpoint a stopping run writes. So a
// runner passes any stop signal on to a launcher as SIGUSR1: every rank checkpoints at the
// same event and exits 3, the launcher with them.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

public struct RankLauncher: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Slurm's `srun` (inside a job allocation).
        case srun
        /// MPICH's Hydra `mpiexec` (on this machine).
        case mpiexec
    }

    /// The most ranks a run accepts (`RankLaunch` of the run).
    public static let maxRanks = 4096

    public let kind: Kind
    /// The launcher's absolute path.
    public let path: String
    public let ranks: Int
    /// srun's `--cpus-per-task` (Slurm 22.05 steps no longer inherit the job's; nil: srun's default).
    public let cpusPerRank: Int?

    public init(kind: Kind, path: String, ranks: Int, cpusPerRank: Int? = nil) {
        self.kind = kind; self.path = path; self.ranks = ranks; self.cpusPerRank = cpusPerRank
    }

    /// srun inside a Slurm job (SLURM_JOB_ID set), mpiexec anywhere else.
    public static func preferredKind(environment env: [String: String]) -> Kind {
        env["SLURM_JOB_ID"].map { !$0.isEmpty } == true ? .srun : .mpiexec
    }

    /// The launcher of `kind` found on PATH, or a message naming the package that provides it.
    public static func find(_ kind: Kind, ranks: Int, cpusPerRank: Int? = nil,
                            environment env: [String: String] = ProcessInfo.processInfo.environment) throws -> RankLauncher {
        guard (1...maxRanks).contains(ranks) else {
            throw SweepError.usage("--ranks must be between 1 and \(maxRanks); got \(ranks)")
        }
        let dirs = (env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        guard let path = dirs.map({ $0 + "/" + kind.rawValue }).first(where: { access($0, X_OK) == 0 }) else {
            let package = kind == .srun ? "Slurm's client commands (Debian/Ubuntu: apt-get install slurm-client)"
                                        : "MPICH (Debian/Ubuntu: apt-get install mpich)"
            throw SweepError.usage("--ranks \(ranks) starts every point with `\(kind.rawValue) -n \(ranks)`, but \(kind.rawValue) is not on PATH; install \(package)")
        }
        return RankLauncher(kind: kind, path: path, ranks: ranks, cpusPerRank: cpusPerRank)
    }

    /// The launcher's own arguments, before the program it starts.
    public var launcherArguments: [String] {
        switch kind {
        case .srun:
            return ["--mpi=pmi2", "--kill-on-bad-exit=1", "-n", String(ranks)] + (cpusPerRank.map { ["--cpus-per-task=\($0)"] } ?? [])
        case .mpiexec:
            return ["-n", String(ranks)]
        }
    }

    /// The process to start for `executable arguments`: the launcher, then the program.
    public func command(_ executable: String, _ arguments: [String]) -> (executable: String, arguments: [String]) {
        (path, launcherArguments + [executable] + arguments)
    }

    /// What a stop signal (TERM, INT, USR1) becomes on its way to the launcher: SIGUSR1, the one
    /// signal both launchers pass on to the ranks (srun SIGKILLs the tasks on TERM).
    public static let stopSignal = SIGUSR1
}
