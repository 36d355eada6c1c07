// `neuroplast sweep run SWEEP_DIR`: run the points that are not done — all of them with
// bounded parallelism, or those of one array task — as child `neuroplast run` processes,
// each of one process or (--ranks R) of R MPI ranks under srun or mpiexec.

import ArgumentParser
import Network
import Experiments
import Ranks
import Foundation

struct SweepRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a planned sweep's pending points.",
        discussion: """
        Points that are done are skipped and points claimed by another live process are left to it, so several runners (or array tasks) may share a folder. Exit 0 when every point this runner was given is done or running elsewhere, 1 when one failed, 3 after USR1 or a checkpointed point (requeue me), 128+signal after TERM/INT (cancelled). Interrupted points stay pending. \
        With --ranks R every point runs as one network over R MPI ranks: `srun --mpi=pmi2 --kill-on-bad-exit=1 -n R neuroplast run … --shards max(R, --shards)` \
        inside a Slurm job, `mpiexec -n R neuroplast run …` (MPICH) elsewhere; the ranks' outputs equal those of one process with the same --shards. \
        A stop signal reaches the launcher as USR1 (srun kills the ranks on TERM), so every rank checkpoints and the point resumes when run again with the same --ranks and --shards.
        """)

    @Argument(help: "Sweep folder written by `sweep plan`.") var sweepDirectory: String
    @Option(help: "Child processes at once (default: the cores this process may use — SLURM_CPUS_PER_TASK under Slurm, else the affinity mask and cgroup quota — divided by --ranks, and 1 for ranks under srun); the cores are divided among the children (and their ranks) as their --threads.") var jobs: Int?
    @Option(help: "Run only the points of this array task index.") var index: Int?
    @Flag(help: "Take the task index from SLURM_ARRAY_TASK_ID.") var arrayTask = false
    @Option(help: "Points per array task (with --index or --array-task).") var pointsPerTask: Int = 1
    @Option(help: "MPI ranks per point, over which each point's network is spread (1: one process per point).") var ranks: Int = 1
    @Option(help: "--shards of each point's run (default: run's own, one per rank; never fewer than --ranks).") var shards: Int?
    @Option(help: "How the ranks are started: srun (inside a Slurm job) or mpiexec (MPICH); default srun when SLURM_JOB_ID is set, else mpiexec.")
    var launcher: RankLauncher.Kind?

    func validate() throws {
        if let j = jobs, !(1...1024).contains(j) { throw ValidationError("--jobs must be between 1 and 1024; got \(j)") }
        if index != nil && arrayTask { throw ValidationError("give --index or --array-task, not both") }
        if let i = index, !(0..<SweepDecoder.maxPoints).contains(i) { throw ValidationError("--index must be between 0 and \(SweepDecoder.maxPoints - 1); got \(i)") }
        if !(1...SweepDecoder.maxPoints).contains(pointsPerTask) {
            throw ValidationError("--points-per-task must be between 1 and \(SweepDecoder.maxPoints); got \(pointsPerTask)")
        }
        if let why = SweepCLI.rankProblem(ranks: ranks, shards: shards) { throw ValidationError(why) }
        if launcher != nil, ranks == 1 { throw ValidationError("--launcher starts the ranks of --ranks 2 or more; with one rank per point there is nothing to launch") }
    }

    func run() throws {
        let (m, layout) = try SweepCLI.manifest(sweepDirectory)
        let env = ProcessInfo.processInfo.environment
        var task = index
        if arrayTask {
            guard let s = env["SLURM_ARRAY_TASK_ID"], let t = Int(s), t >= 0 else {
                Report.stderr("error: --array-task needs SLURM_ARRAY_TASK_ID (set by Slurm in a job array task)")
                throw ExitCode(64)
            }
            task = t
        }
        let points = task.map { SlurmScript.points(ofTask: $0, pointsPerTask: pointsPerTask, in: m.points) } ?? m.points
        if let t = task, points.isEmpty { print("task \(t) has no points (\(m.points.count) points, \(pointsPerTask) per task)"); return }
        // The cores this process may use, shared among the children running at once.
        let cores = CPUBudget.available(environment: env)
        var rankLauncher: RankLauncher?
        if ranks > 1 {
            guard MPIRankGroup.available else {
                Report.stderr("error: --ranks \(ranks): this neuroplast was built without MPI; install MPICH's headers (apt-get install libmpich-dev) and rebuild")
                throw ExitCode(64)
            }
            let kind = launcher ?? RankLauncher.preferredKind(environment: env)
            // Under srun each rank is a Slurm task with the job's CPUs per task; under mpiexec
            // the ranks share this machine's cores.
            let perTask = kind == .srun ? env["SLURM_CPUS_PER_TASK"].flatMap { Int($0) }.flatMap { $0 >= 1 ? $0 : nil } : nil
            do { rankLauncher = try RankLauncher.find(kind, ranks: ranks, cpusPerRank: perTask, environment: env) } catch { throw SweepCLI.exitCode(for: error) }
        }
        // srun: the job's tasks are one point's ranks, so one point at a time by default.
        let n = jobs ?? (rankLauncher?.kind == .srun ? 1 : max(1, cores / ranks))
        let perProcess = rankLauncher?.kind == .srun ? (rankLauncher?.cpusPerRank ?? max(1, cores / ranks))
                                                     : max(1, cores / max(1, min(n, points.count) * ranks))
        let runner = LocalRunner(executable: SweepCLI.executable, layout: layout, jobs: n, threadsPerChild: perProcess,
                                 shards: shards, launcher: rankLauncher) { print($0) }
        if let l = rankLauncher { print("each point: \(([l.path] + l.launcherArguments).joined(separator: " ")) neuroplast run … --threads \(perProcess) --shards \(runner.childShards ?? ranks)") }
        let o = runner.run(points)
        print("sweep \(m.name)\(task.map { " task \($0)" } ?? ""): \(points.count) points — ran \(o.ran), succeeded \(o.succeeded), already done \(o.alreadyDone), running elsewhere \(o.busy), failed \(o.failed.count), interrupted \(o.interrupted)")
        for f in o.failed { Report.stderr("failed: \(f.id): \(f.reason)") }
        if o.exitCode != 0 { throw ExitCode(o.exitCode) }
    }
}
