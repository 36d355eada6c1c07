// The error a run session throws when it stopped on request after writing a checkpoint:
// the run is not finished, and `neuroplast run` asks to be requeued.

import Recording
import Network

/// A run stopped on request (SIGTERM/SIGUSR1) after writing a checkpoint. `neuroplast run`
/// exits 3 ("requeue me").
public struct RunStopped: Error, CustomStringConvertible {
    public var directory: String
    public var checkpoint: String
    public var time: Double  // [ms] of network time
    public var description: String {
        "stopped at \(fmt(time, 1)) ms of network time; checkpoint written to \(checkpoint)"
    }
}
