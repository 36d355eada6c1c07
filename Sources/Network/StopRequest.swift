// A request to stop a run at its next stopping point, written from a signal handler and
// read by the run session between events; carried in `RunOptions`.

import Synchronization

/// Asks a running `RunSession` to checkpoint at its next stopping point and stop.
/// Set from a signal handler's queue, read by the runner: a single atomic flag.
public final class StopRequest: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Also stop once network time reaches this [ms] (tests).
    let atTime: Double?
    public init(atTime: Double? = nil) { self.atTime = atTime }
    public func request() { flag.store(true, ordering: .relaxed) }
    package func isRequested(now: Double) -> Bool { flag.load(ordering: .relaxed) || atTime.map { now >= $0 } ?? false }
}
