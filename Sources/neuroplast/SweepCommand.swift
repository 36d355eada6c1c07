// `neuroplast sweep …`: plan, run, slurm, status and collect a parameter sweep. The
// subcommands parse flags and call the Experiments library; the sweep file and folder
// formats are in README.md § Sweeps.

import ArgumentParser
import Experiments
import Foundation

extension RankLauncher.Kind: ExpressibleByArgument {}

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Plan, run (locally or as a Slurm job array), monitor and collect parameter sweeps.",
        discussion: "Exit codes: 0 success, 64 usage error, 65 invalid sweep or scenario, 1 runtime failure, 3 interrupted (requeue).",
        subcommands: [SweepPlanCommand.self, SweepRunCommand.self, SweepSlurmCommand.self, SweepStatusCommand.self, SweepCollectCommand.self])
}

enum SweepCLI {
    /// This executable's absolute path (children and Slurm tasks run the same binary).
    static var executable: String {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        let arg0 = CommandLine.arguments[0]
        return arg0.hasPrefix("/") ? arg0 : FileManager.default.currentDirectoryPath + "/" + arg0
    }

    /// Prints an error and returns its exit code: located diagnostics 65 (64 for usage),
    /// usage 64, anything else 1.
    static func exitCode(for error: Error) -> ExitCode {
        if let e = error as? SweepError, case .usage = e {
            Report.stderr("error: \(e)")
            return ExitCode(64)
        }
        return Report.exitCode(for: error)
    }

    /// Why `--ranks`/`--shards` of a sweep cannot run, if they cannot: every rank of a point
    /// holds at least one of the run's shards, and a run has at most `RunCommand.maxShards`.
    static func rankProblem(ranks: Int, shards: Int?) -> String? {
        if !(1...RankLauncher.maxRanks).contains(ranks) { return "--ranks must be between 1 and \(RankLauncher.maxRanks); got \(ranks)" }
        if ranks > RunCommand.maxShards {
            return "--ranks \(ranks) needs \(ranks) shards (one per rank at least), but a run has at most \(RunCommand.maxShards); use --ranks \(RunCommand.maxShards) or fewer"
        }
        if let s = shards, !(1...RunCommand.maxShards).contains(s) { return "--shards must be between 1 and \(RunCommand.maxShards); got \(s)" }
        return nil
    }

    static func manifest(_ dir: String) throws -> (SweepManifest, SweepLayout) {
        let layout = SweepLayout(root: dir)
        do { return (try SweepManifest.read(layout), layout) } catch { throw exitCode(for: error) }
    }

    static func hours(_ seconds: Double) -> String {
        seconds < 3600 ? String(format: "%.2g core-hours (%.0f core-seconds)", seconds / 3600, seconds) : String(format: "%.1f core-hours", seconds / 3600)
    }

    static func bytes(_ b: Double) -> String {
        b >= 1_073_741_824 ? String(format: "%.1f GiB", b / 1_073_741_824) : b >= 1_048_576 ? String(format: "%.1f MiB", b / 1_048_576) : String(format: "%.0f KiB", b / 1024)
    }
}
