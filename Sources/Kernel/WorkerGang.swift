// A gang of worker threads held inside one `DispatchQueue.concurrentPerform` for a whole run
// segment (many steps), so that each parallel loop of the segment costs an atomic publish
// instead of a Dispatch wake-up. On these 2-vCPU machines a `concurrentPerform` called from
// an actor costs ~25 µs: with one call per step the COBA network ran 2.4× slower on two
// threads than on one.
//
// Schedule. The first iteration of the `concurrentPerform` to start becomes the leader and
// runs the segment's code; every other iteration is a follower. Each parallel loop of the
// segment is a `Phase` — a chunk count, a body, a claim counter per member, a done counter —
// published by the leader. Each member claims the chunks of its own lane, then any left in
// other lanes, by atomic tickets; the leader then waits until every claimed chunk is done
// and carries on. A phase can also be started ahead (`start`): the followers begin on it
// while the leader does serial work, and the leader joins in and waits later (`finish`). (A single shared ticket moved chunks between cores from step to step: two
// threads then spent 1.8× the single thread's CPU time in the update.) Followers wait for
// the next phase or the end of the segment: spinning, then yielding, then sleeping.
//
// Never deadlocks: the leader waits only for chunks that a running thread has claimed, never
// for a follower to start — if Dispatch runs the iterations one after another, the leader
// does all the work and the late followers find the segment finished. Chunks are cut as in
// `ChunkedLoop` and each chunk's arithmetic does not depend on the thread running it, so
// results are bit-identical to the serial loop whichever thread takes which chunk.

