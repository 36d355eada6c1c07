// Point claims: O_EXCL creation, one holder at a time, stale claims (dead process on this
// host, or untouched for too long) reclaimed, live ones respected.

import Experiments
import Foundation
import Testing

@Suite struct PointClaimTests {
    @Test func oneHolderAtATime() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lock = dir + "/claim.lock"
        #expect(PointClaim.acquire(lock))
        #expect(!PointClaim.acquire(lock))
        guard case let .held(info) = PointClaim.state(lock) else { Issue.record("not held"); return }
        #expect(info.pid == getpid() && info.host == PointClaim.hostName)
        PointClaim.release(lock)
        #expect(PointClaim.state(lock) == .free)
        #expect(PointClaim.acquire(lock))
    }

    @Test func claimOfADeadProcessIsReclaimed() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run(); p.waitUntilExit()
        let lock = dir + "/claim.lock"
        try "pid=\(p.processIdentifier) host=\(PointClaim.hostName) start=1 time=then\n".write(toFile: lock, atomically: true, encoding: .utf8)
        guard case .stale = PointClaim.state(lock) else { Issue.record("not stale: \(PointClaim.state(lock))"); return }
        #expect(PointClaim.acquire(lock))
        guard case let .held(info) = PointClaim.state(lock) else { Issue.record("not held"); return }
        #expect(info.pid == getpid())
    }

    @Test func claimOfAnotherHostIsRespectedUntilItGoesQuiet() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lock = dir + "/claim.lock"
        try "pid=1 host=elsewhere-node start=5 time=now\n".write(toFile: lock, atomically: true, encoding: .utf8)
        #expect(!PointClaim.acquire(lock))
        var old = [timeval(tv_sec: time(nil) - 7200, tv_usec: 0), timeval(tv_sec: time(nil) - 7200, tv_usec: 0)]
        utimes(lock, &old)
        #expect(PointClaim.acquire(lock))
    }
}
