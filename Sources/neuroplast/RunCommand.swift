// `neuroplast run FILE`: run a scenario and write its run folder. SIGTERM and SIGUSR1
// (Slurm's warning before the time limit) make the run checkpoint at its next segment
// boundary and exit 3; `--resume` continues it from that checkpoint. Under an MPI launcher
// (`mpiexec -n R`, `srun --mpi=pmi2 -n R`) the run is spread over R ranks (`RankLaunch`):
// the scenario is loaded and checked by every rank before MPI starts; rank 0 prints the
// result; a rank that fails says so and every other rank ends with its message.

import ArgumentParser
import Foundation
import InputReading
import Network
import Ranks
import Run
import Scenario
#if canImport(Glibc)
import Glibc
#endif

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a scenario file.",
        discussion: """
        Checkpoints go to <run folder>/checkpoints/checkpoint.npck: every `checkpoint.every` of the scenario \
        or --checkpoint-every, and on SIGTERM or SIGUSR1, after which the run exits 3 (requeue me). \
        Resume with the same scenario, --set, --seed, --shards and --run-id plus --resume; without a \
        checkpoint in the run folder, --resume starts afresh. Exit codes: 0 done, 3 stopped after a \
        checkpoint, 64 usage (e.g. another --shards than the checkpoint's), 65 invalid scenario or a \
        checkpoint of another scenario, 1 runtime failure or a damaged checkpoint.
        """)

    /// The most shards a run takes (and so the most ranks: each rank holds at least one).
    static let maxShards = 64

    @Argument(help: "Scenario file (YAML).") var file: String
    @OptionGroup var scenario: ScenarioOverrides
    @Option(help: "Root folder for run output (default: the scenario's output.directory).") var out: String?
    @Option(help: "Worker threads for the kernel (default: the cores this process may use — SLURM_CPUS_PER_TASK under Slurm, else the affinity mask and cgroup quota; results are identical for any count).") var threads: Int?
    @Option(help: "Shard actors (vertical strips of the sheet), over all ranks (default: 1, or one per MPI rank; at least the number of ranks).") var shards: Int?
    @Option(help: "Name of the run folder (default: time stamp and seed).") var runId: String?
    @Flag(help: "Skip frames even if the scenario asks for them.") var noFrames = false
    @Flag(help: "Assemble frames into an MP4 with ffmpeg.") var video = false
    @Flag(help: "No progress line.") var quiet = false
    @Option(help: ArgumentHelp("Write a checkpoint every this much network time, e.g. \"10 s\" (overrides the scenario's checkpoint.every).", valueName: "time"))
    var checkpointEvery: String?
    @Flag(help: "Resume the run named by --run-id from its checkpoint (start afresh if it has none).") var resume = false

    func validate() throws {
        if let t = threads, !(1...256).contains(t) { throw ValidationError("--threads must be between 1 and 256; got \(t)") }
        if let s = shards, !(1...Self.maxShards).contains(s) { throw ValidationError("--shards must be between 1 and \(Self.maxShards); got \(s)") }
        if let r = runId, let why = FolderName.problem(r) { throw ValidationError("--run-id \(why)") }
        if let o = out, o.isEmpty || o.contains("\0") { throw ValidationError("--out must be a folder path (not empty, no NUL); got \(String(reflecting: o))") }
        if resume, runId == nil { throw ValidationError("--resume needs the --run-id of the run to resume") }
        if let c = checkpointEvery, Self.milliseconds(c) == nil {
            throw ValidationError("--checkpoint-every needs a positive time with a unit, e.g. \"10 s\" or \"500 ms\"; got \"\(c)\"")
        }
    }

    /// A time such as "10 s" in ms.
    static func milliseconds(_ text: String) -> Double? {
        guard let q = Quantity.parse(text), let (dim, factor) = UnitTable.units[q.unit], dim == .time, q.value > 0 else { return nil }
        return q.value * factor
    }

    func run() async throws {
        let launch = RankLaunch.detect(ProcessInfo.processInfo.environment)
        if case let .refused(why) = launch { throw ValidationError(why) }
        let size: Int
        if case let .ranks(_, n) = launch { size = n } else { size = 1 }
        let shardCount = shards ?? size
        guard size <= Self.maxShards else {
            throw ValidationError("\(size) ranks are more than a run can use: every rank holds at least one shard, and a run has at most \(Self.maxShards)")
        }
        guard shardCount >= size else {
            throw ValidationError("--shards \(shardCount) is fewer than the \(size) ranks: every rank holds at least one shard; use --shards \(size) or more")
        }
        let sc = try loadScenario(file, scenario)
        var group: MPIRankGroup?
        if case let .ranks(rank, n) = launch {
            do { group = try MPIRankGroup.start() } catch { Report.stderr("error: \(error)"); throw ExitCode(1) }
            guard group?.rank == rank, group?.size == n else {
                group?.finalize()
                Report.stderr("error: MPI started rank \(group?.rank ?? -1) of \(group?.size ?? 0), but the launcher's environment says rank \(rank) of \(n)")
                throw ExitCode(1)
            }
        }
        defer { group?.finalize() }
        do {
            try await run(sc, shards: shardCount, group: group)
            try group?.close(ok: true)
        } catch let e as RankFailure {
            Report.stderr("error: [rank \(group?.rank ?? 0)] stopped because \(e)")
            throw ExitCode(1)
        }
    }

    func run(_ sc: Scenario, shards: Int, group: MPIRankGroup?) async throws {
        let quiet = self.quiet || (group?.rank ?? 0) != 0
        var opts = RunOptions(threads: threads ?? min(256, CPUBudget.available()), shards: shards, outputRoot: out, runID: runId, progress: !quiet,
                              frames: !noFrames, video: video, scenarioPath: file)
        opts.ranks = group
        opts.checkpointEvery = checkpointEvery.flatMap(Self.milliseconds)
        opts.resume = resume
        let stop = StopRequest()
        opts.stop = stop
        let signals = Self.interceptStopSignals(stop)
        defer { for s in signals { s.cancel() } }
        do {
            let r = try await RunSession.run(sc, options: opts)
            guard (group?.rank ?? 0) == 0 else { return }
            if let t = r.resumedAt { print(String(format: "resumed from the checkpoint at %.1f ms", t)) }
            print("wrote \(r.directory)\(r.frames > 0 ? " (\(r.frames) frames)" : "")")
            if let note = r.note { print(note) }
            print(String(format: "%d neurons, %d synapses, %d spikes; build %.2f s, run %.2f s", r.neurons, r.synapses, r.spikes, r.buildSeconds, r.runSeconds))
            for name in sc.populations.map(\.name) {
                if let s = r.summary[name] {
                    print(String(format: "  %-10@ rate %7.2f Hz  CV %@  synchrony %@", name as NSString, s.rate,
                                 s.cv.map { String(format: "%.2f", $0) } ?? "–", s.synchrony.map { String(format: "%.3f", $0) } ?? "–"))
                }
            }
        } catch let e as RankFailure {
            throw e
        } catch let e as RunStopped {
            // Every rank stopped at the same event (they agree on stops), so none reports it.
            // No rank exits before every rank has written its part of the checkpoint: a launcher
            // may end the other ranks as soon as one exits non-zero (`srun --kill-on-bad-exit`
            // sends them TERM, then KILL), and 3 is non-zero.
            try group?.close(ok: true)
            guard (group?.rank ?? 0) == 0 else { throw ExitCode(3) }
            Report.stderr(e.description)
            Report.stderr("resume with: neuroplast run \(file) --run-id \((e.directory as NSString).lastPathComponent) --resume (same --set, --seed and --shards\(group.map { ", and \($0.size) ranks" } ?? ""))")
            throw ExitCode(3)
        } catch {
            // Every other rank ends with this message at its next exchange.
            if let g = group {
                g.reportFailure("\(error)")
                Report.stderr("[rank \(g.rank) of \(g.size)] failed; the other ranks stop too:")
            }
            throw Self.exitCode(for: error)
        }
    }

    /// Prints a failure and gives its exit code.
    static func exitCode(for error: Error) -> Error {
        switch error {
        case let e as CheckpointError:
            Report.stderr("error: \(e)")
            switch e {
            case .foreign: return ExitCode(65)
            case .shards, .ranks: return ExitCode(64)
            case .corrupt: return ExitCode(1)
            }
        default:
            return Report.exitCode(for: error)
        }
    }

    /// SIGTERM and SIGUSR1 ask the run to checkpoint and stop; the sources must be kept alive.
    static func interceptStopSignals(_ stop: StopRequest) -> [DispatchSourceSignal] {
        [SIGTERM, SIGUSR1].map { sig in
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler { stop.request() }
            src.resume()
            return src
        }
    }
}