import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class WorkerGang: Sendable {
    /// An atomic counter as a class, so that a phase can hold one per lane; padded to two
    /// cache lines so that two lanes' counters (claimed by different cores at every chunk)
    /// never share a line.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        let padding: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    }

    /// One parallel loop: chunks 0..<count of `body`. Lane p owns the p-th of W contiguous
    /// blocks of chunks (W lanes, one per member of the gang) and takes them first, so a chunk
    /// stays on the same thread — and its neurons in that core's cache — from step to step,
    /// and the two cores' data meet at one border only (interleaved chunks let each core's
    /// prefetcher pull in lines the other was writing); a member whose lane is empty then
    /// takes from the others' lanes, so no chunk waits for a member that has not started.
    public final class Phase: Sendable {
        let count: Int
        let body: @Sendable (Int) -> Void
        let lanes: [Counter]
        let done = Atomic<Int>(0)
        init(count: Int, lanes: Int, body: @escaping @Sendable (Int) -> Void) {
            self.count = count; self.body = body
            self.lanes = (0..<max(1, lanes)).map { _ in Counter() }
        }

        /// Runs chunks of lane `member`, then of every other lane, until none are left; then
        /// adds the number it ran to `done` once, so the cores do not pass that counter's cache
        /// line back and forth at every chunk.
        func work(member: Int) {
            let W = lanes.count
            var ran = 0
            for q in 0..<W {
                let lane = (member + q) % W
                let lo = lane * count / W, hi = (lane + 1) * count / W
                while true {
                    let k = lanes[lane].value.wrappingAdd(1, ordering: .relaxed).oldValue
                    let c = lo + k
                    if c >= hi { break }
                    body(c)
                    ran += 1
                }
            }
            if ran > 0 { done.wrappingAdd(ran, ordering: .releasing) }
        }
    }

    let threads: Int
    let joined = Atomic<Int>(0)
    /// Incremented (releasing) each time a phase is published or the segment ends.
    let generation = Atomic<Int>(0)
    let finished = Atomic<Bool>(false)
    /// The phase being run and the generation that published it.
    let current = Mutex<(phase: Phase, generation: Int)?>(nil)
    /// Members whose iteration has ended (each adds 1, releasing, as its last act).
    let left = Atomic<Int>(0)

    init(threads: Int) { self.threads = threads }

    /// Runs `segment` with a gang of `threads` workers (inline, without a gang, for one
    /// thread). Inside it, `parallel` loops are shared by the gang. The segment may run on
    /// another thread than the caller's (see the SAFETY note below).
    public static func run<R>(threads: Int, _ segment: (WorkerGang?) -> R) -> R {
        guard threads > 1 else { return segment(nil) }
        let gang = WorkerGang(threads: threads)
        // SAFETY: the segment runs on whichever iteration leads — often a Dispatch worker,
        // not the calling (actor's) thread — while the caller is blocked in
        // `concurrentPerform`, which returns only after every iteration has. So the closure,
        // the actor state it touches and its result are used by one thread at a time, and
        // cross threads once each way, ordered by Dispatch's completion of the iterations.
        // A segment must therefore be plain synchronous work: no task-locals, cancellation
        // checks or isolation assertions (they would not see the caller's task there).
        nonisolated(unsafe) var result: R?
        nonisolated(unsafe) let body = segment
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            let member = gang.joined.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue
            if member == 0 {
                result = body(gang)
                gang.finished.store(true, ordering: .releasing)
                gang.generation.wrappingAdd(1, ordering: .releasing)
            } else {
                gang.follow(member: member % threads)
            }
            gang.left.wrappingAdd(1, ordering: .releasing)
        }
        // The join, made explicit: `concurrentPerform` has returned, so every member has left
        // and this loop does not wait; its acquiring load orders every member's last use of the
        // gang, its phases and `result` before this thread reads `result` and frees the gang
        // (ThreadSanitizer does not see Dispatch's own join, nor the PI-futex hand-off of a
        // contended `Mutex`, and reported a follower's read of a phase as racing its free).
        var spins = 0
        while gang.left.load(ordering: .acquiring) < threads { Self.pause(&spins) }
        return result!
    }

    /// The leader: runs `body(chunk)` for chunks 0..<chunks with the gang; returns when all
    /// are done.
    public func parallel(chunks: Int, _ body: @escaping @Sendable (Int) -> Void) {
        if chunks <= 1 {
            for c in 0..<chunks { body(c) }
            return
        }
        finish(start(chunks: chunks, body))
    }

    /// The leader: publishes chunks 0..<chunks of `body` to the followers and returns at once,
    /// so that the leader can do serial work while they run it; `finish` then runs the chunks
    /// still unclaimed and waits for all. Between the two the leader publishes nothing else,
    /// and must not touch what the chunks write.
    public func start(chunks: Int, _ body: @escaping @Sendable (Int) -> Void) -> Phase {
        let phase = Phase(count: chunks, lanes: threads, body: body)
        let g = generation.load(ordering: .relaxed) + 1   // only the leader changes it
        current.withLock { $0 = (phase, g) }
        generation.store(g, ordering: .releasing)
        return phase
    }

    /// The leader: takes part in `phase` (from `start`), then waits until every chunk is
    /// done; its acquiring load orders the chunks' writes before the leader's next reads.
    public func finish(_ phase: Phase) {
        phase.work(member: 0)
        var spins = 0
        while phase.done.load(ordering: .acquiring) < phase.count { Self.pause(&spins) }
    }

    /// A follower: takes part in every phase until the segment ends.
    func follow(member: Int) {
        var seen = generation.load(ordering: .acquiring)
        var phase = published()
        while true {
            phase?.work(member: member)
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                if finished.load(ordering: .acquiring) { return }
                Self.pause(&spins)
            }
            if finished.load(ordering: .acquiring) { return }
            seen = generation.load(ordering: .acquiring)
            phase = published()
        }
    }

    /// The current phase, once `generation` shows it published: the acquiring load of the
    /// generation that published it orders the leader's writes to the phase before the
    /// follower's reads, whatever the mutex's hand-off does (see `run`).
    private func published() -> Phase? {
        guard let (phase, g) = current.withLock({ $0 }) else { return nil }
        var spins = 0
        while generation.load(ordering: .acquiring) < g { Self.pause(&spins) }
        return phase
    }

    /// Busy-waits briefly (the next phase usually comes within microseconds), then yields the
    /// core, then sleeps — so a waiting worker never starves the thread it waits for.
    @inline(__always)
    static func pause(_ spins: inout Int) {
        spins += 1
        if spins < 2_000 { return }
        if spins < 4_000 { sched_yield(); return }
        usleep(50)
    }
}
