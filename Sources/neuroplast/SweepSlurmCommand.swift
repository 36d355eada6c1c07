// `neuroplast sweep slurm SWEEP_DIR`: write (and with --submit, submit) the sbatch script
// of a job array over the sweep's points.

import ArgumentParser
import Experiments
import Foundation

struct SweepSlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm", abstract: "Write an sbatch job-array script for a planned sweep.",
        discussion: """
        Each array task runs `sweep run SWEEP --array-task`; USR1 (sent 60 s before the time limit) makes the running points checkpoint and the task requeue itself (runner exit 3); TERM stops them too, without a requeue. \
        With --ranks R > 1 each task asks for --ntasks=R (with --cpus per task) and runs its points one at a time, each as one network over R MPI ranks: \
        `srun --mpi=pmi2 --kill-on-bad-exit=1 -n R --cpus-per-task=C neuroplast run … --shards max(R, --shards)`. The runner passes USR1 and TERM on to srun as USR1 \
        (srun would SIGKILL the ranks on TERM), every rank checkpoints at the same event, and after USR1 the task requeues. `scancel` signals srun itself, which kills the ranks: \
        a cancelled point resumes from its last periodic checkpoint or starts again.
        """)

    @Argument(help: "Sweep folder written by `sweep plan`.") var sweepDirectory: String
    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "Time limit per task, e.g. 00:30:00.") var time: String?
    @Option(help: "CPUs per task.") var cpus: Int = 1
    @Option(help: "Memory per task, e.g. 2G.") var mem: String?
    @Option(help: "Array tasks running at once.") var maxParallel: Int?
    @Option(help: "Points per array task.") var pointsPerTask: Int = 1
    @Option(help: "MPI ranks per point: each task asks for --ntasks of this many (of --cpus each) and runs its points one at a time as `srun --mpi=pmi2 --kill-on-bad-exit=1 -n R neuroplast run …`.") var ranks: Int = 1
    @Option(help: "--shards of each point's run (default: one per rank; never fewer than --ranks).") var shards: Int?
    @Flag(help: "Submit with sbatch and record the job id in slurm/jobs.txt.") var submit = false

    func validate() throws {
        if let p = options.problems.first { throw ValidationError(p) }
        if let why = SweepCLI.rankProblem(ranks: ranks, shards: shards) { throw ValidationError(why) }
    }

    var options: SlurmOptions {
        var o = SlurmOptions()
        o.partition = partition; o.time = time; o.cpus = cpus; o.memory = mem
        o.maxParallel = maxParallel; o.pointsPerTask = pointsPerTask
        o.ranks = ranks; o.shards = shards
        return o
    }

    func run() throws {
        let (m, layout) = try SweepCLI.manifest(sweepDirectory)
        let o = options
        do {
            let root = layout.root.hasPrefix("/") ? layout : SweepLayout(root: FileManager.default.currentDirectoryPath + "/" + layout.root)
            let path = try SlurmScript.write(manifest: m, layout: root, executable: SweepCLI.executable, options: o)
            let tasks = SlurmScript.taskCount(points: m.points.count, pointsPerTask: pointsPerTask)
            print("wrote \(path): \(tasks) array tasks for \(m.points.count) points\(ranks > 1 ? ", each point as \(ranks) MPI ranks (srun --mpi=pmi2)" : "")")
            if submit {
                let id = try SlurmScript.submit(layout: root)
                print("submitted job \(id) (recorded in \(root.slurmJobs))")
            } else {
                print("submit with: sbatch \(path)")
            }
        } catch { throw SweepCLI.exitCode(for: error) }
    }
}
