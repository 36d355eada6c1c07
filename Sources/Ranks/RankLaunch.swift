// How a `neuroplast run` learns it is one of several ranks: from its launcher's environment.
// MPICH's `mpiexec` (Hydra) and Slurm's `srun --mpi=pmi2` both set PMI_RANK and PMI_SIZE
// (checked on these machines: `srun -n 2` with Slurm 22.05's default pmi2 plug-in too). A
// Slurm step of several tasks without PMI would start independent copies of the same run
// writing the same folder, so it is refused before any work.

/// What the environment says about ranks.
public enum RankLaunch: Equatable {
    /// One process (no launcher, or a launcher of one task).
    case single
    /// `size` ranks under an MPI launcher; this one is `rank`.
    case ranks(rank: Int, size: Int)
    /// A launch that cannot work, and why.
    case refused(String)

    public static func detect(_ env: [String: String]) -> RankLaunch {
        if let s = env["PMI_SIZE"] {
            guard let size = Int(s), (1...4096).contains(size), let r = env["PMI_RANK"].flatMap(Int.init), (0..<size).contains(r) else {
                return .refused("the MPI launcher's PMI_SIZE=\(s) and PMI_RANK=\(env["PMI_RANK"] ?? "(unset)") are not a rank of 1 to 4096 ranks")
            }
            return size == 1 ? .single : .ranks(rank: r, size: size)
        }
        if let t = env["SLURM_STEP_NUM_TASKS"].flatMap(Int.init), t > 1 {
            return .refused("this is one of \(t) tasks of a Slurm step started without MPI (no PMI_SIZE): each would run the whole network alone into the same folder; start the ranks with `srun --mpi=pmi2` (or one task per run)")
        }
        return .single
    }
}
