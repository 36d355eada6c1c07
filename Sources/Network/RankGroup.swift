// The processes one run is spread over (MPI ranks), as the simulation sees them. Every rank
// runs the same session on the same schedule and holds a contiguous block of the shards
// (`RankLayout`); a question to the network is answered by one exchange in which each rank
// contributes its shards' part, so every rank sees the whole answer and takes the same next
// decision. What the ranks share is only this exchange: one collective, always the same pair of
// MPI calls, so a rank that fails can answer whichever exchange the others are waiting in with
// its failure (`reportFailure`), and they end with its message instead of hanging.

/// A group of ranks: `Ranks.MPIRankGroup` in a build with MPI. Without one, a run is one process.
public protocol RankGroup: AnyObject, Sendable {
    /// This process's rank, 0 ..< size.
    var rank: Int { get }
    var size: Int { get }
    /// Every rank's bytes, in rank order. A collective: every rank calls it at the same point
    /// of the same schedule. Throws `RankFailure` when a rank contributed a failure instead.
    func exchange(_ bytes: [UInt8]) throws -> [[UInt8]]
    /// Answers the next exchange of the other ranks with this failure, once; they throw
    /// `RankFailure` naming this rank. Does nothing after `close`.
    func reportFailure(_ message: String)
    /// The last exchange of a run: every rank says whether it ended well. Throws `RankFailure`
    /// for the first rank that did not; later failures are no longer reported.
    func close(ok: Bool) throws
}

/// Another rank failed: the message it reported.
public struct RankFailure: Error, CustomStringConvertible {
    public let rank: Int
    public let message: String
    public init(rank: Int, message: String) { self.rank = rank; self.message = message }
    public var description: String { "rank \(rank) failed: \(message)" }
}

/// Which shards each rank holds: contiguous blocks in shard order, so the concatenation of the
/// ranks' answers is in shard order and merging gives what one process with all shards gives.
public enum RankLayout {
    /// The shards of `rank` of `size` when a run has `shards` (≥ size).
    public static func shards(rank: Int, size: Int, total: Int) -> Range<Int> {
        (rank * total / size)..<((rank + 1) * total / size)
    }
}

/// A byte buffer for the ranks' exchanges: fixed-width values and arrays of them, in this
/// process's byte order (every rank runs the same binary on the same architecture).
package struct WireWriter {
    package var bytes: [UInt8] = []
    package init() {}
    package mutating func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v) { bytes.append(contentsOf: $0) } }
    package mutating func put(_ v: Double) { put(v.bitPattern) }
    package mutating func put(_ v: Float) { put(v.bitPattern) }
    /// A count, then the elements' bytes.
    package mutating func put<T: BitwiseCopyable>(array a: [T]) {
        put(Int64(a.count))
        a.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
    package mutating func put(_ s: String) { put(array: Array(s.utf8)) }
}

/// Reads what a `WireWriter` wrote; a short or malformed buffer throws instead of trapping.
package struct WireReader {
    let bytes: [UInt8]
    var at = 0
    package init(_ bytes: [UInt8]) { self.bytes = bytes }
    package struct Malformed: Error, CustomStringConvertible {
        package var description: String { "a rank sent a malformed message (a build of another version on another rank?)" }
    }
    package mutating func get<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let n = MemoryLayout<T>.size
        guard at + n <= bytes.count else { throw Malformed() }
        var v = T.zero
        withUnsafeMutableBytes(of: &v) { dst in bytes.withUnsafeBytes { dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[at..<(at + n)])) } }
        at += n
        return v
    }
    package mutating func getDouble() throws -> Double { Double(bitPattern: try get(UInt64.self)) }
    package mutating func getFloat() throws -> Float { Float(bitPattern: try get(UInt32.self)) }
    package mutating func getArray<T: BitwiseCopyable>(_: T.Type = T.self) throws -> [T] {
        let count = try get(Int64.self)
        let stride = MemoryLayout<T>.stride
        guard count >= 0, count <= Int64(bytes.count - at) / Int64(max(1, stride)) else { throw Malformed() }
        let n = Int(count)
        // [] rather than capacity 0, whose count store lands in the shared empty-array
        // singleton (a race under ThreadSanitizer; see PackedArray).
        guard n > 0 else { return [] }
        let out = [T](unsafeUninitializedCapacity: n) { buf, initialized in
            // SAFETY: the guard above checked that n·stride bytes remain; T is BitwiseCopyable,
            // so copying its bytes makes a valid value, and all n elements are written.
            bytes.withUnsafeBytes { src in
                UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(rebasing: src[at..<(at + n * stride)]))
            }
            initialized = n
        }
        at += n * stride
        return out
    }
    package mutating func getString() throws -> String { String(decoding: try getArray(UInt8.self), as: UTF8.self) }
}
