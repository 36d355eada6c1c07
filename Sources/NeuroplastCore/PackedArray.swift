// Numbers stored as their raw little-endian bytes inside a Codable value: in JSON a packed
// array is one base64 string, exact (no decimal round trip) and about 1.33 bytes per byte —
// how checkpoints carry the large state arrays (membrane state, delay rings, synapse rows).

import Foundation

/// An array of fixed-width numbers that encodes as one `Data` blob of their bytes.
/// The byte order is the machine's; checkpoints are only written and read on little-endian
/// machines (x86-64, arm64), and `Checkpoint` refuses others.
public struct PackedArray<T: BitwiseCopyable & Sendable>: Codable, Sendable {
    public var values: [T]
    public init(_ values: [T]) { self.values = values }

    public init(from decoder: Decoder) throws {
        let data = try decoder.singleValueContainer().decode(Data.self)
        let size = MemoryLayout<T>.stride
        guard data.count % size == 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "\(data.count) bytes is not a whole number of \(size)-byte values"))
        }
        let n = data.count / size
        // An empty array is built as [], not through unsafeUninitializedCapacity: with capacity 0
        // the standard library stores the count into the shared empty-array singleton, a write
        // that races (ThreadSanitizer) with any thread reading another empty array.
        guard n > 0 else { values = []; return }
        values = [T](unsafeUninitializedCapacity: n) { buf, count in
            // SAFETY: data holds n·size bytes (checked above), buf has room for n values, and
            // T is BitwiseCopyable, so its bytes make valid values; all n are written.
            data.withUnsafeBytes { raw in
                UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: raw.baseAddress!, byteCount: n * size)
            }
            count = n
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(values.withUnsafeBytes { Data($0) })
    }
}
