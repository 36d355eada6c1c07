// What a finished run reports to its caller (the CLI, validation, tests): the folder, the
// network's size, wall times, the firing summary and the schedule's events as executed.
// `manifest.json` records the same values.

import Network
import Recording

/// What a finished run reports.
public struct RunResult: Sendable {
    public var directory: String
    public var neurons: Int
    public var synapses: Int
    public var spikes: Int
    public var buildSeconds: Double
    public var runSeconds: Double
    public var totalSeconds: Double
    public var summary: [String: FiringStats]
    public var frames: Int
    /// A remark for the user (e.g. why no video was made).
    public var note: String?
    /// Synapses alive at the end (structural plasticity changes the count).
    public var liveSynapses = 0
    /// Network time [ms] of the checkpoint this run resumed from, if it did.
    public var resumedAt: Double?
    /// The recorded series (rates, synchrony; calcium and spines with structural plasticity).
    public var series: [MetricSeries] = []
    /// The slow clock's series (slow-clock runs only).
    public var slowSeries: [MetricSeries] = []
    /// The schedule's events as executed (counts and first times per kind).
    public var executed = ScheduleTally()
    /// Means of the bump readout over its trials (`record.bump`), if any.
    public var bump: BumpSummary?
}
