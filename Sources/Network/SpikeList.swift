// Spikes as they are stored in a checkpoint: two packed arrays instead of one Codable value
// per spike. The simulation's pending spikes and the session's record interval use it.

import Kernel

/// Spikes as two packed arrays (steps, sources).
package struct SpikeList: Codable {
    package var steps: PackedArray<Int>
    package var sources: PackedArray<Int32>
    package init(_ spikes: [Spike]) { steps = PackedArray(spikes.map(\.step)); sources = PackedArray(spikes.map(\.source)) }
    package var spikes: [Spike] { zip(steps.values, sources.values).map { Spike(step: $0, source: $1) } }
}
