// SignalForwarder and Heartbeat: the runner's two background duties. The forwarder turns
// SIGTERM, SIGINT and SIGUSR1 (Slurm's warning before the time limit) into "stop starting
// points" and passes the signal on to every running child (as SIGUSR1 to an MPI launcher,
// see `RankLauncher`); the heartbeat touches the
// claim of every running point so that claims of live runs never look stale.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum SignalForwarder {
    static let signals: [Int32] = [SIGTERM, SIGINT, SIGUSR1]

    /// Starts intercepting; keep the returned sources until `uninstall`.
    static func install(_ state: RunnerState) -> [DispatchSourceSignal] {
        signals.map { sig in
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler {
                let pids = state.withLock { s -> [pid_t] in
                    s.stopping = true
                    if s.signal == nil { s.signal = sig }
                    return Array(s.children.keys)
                }
                for pid in pids { kill(pid, state.forwardAs ?? sig) }
            }
            src.resume()
            return src
        }
    }

    static func uninstall(_ sources: [DispatchSourceSignal]) {
        for s in sources { s.cancel() }
        for sig in signals { signal(sig, SIG_DFL) }
    }
}

enum Heartbeat {
    /// Touches running points' claims every `PointClaim.heartbeat` seconds until cancelled.
    static func start(_ state: RunnerState) -> DispatchSourceTimer {
        let t = DispatchSource.makeTimerSource(queue: .global())
        t.schedule(deadline: .now() + PointClaim.heartbeat, repeating: PointClaim.heartbeat)
        t.setEventHandler {
            for lock in state.withLock({ Array($0.children.values) }) { PointClaim.touch(lock) }
        }
        t.resume()
        return t
    }
}
