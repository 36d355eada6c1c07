// The Dispatch-parallel loop. Work is cut into chunks of a fixed size that does not depend
// on the thread count; threads take chunks round-robin. Because each chunk's arithmetic is
// the same whichever thread runs it, results are bit-identical for any thread count.

import Dispatch

public enum ChunkedLoop {
    /// Runs `body(chunk)` for every chunk in 0..<chunks on up to `threads` threads.
    /// With one thread (or one chunk) it runs inline without Dispatch.
    @inlinable
    public static func run(chunks: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
        if threads <= 1 || chunks <= 1 {
            for c in 0..<chunks { body(c) }
            return
        }
        let workers = min(threads, chunks)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var c = w
            while c < chunks { body(c); c += workers }
        }
    }
}
