// What a run's checkpoint holds: the session's own position and every component's state
// (simulation, recorders, structural plasticity, the slow clock). The file around it —
// header, checksums, write and verified read — is `CheckpointFile` in Recording.

import Network
import Recording

/// The run session's own state at a checkpoint.
struct SessionState: Codable {
    /// Events of the schedule executed, not counting checkpoints: the resumed run goes on
    /// with the next one (so a different checkpoint interval on resume changes nothing).
    var cursor: Int
    /// What the manifest will list as executed, so far.
    var executed: ScheduleTally
    /// Spikes of the current record interval not yet handed to the recorder.
    var segmentSpikes: SpikeList
    var framesWritten: Int
    var synapseSamplePre: [Int32], synapseSamplePost: [Int32]
    var spinesPerNeuron: [Int]
    /// Formation times of synapses created so far and what formation blocks prevented.
    var formation: FormationLedgerState? = nil
    /// Neurons killed by interventions.
    var killed: [Int32]? = nil
    /// Length of interventions.csv at the checkpoint.
    var interventionBytes: Int? = nil
}

/// Everything in a checkpoint file after the header.
struct CheckpointPayload: CheckpointBody {
    /// Program version that wrote it (informational).
    var program: String
    var step: Int
    var totalSteps: Int
    var simulation: SimulationState
    var session: SessionState
    var recorder: RecorderState
    var structural: StructuralState?
    var structure: StructureRecorderState?
    /// Slow-clock runs only.
    var slow: SlowCheckpoint?
    /// With `record.lfp` only.
    var lfp: LFPRecorderState?
    /// Trial readouts (`record.bump`, `record.overlap`) in progress.
    var trials: TrialRecorderState?
}
