// SweepLayout: where everything of a sweep lives inside its folder
// (`Output/sweeps/<sweep>/` by default). Point folders are named by point id; the other
// names never look like an id. One place to change the layout; documented in README.md.
//
//   sweep.json  sweep.yaml  base.yaml            the plan (written by `sweep plan`)
//   <id>/claim.lock  <id>/failure.json           claim while running; why it last failed
//   <id>/stdout.log  <id>/stderr.log             the child's output
//   <id>/<scenario>/run/                         the run folder (complete: manifest.json)
//   <id>/.ranks/                                 ranks 1… of a multi-rank point (while unfinished)
//   slurm/sweep.sbatch  slurm/jobs.txt  slurm/logs/
//   collect/results.csv  collect/*.png

import Foundation

public struct SweepLayout: Sendable {
    public let root: String
    public init(root: String) {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        self.root = r
    }

    public var manifest: String { root + "/sweep.json" }
    public var base: String { root + "/base.yaml" }
    public var sweepCopy: String { root + "/sweep.yaml" }
    public func pointDir(_ id: String) -> String { root + "/" + id }
    public func lock(_ id: String) -> String { pointDir(id) + "/claim.lock" }
    public func failure(_ id: String) -> String { pointDir(id) + "/failure.json" }
    public func stdoutLog(_ id: String) -> String { pointDir(id) + "/stdout.log" }
    public func stderrLog(_ id: String) -> String { pointDir(id) + "/stderr.log" }
    public func runDir(_ p: SweepPoint) -> String { root + "/" + p.runDir }
    /// The mirrors of a multi-rank point's ranks other than 0 (`RankMirror` of the run).
    public func rankMirrors(_ id: String) -> String { pointDir(id) + "/.ranks" }
    public var slurmDir: String { root + "/slurm" }
    public var slurmScript: String { slurmDir + "/sweep.sbatch" }
    public var slurmJobs: String { slurmDir + "/jobs.txt" }
    public var slurmLogs: String { slurmDir + "/logs" }
    public var collectDir: String { root + "/collect" }
    public var resultsCSV: String { collectDir + "/results.csv" }

    /// Whether the point's run finished: the run writes manifest.json last and
    /// summary.json with it.
    public func isComplete(_ p: SweepPoint) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: runDir(p) + "/manifest.json") && fm.fileExists(atPath: runDir(p) + "/summary.json")
    }
}

/// Writes `data` to `path` through a temporary file and a rename.
func writeAtomically(_ data: Data, to path: String) throws {
    let tmp = path + ".partial-\(getpid())"
    do {
        try data.write(to: URL(fileURLWithPath: tmp))
        if rename(tmp, path) != 0 { throw SweepError.io("cannot rename \(tmp) to \(path): \(String(cString: strerror(errno)))") }
    } catch {
        try? FileManager.default.removeItem(atPath: tmp)
        if let e = error as? SweepError { throw e }
        throw SweepError.io("cannot write \(path): \(error.localizedDescription)")
    }
}

func writeAtomically(_ text: String, to path: String) throws { try writeAtomically(Data(text.utf8), to: path) }

/// Failures of sweep commands that are not located faults of an input file.
public enum SweepError: Error, CustomStringConvertible, Sendable {
    /// A file or folder could not be read or written (exit 1).
    case io(String)
    /// The command was called wrongly (exit 64), e.g. a folder that is not a sweep.
    case usage(String)
    public var description: String {
        switch self { case let .io(s), let .usage(s): return s }
    }
}
