// The one lock around libhdf5. A build of HDF5 without its thread-safety option (the
// default when built from source) corrupts its global state (the identifier tables, the
// metadata cache) when two threads are inside it at once, whatever files they use; Debian's
// build has the option, which only puts one global mutex around each call. Every call into
// CHDF5 from this module goes through `call`, so the recorder's spike appends, the session's
// network files and parallel tests never overlap on any build. The lock also makes "error
// stack of the last call" well defined: the message is read before the lock is released.
// In a thread-safe build the error stack and its automatic printing are per thread, so the
// printing is switched off on every call, not once: otherwise a failure on a thread that
// had not called before prints HDF5's diagnostic trace to stderr.

import CHDF5
import Synchronization

/// A failed HDF5 operation: the file, what was being done, and HDF5's own innermost message.
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

enum HDF5Library {
    private static let lock: Mutex<Void> = Mutex(())

    /// Runs `body` holding the library lock, with HDF5's automatic error printing off on
    /// this thread. `body` returns HDF5's status or identifier; a negative value throws with
    /// `what` and HDF5's message.
    static func call<T: BinaryInteger & Sendable>(_ path: String, _ what: @autoclosure () -> String, _ body: () -> T) throws -> T {
        try lock.withLock { _ in
            nh5_quiet()
            let r = body()
            if r < 0 {
                var buf = [CChar](repeating: 0, count: 512)
                nh5_error(&buf)
                throw HDF5Error(path: path, message: "\(what()): \(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
            }
            return r
        }
    }

    /// Runs `body` holding the lock, for calls whose failure is not an error (closing in deinit).
    static func quietly<T: Sendable>(_ body: () -> T) -> T {
        lock.withLock { _ in
            nh5_quiet()
            return body()
        }
    }
}
