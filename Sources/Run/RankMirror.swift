// A run spread over ranks writes one run folder, rank 0's, exactly as one process writes it.
// Every other rank runs the same session on the same schedule — it needs the same answers to
// take the same decisions — and writes its outputs into a private mirror,
// `<output root>/.ranks/<run-id>/rank<r>/<scenario>/<run-id>`. The mirror holds that rank's
// checkpoint (its own shards: each rank writes its part, so no rank ever holds the whole
// network) and the state its recorders resume from; it is removed when the run ends, and kept
// with the checkpoint when the run stops, for `--resume` with the same ranks.
//
// Why mirrors rather than a rank-0-only writer: the recorders, the slow clock and the drivers
// keep their file positions in the checkpoint, and a rank that resumes must find them; the
// cost is that every rank writes the small outputs (metrics, slow.csv, spikes) once more. Frames
// are drawn by rank 0 alone (the other ranks send their potentials).

import Foundation
import Network
import Recording

enum RankMirror {
    /// Rank `rank`'s mirror root (the output root its session uses).
    static func root(outputRoot: String, runID: String, rank: Int) -> String {
        outputRoot + "/.ranks/" + runID + "/rank\(rank)"
    }

    /// The options every rank runs its session with: rank 0 names the run (a time-stamped id
    /// differs between processes) and checks that every rank loaded the same scenario with the
    /// same shards; ranks other than 0 write into their mirror and show no progress line.
    static func prepare(_ sc: Scenario, options: RunOptions) throws -> RunOptions {
        guard let g = options.ranks, g.size > 1, options.runDirectory == nil else { return options }
        let root = options.outputRoot ?? sc.output.directory
        var w = WireWriter()
        w.put(options.runID ?? RunDirectory.freshID(root: root, scenario: sc.name, seed: sc.seed))
        w.put(SHA256.hex(sc.resolvedYAML))
        w.put(Int64(options.shards))
        w.put(Int64(options.resume ? 1 : 0))
        var seen: [(id: String, hash: String, shards: Int64, resume: Int64)] = []
        for part in try g.exchange(w.bytes) {
            var r = WireReader(part)
            seen.append((try r.getString(), try r.getString(), try r.get(Int64.self), try r.get(Int64.self)))
        }
        let mine = seen[g.rank]
        if let other = seen.firstIndex(where: { $0.hash != mine.hash || $0.shards != mine.shards || $0.resume != mine.resume }) {
            throw RunError.invalid("rank \(other) was started with another scenario, --set, --seed, --shards or --resume than rank \(g.rank): every rank of a run must be started with the same command")
        }
        var o = options
        o.runID = seen[0].id
        if g.rank != 0 {
            o.outputRoot = Self.root(outputRoot: root, runID: seen[0].id, rank: g.rank)
            o.progress = false
        }
        return o
    }

    /// Removes this rank's mirror once its run has ended: always after a finished run, and after
    /// a failed one unless the mirror still holds a checkpoint to resume from. After a finished
    /// run, rank 0 removes the mirrors' folder once every rank has removed its own (one exchange).
    static func removeAfterRun(_ sc: Scenario, options: RunOptions, root given: String?, finished: Bool) throws {
        guard let g = options.ranks, g.size > 1, options.runDirectory == nil, let id = options.runID else { return }
        let root = given ?? sc.output.directory
        let mine = Self.root(outputRoot: root, runID: id, rank: g.rank)
        if g.rank != 0 {
            let checkpoint = CheckpointFile.folder(mine + "/" + sc.name + "/" + id)
            if finished || !FileManager.default.fileExists(atPath: checkpoint) { try? FileManager.default.removeItem(atPath: mine) }
        }
        guard finished else { return }
        _ = try g.exchange([])
        if g.rank == 0 {
            rmdir(root + "/.ranks/" + id)
            rmdir(root + "/.ranks")
        }
    }
}
