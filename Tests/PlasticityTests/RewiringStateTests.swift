// A checkpoint's rewiring state may come from anywhere: restoring keys a dictionary by each
// weak synapse and the next update counts up, so `mismatch` refuses repeated weak synapses,
// times that are not finite and counters that would overflow — with a message naming them.

import Testing
@testable import Plasticity

@Suite struct RewiringStateTests {
    static let good = RewiringState(updates: 7, lostPre: [0], lostPost: [1], lostTime: [5],
                                    weakPre: [0, 1], weakPost: [2, 2], weakSince: [1, 2])

    @Test func consistentStateFits() {
        #expect(Self.good.mismatch(neurons: 3) == nil)
        #expect(Self.good.fits(neurons: 3))
        #expect(!Self.good.fits(neurons: 2))
    }

    @Test func repeatedWeakSynapseIsRefused() throws {
        var s = Self.good
        s.weakPre = [1, 1]
        let m = try #require(s.mismatch(neurons: 3))
        #expect(m.contains("1→2") && m.contains("twice"))
    }

    @Test func counterThatWouldOverflowIsRefused() throws {
        var s = Self.good
        s.updates = .max
        #expect(try #require(s.mismatch(neurons: 3)).contains("update counter"))
        s.updates = RewiringState.maxUpdates
        #expect(s.mismatch(neurons: 3) == nil)
    }

    @Test func timesThatAreNotFiniteAreRefused() {
        var s = Self.good
        s.weakSince[1] = .nan
        #expect(s.mismatch(neurons: 3)?.contains("finite") == true)
        s = Self.good
        s.lostTime[0] = -.infinity
        #expect(s.mismatch(neurons: 3)?.contains("finite") == true)
    }
}
