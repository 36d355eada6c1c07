// CostModel: what `sweep plan` prints before anything runs — core time per point from
// neurons × steps × a per-neuron-step cost measured on this project's release build, plus
// a fixed start-up cost per point, and disk from an assumed firing rate (spikes.bin holds
// 8 bytes per spike). Estimates only: real cost grows with synapse count and firing rate.

public enum CostModel {
    /// Core seconds per neuron per step, measured with `neuroplast run` (release build,
    /// one thread, 2-core VM) on Scenarios/coba-benchmark.yaml (4 000 neurons × 10 000
    /// steps, 80 synapses per neuron, ≈ 20 Hz): run 0.32–0.39 s ⇒ 0.8–1.0·10⁻⁸, rounded up.
    public static let secondsPerNeuronStep = 1.0e-8
    /// Process start, scenario load, network build and the run's files for a small point
    /// (Scenarios/sweeps/tiny-ei.yaml: 0.18 s wall, release build) [s].
    public static let secondsPerPoint = 0.2
    /// Firing rate assumed for the spike file size [Hz].
    public static let assumedRateHz = 10.0
    /// Bytes per recorded spike in spikes.bin.
    public static let bytesPerSpike = 8.0
    /// Other files of a run folder (metrics, neurons.csv, summary.png, manifest) [bytes].
    public static func otherBytes(neurons: Int, recordRows: Int) -> Double {
        250_000 + 40 * Double(neurons) + 120 * Double(recordRows)
    }

    public static func estimate(_ sc: Scenario) -> PointEstimate {
        let n = sc.neuronCount, steps = sc.time.steps
        let core = secondsPerPoint + Double(n) * Double(steps) * secondsPerNeuronStep
        let seconds = sc.time.duration / 1000
        // spikes.bin holds 8 bytes a spike; spikes.h5 (record.sonata) 16 more (a float64 time, a uint64 id).
        let perSpike = bytesPerSpike * (sc.record.sonata ? 3 : 1)
        let spikes = sc.record.spikes ? assumedRateHz * Double(n) * seconds * perSpike : 0
        let rows = Int(saturating: sc.time.duration / max(sc.time.recordInterval, sc.time.dt)) * sc.populations.count
        return PointEstimate(neurons: n, steps: steps, coreSeconds: core,
                             diskBytes: spikes + otherBytes(neurons: n, recordRows: rows))
    }
}
