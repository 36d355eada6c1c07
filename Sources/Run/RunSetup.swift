// What every run does first, and where its folder is: read and verify a checkpoint to
// resume from (before any heavy work), build the network and restore it, create the run
// folder (clearing stale checkpoints of a fresh run) and write the resolved scenario.

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Network
import Recording

enum RunSetup {
    static func prepare(_ scenario: Scenario, options: RunOptions) async throws
        -> (resume: CheckpointPayload?, blueprint: Blueprint, simulation: Simulation, directory: String) {
        let root = options.outputRoot ?? scenario.output.directory
        // The folder the run folder goes in, made (or found unusable) before the network is
        // built: an output path that cannot be written is bad input, not a late failure.
        try RunDirectory.makeFolders(options.runDirectory.map { ($0 as NSString).deletingLastPathComponent } ?? root + "/" + scenario.name)
        try checkMemory(scenario, options: options)
        var resume: CheckpointPayload?
        if options.resume {
            guard let id = options.runID ?? options.runDirectory else { throw RunError.invalid("resuming needs the run's --run-id") }
            let runDir = options.runDirectory ?? root + "/" + scenario.name + "/" + id
            resume = try CheckpointFile.read(CheckpointPayload.self, runDir: runDir, scenarioYAML: scenario.resolvedYAML)
            if let r = resume, (r.slow != nil) != (scenario.slow != nil) {
                throw CheckpointError.foreign("the checkpoint is one of a \(r.slow != nil ? "slow-clock" : "fast") run; this scenario is not")
            }
        }
        let bp = Blueprint(scenario: scenario)
        let sim: Simulation
        do { sim = try await Simulation(blueprint: bp, options: options) } catch let e as RankFailure { throw e } catch {
            throw RunError.invalid("cannot build the network of `\(scenario.name)`: \(error)")
        }
        if let r = resume { try await sim.restore(r.simulation, atStep: r.step) }
        // Every rank resumes from its own part of a checkpoint: the parts must be of one moment
        // (a rank that failed while writing its part keeps the one before).
        let steps = try await sim.valueOfEveryRank(Int64(resume?.step ?? -1))
        if let other = steps.firstIndex(where: { $0 != steps[0] }) {
            let at = { (s: Int64) in s < 0 ? "has no checkpoint" : "is at \(Double(s) * scenario.time.dt) ms" }
            throw CheckpointError.corrupt("the ranks' parts of the checkpoint are of different moments: rank 0's \(at(steps[0])), rank \(other)'s \(at(steps[other])) (a rank failed while writing its part, or a mirror under .ranks/ was removed); the run cannot be resumed: start it afresh")
        }
        let dir = try RunDirectory.create(root: root, scenario: scenario.name, runID: options.runID, seed: scenario.seed,
                                          exact: options.runDirectory)
        if resume == nil { try? FileManager.default.removeItem(atPath: CheckpointFile.folder(dir)) }  // stale ones
        try writeAtomically(Data(scenario.resolvedYAML.utf8), to: dir + "/scenario.resolved.yaml")
        return (resume, bp, sim, dir)
    }
}

extension RunSetup {
    /// Refuses, before anything is read or built, a run whose peak memory exceeds what the
    /// process may use (`MemoryBudget`): the network while it is built with these shards and
    /// threads, and the transient of a checkpoint the run will write (`--checkpoint-every`, the
    /// scenario's `checkpoint`) or read (`--resume`). A run without periodic checkpoints whose
    /// checkpoint would not fit is allowed; a stop signal then ends it without one
    /// (`RunSession.checkpoint`).
    static func checkMemory(_ sc: Scenario, options: RunOptions,
                            budget: (bytes: Double, source: String) = MemoryBudget.process) throws {
        let est = SizeEstimate(scenario: sc).share(ofShards: localShards(options), in: options.shards)
        let file = options.scenarioPath ?? sc.name
        let build = est.buildPeak(shards: localShards(options), threads: options.threads)
        let usable = "\(formatBytes(budget.bytes)) usable (\(budget.source))"
        if build > budget.bytes {
            throw RunError.invalid("\(file): the network is too large for this machine: about \(est.synapses.formattedCount) synapses and \(est.neurons.formattedCount) neurons need ≈ \(formatBytes(build)) while being built with \(options.shards) shard(s) and \(options.threads) thread(s), but only \(usable); reduce the network or --shards, or ask Slurm for more --mem")
        }
        let writes = options.checkpointEvery != nil ? "--checkpoint-every" : sc.checkpoint != nil ? "the scenario's `checkpoint`" : nil
        if let why = options.resume ? "--resume" : writes, est.checkpointPeak(shards: localShards(options), threads: options.threads) > budget.bytes {
            throw RunError.invalid("\(file): \(why) needs ≈ \(formatBytes(est.checkpointPeak(shards: localShards(options), threads: options.threads))) while a checkpoint of this network (about \(est.synapses.formattedCount) synapses) is \(why == "--resume" ? "read" : "written"), but only \(usable); the run without checkpoints needs ≈ \(formatBytes(build))")
        }
    }

    /// Whether this process's checkpoint of the run fits in memory (see `checkMemory`).
    static func checkpointFits(_ sc: Scenario, options: RunOptions, budget: Double = MemoryBudget.process.bytes) -> Bool {
        SizeEstimate(scenario: sc).share(ofShards: localShards(options), in: options.shards).checkpointPeak(shards: localShards(options), threads: options.threads) <= budget
    }

    /// The shards this process holds (with ranks, its block).
    static func localShards(_ options: RunOptions) -> Int {
        guard let g = options.ranks, g.size > 1 else { return options.shards }
        return RankLayout.shards(rank: g.rank, size: g.size, total: options.shards).count
    }
}

/// Creates the run folder `<root>/<scenario>/<run-id>/`.
enum RunDirectory {
    /// `exact`: use this folder as it is (an arm of a comparison run).
    static func create(root: String, scenario: String, runID: String?, seed: UInt64, exact: String? = nil) throws -> String {
        let fm = FileManager.default
        if let exact {
            try makeFolders(exact)
            return exact
        }
        let base = root + "/" + scenario
        let id = runID ?? freshID(root: root, scenario: scenario, seed: seed)
        let dir = base + "/" + id
        try makeFolders(dir)
        return dir
    }

    /// A run id not yet taken under `<root>/<scenario>`: the time stamp and the seed, with a
    /// counter when that folder exists.
    static func freshID(root: String, scenario: String, seed: UInt64) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd-HHmmss"
        f.timeZone = TimeZone(identifier: "UTC")
        let stem = f.string(from: Date()) + "-seed\(seed)"
        var id = stem, k = 2
        while FileManager.default.fileExists(atPath: root + "/" + scenario + "/" + id) { id = "\(stem)-\(k)"; k += 1 }
        return id
    }

    /// Creates `path` and its missing parents, or throws naming the first component that
    /// cannot be made or used, with the system's reason (a file in the way, no permission,
    /// a read-only or full filesystem) and whether it is writable.
    static func makeFolders(_ path: String) throws {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            partial += "/" + component
            var info = stat()
            if stat(partial, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw RunError.io("cannot create the run folder \(path): \(partial) is a file, not a folder")
                }
                continue
            }
            if mkdir(partial, 0o755) != 0, errno != EEXIST {
                throw RunError.io("cannot create the run folder \(path): \(partial): \(String(cString: strerror(errno)))")
            }
        }
        if access(path, W_OK | X_OK) != 0 {
            throw RunError.io("cannot write into the output folder \(path): \(String(cString: strerror(errno)))")
        }
    }
}
