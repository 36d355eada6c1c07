// The ranks of one run as MPI processes (MPICH through `CMPI`). Every exchange is the same
// pair of collectives — each rank's byte count (MPI_Allgather), then the bytes
// (MPI_Allgatherv, in rounds below 2³¹ bytes) — and every message starts with a tag: data, a
// failure with its text, or the end of the run. A rank that fails sends its failure in
// whatever exchange the others wait in (they throw `RankFailure` naming it), and every rank
// calls MPI_Finalize on its way out, so the launcher sees a clean end and every rank has
// said why it stopped.

import Network
import Synchronization
#if canImport(CMPI)
import CMPI
#endif

/// MPI's world communicator as a `RankGroup`. Calls are serialised by a lock (MPI started
/// with MPI_THREAD_SERIALIZED: any thread, one at a time).
public final class MPIRankGroup: RankGroup {
    public let rank: Int
    public let size: Int
    private let state = Mutex(Phase.open)
    private enum Phase: Sendable { case open, closed, finalized }
    private enum Tag: UInt8 { case data = 0, failure = 1, end = 2 }

    private init(rank: Int, size: Int) { self.rank = rank; self.size = size }

    /// Whether this build can start MPI ranks.
    public static var available: Bool {
        #if canImport(CMPI)
        true
        #else
        false
        #endif
    }

    /// Starts MPI (once per process) and joins the world communicator.
    public static func start() throws -> MPIRankGroup {
        #if canImport(CMPI)
        var provided: Int32 = 0
        let rc = nmpi_init(&provided)
        guard rc == 0 else { throw MPIError(operation: "MPI_Init_thread", code: rc) }
        guard nmpi_serialized_ok(provided) != 0 else {
            throw MPIError(operation: "MPI_Init_thread (this MPI library does not offer MPI_THREAD_SERIALIZED)", code: -1)
        }
        return MPIRankGroup(rank: Int(nmpi_rank()), size: Int(nmpi_size()))
        #else
        throw MPIError(operation: "MPI_Init (this neuroplast was built without MPI: install libmpich-dev and rebuild)", code: -1)
        #endif
    }

    public func exchange(_ bytes: [UInt8]) throws -> [[UInt8]] {
        try state.withLock { phase in
            guard case .open = phase else { throw RankFailure(rank: rank, message: "exchange after the run ended") }
            do {
                return try Self.check(try collect(.data, bytes))
            } catch {
                // The others have ended (a failure was sent, or MPI failed): no exchange can
                // follow, so a later `reportFailure` must not wait for one.
                phase = .closed
                throw error
            }
        }
    }

    public func reportFailure(_ message: String) {
        state.withLock { phase in
            guard case .open = phase else { return }
            phase = .closed
            _ = try? collect(.failure, Array(message.utf8))
        }
    }

    public func close(ok: Bool) throws {
        try state.withLock { phase in
            guard case .open = phase else { return }
            phase = .closed
            let parts = try collect(ok ? .end : .failure, ok ? [] : Array("its run failed".utf8))
            for (r, p) in parts.enumerated() where p.first == Tag.failure.rawValue {
                throw RankFailure(rank: r, message: String(decoding: p.dropFirst(), as: UTF8.self))
            }
        }
    }

    /// Ends MPI for this process (after `close` or a failure); every rank calls it once.
    public func finalize() {
        state.withLock { phase in
            guard phase != .finalized else { return }
            phase = .finalized
            #if canImport(CMPI)
            _ = nmpi_finalize()
            #endif
        }
    }

    /// The payloads of a data exchange, or the failure a rank sent instead.
    private static func check(_ parts: [[UInt8]]) throws -> [[UInt8]] {
        for (r, p) in parts.enumerated() where p.first != Tag.data.rawValue {
            if p.first == Tag.failure.rawValue { throw RankFailure(rank: r, message: String(decoding: p.dropFirst(), as: UTF8.self)) }
            throw RankFailure(rank: r, message: "it ended its run while this rank still exchanged spikes (were the ranks started with different scenarios or options?)")
        }
        return parts.map { Array($0.dropFirst()) }
    }

    /// One exchange: every rank's tagged bytes, in rank order.
    private func collect(_ tag: Tag, _ bytes: [UInt8]) throws -> [[UInt8]] {
        #if canImport(CMPI)
        let mine = [tag.rawValue] + bytes
        var counts = [Int64](repeating: 0, count: size)
        let rc = counts.withUnsafeMutableBufferPointer { nmpi_allgather_i64(Int64(mine.count), $0.baseAddress) }
        guard rc == 0 else { throw MPIError(operation: "MPI_Allgather", code: rc) }
        var out = counts.map { [UInt8](repeating: 0, count: Int($0)) }
        // Rounds of at most `chunk` bytes per rank keep counts and displacements below 2³¹.
        let chunk = max(1, (Int(Int32.max) - 1) / size)
        let rounds = counts.map { (Int($0) + chunk - 1) / chunk }.max() ?? 0
        for k in 0..<rounds {
            let lo = k * chunk
            let part = counts.map { Int32(max(0, min(Int($0) - lo, chunk))) }
            var displs = [Int32](repeating: 0, count: size)
            for r in 1..<max(1, size) { displs[r] = displs[r - 1] + part[r - 1] }
            var buffer = [UInt8](repeating: 0, count: Int(part.reduce(0) { $0 + Int($1) }))
            let send = Array(mine[min(lo, mine.count)..<min(lo + chunk, mine.count)])
            let rc = send.withUnsafeBytes { s in
                buffer.withUnsafeMutableBytes { b in
                    part.withUnsafeBufferPointer { c in
                        displs.withUnsafeBufferPointer { d in
                            nmpi_allgatherv_bytes(s.baseAddress, Int32(send.count), b.baseAddress, c.baseAddress, d.baseAddress)
                        }
                    }
                }
            }
            guard rc == 0 else { throw MPIError(operation: "MPI_Allgatherv", code: rc) }
            for r in 0..<size where part[r] > 0 {
                let at = Int(displs[r])
                out[r].replaceSubrange(lo..<(lo + Int(part[r])), with: buffer[at..<(at + Int(part[r]))])
            }
        }
        return out
        #else
        throw MPIError(operation: "an exchange (this build has no MPI)", code: -1)
        #endif
    }
}

/// An MPI call that failed, with the library's text for its code.
public struct MPIError: Error, CustomStringConvertible {
    public let operation: String
    public let code: Int32
    public var description: String {
        #if canImport(CMPI)
        if code > 0 {
            var text = [CChar](repeating: 0, count: 512)
            nmpi_error_string(code, &text, Int32(text.count))
            return "\(operation) failed: \(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))"
        }
        #endif
        return "\(operation) failed"
    }
}
