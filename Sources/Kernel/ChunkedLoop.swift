// The Dispatch-parallel loop. Work is cut into chunks of a fixed size that does not depend
// on the thread count; threads take chunks round-robin (or, inside a `WorkerGang` segment,
// by atomic ticket). Because each chunk's arithmetic is the same whichever thread runs it,
// results are bit-identical for any thread count.

import Dispatch

public enum ChunkedLoop {
    /// Runs `body(chunk)` for every chunk in 0..<chunks on up to `threads` threads — through
    /// `gang` when one is running (no Dispatch call), else one `concurrentPerform`.
    /// With one thread (or one chunk) it runs inline.
    @inlinable
    public static func run(chunks: Int, threads: Int, gang: WorkerGang? = nil, _ body: @escaping @Sendable (Int) -> Void) {
        if threads <= 1 || chunks <= 1 {
            for c in 0..<chunks { body(c) }
            return
        }
        if let g = gang {
            g.parallel(chunks: chunks, body)
            return
        }
        let workers = min(threads, chunks)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var c = w
            while c < chunks { body(c); c += workers }
        }
    }
}
