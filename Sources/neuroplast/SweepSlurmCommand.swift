// `neuroplast sweep slurm SWEEP_DIR`: write (and with --submit, submit) the sbatch script
// of a job array over the sweep's points.

import ArgumentParser
import Experiments
import Foundation

struct SweepSlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "slurm", abstract: "Write an sbatch job-array script for a planned sweep.")

    @Argument(help: "Sweep folder written by `sweep plan`.") var sweepDirectory: String
    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "Time limit per task, e.g. 00:30:00.") var time: String?
    @Option(help: "CPUs per task.") var cpus: Int = 1
    @Option(help: "Memory per task, e.g. 2G.") var mem: String?
    @Option(help: "Array tasks running at once.") var maxParallel: Int?
    @Option(help: "Points per array task.") var pointsPerTask: Int = 1
    @Flag(help: "Submit with sbatch and record the job id in slurm/jobs.txt.") var submit = false

    func validate() throws {
        if let p = options.problems.first { throw ValidationError(p) }
    }

    var options: SlurmOptions {
        var o = SlurmOptions()
        o.partition = partition; o.time = time; o.cpus = cpus; o.memory = mem
        o.maxParallel = maxParallel; o.pointsPerTask = pointsPerTask
        return o
    }

    func run() throws {
        let (m, layout) = try SweepCLI.manifest(sweepDirectory)
        let o = options
        do {
            let root = layout.root.hasPrefix("/") ? layout : SweepLayout(root: FileManager.default.currentDirectoryPath + "/" + layout.root)
            let path = try SlurmScript.write(manifest: m, layout: root, executable: SweepCLI.executable, options: o)
            let tasks = SlurmScript.taskCount(points: m.points.count, pointsPerTask: pointsPerTask)
            print("wrote \(path): \(tasks) array tasks for \(m.points.count) points")
            if submit {
                let id = try SlurmScript.submit(layout: root)
                print("submitted job \(id) (recorded in \(root.slurmJobs))")
            } else {
                print("submit with: sbatch \(path)")
            }
        } catch { throw SweepCLI.exitCode(for: error) }
    }
}
