// The session's part of the LFP readout: at each record boundary the samples the
// simulation completed go to the LFP recorder (with the slow clock's hours on a slow run).

import Network
import Recording

extension RunSession {
    /// Hands the LFP samples completed up to now to `lfpRecorder` (no-op without `record.lfp`).
    func recordLFP(now: Double) async throws {
        guard let l = lfpRecorder, let s = await simulation.takeLFPSamples() else { return }
        try l.record(s, now: now, hours: slow != nil ? hours : nil)
    }
}
