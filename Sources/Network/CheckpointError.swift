// Why a checkpoint cannot be used. Thrown by the checkpoint file's reader (Recording) and
// by every part that restores its state from one (shards, the simulation, the drivers), so
// it lives with the lowest of them.

/// A checkpoint that cannot be used. `neuroplast run` exits 65 for `foreign` (it belongs to
/// another scenario), 64 for `shards` (resume with the shard count it was written with),
/// and for `ranks` (resume with the ranks it was written with), 1 for `corrupt` (damaged,
/// truncated, or of an unknown format).
public enum CheckpointError: Error, CustomStringConvertible {
    case corrupt(String)
    case foreign(String)
    case shards(checkpoint: Int, run: Int)
    /// Written by another layout of ranks (each rank's checkpoint holds its own shards).
    case ranks(checkpoint: String, run: String)
    public var description: String {
        switch self {
        case let .corrupt(s), let .foreign(s): s
        case let .shards(c, r):
            "the checkpoint was written by a run with \(c) shard\(c == 1 ? "" : "s"), this run has \(r); resume with --shards \(c)"
        case let .ranks(c, r):
            "the checkpoint was written by \(c), this process is \(r): resume with the same number of ranks and --shards it was written with"
        }
    }
}
