// A gang of worker threads held inside one `DispatchQueue.concurrentPerform` for a whole run
// segment (many steps), so that each parallel loop of the segment costs an atomic publish
// instead of a Dispatch wake-up. On these 2-vCPU machines a `concurrentPerform` called from
// an actor costs ~25 µs: with one call per step the COBA network ran 2.4× slower on two
// threads than on one.
//
// Schedule. The first iteration of the `concurrentPerform` to start becomes the leader and
// runs the segment's code; every other iteration is a follower. Each parallel loop of the
// segment is a phase — a body, a claim word per member's lane, a done counter, all in one
// slot of the gang reused by every phase — published by the leader. Each member claims the
// chunks of its own lane, then any left in other lanes, by atomic tickets; the leader then
// waits until every claimed chunk is done and carries on. A phase can also be started ahead
// (`start`): the followers begin on it while the leader does serial work, and the leader
// joins in and waits later (`finish`). (A single shared ticket moved chunks between cores
// from step to step: two threads then spent 1.8× the single thread's CPU time in the
// update.) Followers wait for the next phase or the end of the segment: spinning, then
// yielding, then sleeping.
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
    /// A started parallel loop, as `start` returns it for `finish`: its chunk count. Only
    /// one phase runs at a time, in the gang's one slot below.
    public struct Phase: Sendable {
        let count: Int
    }

    let threads: Int
    let joined = Atomic<Int>(0)
    /// Incremented (releasing) each time a phase is published or the segment ends.
    let generation = Atomic<Int>(0)
    let finished = Atomic<Bool>(false)
    /// Members whose iteration has ended (each adds 1, releasing, as its last act).
    let left = Atomic<Int>(0)

    // The phase slot. One parallel loop: chunks 0..<count of `body`. Lane p owns the p-th of
    // W contiguous blocks of chunks (W lanes, one per member of the gang) and takes them
    // first, so a chunk stays on the same thread — and its neurons in that core's cache — from
    // step to step, and the two cores' data meet at one border only (interleaved chunks let
    // each core's prefetcher pull in lines the other was writing); a member whose lane is
    // empty then takes from the others' lanes, so no chunk waits for a member that has not
    // started.
    //
    // The slot is reused by every phase, so a phase allocates nothing and touches no
    // reference count that two cores share (a phase object with a counter object per lane,
    // allocated by the leader and released by whichever member dropped it last, cost about
    // as much as the two threads saved on COBA 4 000). What makes the reuse safe:
    //   - each lane is one atomic word, hi << 32 | next; a member claims chunk `next` by an
    //     atomic add and keeps it only if next < hi;
    //   - a phase is finished only when every claimed chunk is done, so every lane is then
    //     exhausted (next ≥ hi) and a late member's claim on a finished phase gets nothing;
    //   - the leader writes `body` before it stores the lanes (releasing), and a
    //     member reads `body` only after a claim that succeeded (acquiring), so it reads the
    //     body of the phase it claimed from; the leader cannot rewrite them until that chunk
    //     is done and counted.
    /// The current phase's loop body.
    nonisolated(unsafe) var body: @Sendable (Int) -> Void = { _ in }
    /// Chunks of the current phase done (each member adds the number it ran, once).
    let done = Atomic<Int>(0)
    /// Lane p's word at `lanes + p·laneStride`: two cache lines apart, so two lanes (claimed
    /// by different cores at every chunk) never share a line.
    nonisolated(unsafe) let lanes: UnsafeMutablePointer<Atomic<Int>>
    static let laneStride = 128 / MemoryLayout<Atomic<Int>>.stride

    init(threads: Int) {
        self.threads = threads
        // SAFETY: `threads` words, each `laneStride` apart in an allocation of that many
        // strides, initialised here and freed in `deinit`, after every member has left.
        lanes = .allocate(capacity: max(1, threads) * Self.laneStride)
        for p in 0..<max(1, threads) { (lanes + p * Self.laneStride).initialize(to: Atomic(0)) }
    }

    deinit {
        for p in 0..<max(1, threads) { _ = (lanes + p * Self.laneStride).deinitialize(count: 1) }
        lanes.deallocate()
    }

    /// Lane p's atomic word.
    @inline(__always)
    func lane(_ p: Int) -> UnsafeMutablePointer<Atomic<Int>> { lanes + p * Self.laneStride }

    /// Runs chunks of lane `member`, then of every other lane, until none are left; then adds
    /// the number it ran to `done` once, so the cores do not pass that counter's cache line
    /// back and forth at every chunk. Every chunk it claims belongs to one phase: that phase
    /// cannot finish, and the slot cannot be reused, before this member's count is added.
    func work(member: Int) {
        let W = max(1, threads)
        var ran = 0
        var run: (@Sendable (Int) -> Void)? = nil
        for q in 0..<W {
            // SAFETY: `lane` points into `lanes`, alive while the gang is.
            let word = lane((member + q) % W)
            while true {
                let v = word.pointee.wrappingAdd(1, ordering: .acquiring).oldValue
                let next = v & 0xFFFF_FFFF, hi = v >> 32
                if next >= hi { break }
                if run == nil { run = body }
                run!(next)
                ran += 1
            }
        }
        if ran > 0 { done.wrappingAdd(ran, ordering: .releasing) }
    }

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
        // gang and `result` before this thread reads `result` and frees the gang
        // (ThreadSanitizer does not see Dispatch's own join, and reported a follower's read of
        // a phase as racing its free).
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
        precondition(chunks < 1 << 31, "a phase of \(chunks) chunks")
        // The previous phase is finished (every lane exhausted), so no member reads this.
        self.body = body
        done.store(0, ordering: .relaxed)
        let W = max(1, threads)
        for p in 0..<W {
            let lo = p * chunks / W, hi = (p + 1) * chunks / W
            lane(p).pointee.store(hi << 32 | lo, ordering: .releasing)
        }
        generation.wrappingAdd(1, ordering: .releasing)   // wakes the followers
        return Phase(count: chunks)
    }

    /// The leader: takes part in `phase` (from `start`), then waits until every chunk is
    /// done; its acquiring load orders the chunks' writes before the leader's next reads.
    public func finish(_ phase: Phase) {
        work(member: 0)
        var spins = 0
        while done.load(ordering: .acquiring) < phase.count { Self.pause(&spins) }
    }

    /// A follower: takes part in every phase until the segment ends. It needs no copy of the
    /// phase: it claims from the lanes, which hold nothing to claim between phases.
    func follow(member: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                if finished.load(ordering: .acquiring) { return }
                Self.pause(&spins)
            }
            if finished.load(ordering: .acquiring) { return }
            seen = generation.load(ordering: .acquiring)
            work(member: member)
        }
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
