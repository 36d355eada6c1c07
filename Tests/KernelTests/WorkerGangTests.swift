// The worker gang: every chunk of every phase runs exactly once, whatever the number of
// members, for phases started ahead of the leader's serial work too, including more members than cores and a gang entered from an actor, and a
// segment's result comes back to the caller.

import Testing
import Synchronization
@testable import Kernel

@Suite struct WorkerGangTests {
    final class Counter: Sendable { let value = Atomic<Int>(0) }
    final class Tally: Sendable {
        let runs: [Counter]
        init(_ n: Int) { runs = (0..<n).map { _ in Counter() } }
    }

    func runPhases(threads: Int, phases: Int, chunks: Int) -> (runs: [Int], result: Int) {
        let tally = Tally(phases * chunks)
        let result = WorkerGang.run(threads: threads) { gang -> Int in
            for p in 0..<phases {
                let n = chunks - p % 3   // phases of different sizes
                ChunkedLoop.run(chunks: n, threads: threads, gang: gang) { c in
                    tally.runs[p * chunks + c].value.wrappingAdd(1, ordering: .relaxed)
                }
            }
            return 42
        }
        return (tally.runs.map { $0.value.load(ordering: .relaxed) }, result)
    }

    @Test(arguments: [1, 2, 3, 8])
    func everyChunkRunsOnce(threads: Int) {
        let phases = 500, chunks = 7
        let (runs, result) = runPhases(threads: threads, phases: phases, chunks: chunks)
        #expect(result == 42)
        for p in 0..<phases {
            let n = chunks - p % 3
            for c in 0..<chunks {
                #expect(runs[p * chunks + c] == (c < n ? 1 : 0), "phase \(p) chunk \(c)")
            }
        }
    }

    /// Phases started ahead (`start`) while the leader does serial work, then finished:
    /// every chunk runs once, and the leader reads every chunk's write after `finish`.
    @Test(arguments: [2, 3, 8])
    func phasesStartedAheadRunOnce(threads: Int) {
        let phases = 300, chunks = 9
        let tally = Tally(phases * chunks)
        let seen = WorkerGang.run(threads: threads) { gang -> [Int] in
            guard let gang else { return [] }
            var seen: [Int] = []
            for p in 0..<phases {
                let phase = gang.start(chunks: chunks - p % 4) { c in
                    tally.runs[p * chunks + c].value.wrappingAdd(1, ordering: .relaxed)
                }
                var busy = 0.0
                for k in 0..<(p % 5) * 1_000 { busy += Double(k).squareRoot() }   // serial work meanwhile
                gang.finish(phase)
                seen.append((0..<chunks).reduce(0) { $0 + tally.runs[p * chunks + $1].value.load(ordering: .relaxed) } + (busy < 0 ? 1 : 0))
            }
            return seen
        }
        #expect(seen == (0..<phases).map { chunks - $0 % 4 })
    }

    actor Owner {
        var total = 0
        func segment(threads: Int) -> Int {
            WorkerGang.run(threads: threads) { gang in
                let sums = Tally(64)
                for _ in 0..<200 {
                    ChunkedLoop.run(chunks: 64, threads: threads, gang: gang) { c in
                        sums.runs[c].value.wrappingAdd(c, ordering: .relaxed)
                    }
                    total += 1   // actor state, touched by the leader between phases
                }
                return sums.runs.reduce(0) { $0 + $1.value.load(ordering: .relaxed) }
            }
        }
    }

    /// Several actors each running a gang at once (as shards do) on a 2-core machine.
    @Test func gangsFromActorsAtOnce() async {
        let owners = (0..<4).map { _ in Owner() }
        let sums = await withTaskGroup(of: Int.self) { g in
            for o in owners { g.addTask { await o.segment(threads: 2) } }
            var out: [Int] = []
            for await s in g { out.append(s) }
            return out
        }
        #expect(sums == [Int](repeating: 200 * (0..<64).reduce(0, +), count: 4))
        for o in owners { #expect(await o.total == 200) }
    }
}
