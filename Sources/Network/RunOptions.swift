// How to run a scenario: the hardware side (threads, shards, chunk size) and where to
// write, kept apart from the scenario itself (what to simulate).

public struct RunOptions: Sendable {
    /// Worker threads for the kernel loops (1 = no Dispatch).
    public var threads: Int
    /// Shard actors (vertical strips of the sheet).
    public var shards: Int
    /// Neurons per chunk of the parallel loop. Fixed so results never depend on threads.
    /// 2048 by default: each chunk costs a call per population and a claim, and with the
    /// vectorised update 256-neuron chunks spent a tenth of the fixed 64 000-neuron step on
    /// that (1 thread 2.17 → 2.02 s, 2 threads 1.24 → 1.15 s; COBA 0.091 → 0.087 s).
    public var chunkSize: Int
    /// Root folder for runs; nil = the scenario's `output.directory`.
    public var outputRoot: String?
    /// Run folder name; nil = a time stamp and the seed.
    public var runID: String?
    /// Show a progress line (only when stderr is a terminal).
    public var progress: Bool
    /// Draw frames if the scenario asks for them.
    public var frames: Bool
    /// Assemble frames into an MP4 with ffmpeg.
    public var video: Bool
    /// Path of the scenario file, for the manifest.
    public var scenarioPath: String?
    /// Check structural and storage invariants after every structural update (tests; slow).
    public var checkInvariants = false
    /// Checkpoint interval [ms of network time]; overrides the scenario's `checkpoint.every`.
    public var checkpointEvery: Double?
    /// Resume from the run folder's checkpoint (needs `runID`); without one, start afresh.
    public var resume = false
    /// Write into exactly this folder instead of `<root>/<scenario>/<run-id>` (arms).
    public var runDirectory: String?
    /// Set to make the run checkpoint at its next segment boundary and stop (`RunStopped`).
    public var stop: StopRequest?
    /// The MPI ranks this run is spread over (`shards` counts the shards of all of them);
    /// nil = one process.
    public var ranks: (any RankGroup)?
    /// This process is a rank other than 0: it runs the same session but its outputs are a
    /// private copy (`RankMirror`) kept only so that it can resume its part.
    public var isMirror: Bool { (ranks?.rank ?? 0) != 0 }

    public init(threads: Int = 1, shards: Int = 1, chunkSize: Int = 2048, outputRoot: String? = nil,
                runID: String? = nil, progress: Bool = true, frames: Bool = true, video: Bool = false,
                scenarioPath: String? = nil) {
        self.threads = threads; self.shards = shards; self.chunkSize = chunkSize; self.outputRoot = outputRoot
        self.runID = runID; self.progress = progress; self.frames = frames; self.video = video
        self.scenarioPath = scenarioPath
    }
}
