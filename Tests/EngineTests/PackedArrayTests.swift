// PackedArray, the checkpoint's carrier of large state arrays: exact round trips, refusal of
// a blob that is not whole values, and no shared write when it decodes an empty array (a
// race ThreadSanitizer found when one shard restored a checkpoint while another delivered
// spikes through a table whose weight store is empty).

import Foundation
import Testing
import NeuroplastCore

@Suite struct PackedArrayTests {
    @Test func roundTripIsExact() throws {
        let values: [Double] = [0, -0.0, .pi, .leastNonzeroMagnitude, .infinity, 1e300]
        let back = try JSONDecoder().decode(PackedArray<Double>.self, from: JSONEncoder().encode(PackedArray(values)))
        #expect(back.values.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func blobOfPartValuesIsRefused() throws {
        let blob = try JSONEncoder().encode(Data([1, 2, 3]))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PackedArray<UInt16>.self, from: blob) }
    }

    /// Under ThreadSanitizer (scripts/sanitizers.sh) this fails if decoding an empty array
    /// writes to the standard library's empty-array singleton, which every empty array shares:
    /// one task decodes empty arrays while another reads an empty array's count.
    @Test func decodingEmptyArraysWritesNothingShared() async throws {
        let blob = try JSONEncoder().encode(PackedArray<Float>([]))
        let empty: [Float] = Array(repeating: 1, count: Int.random(in: 0...0))
        let counts = await withTaskGroup(of: Int.self) { group in
            group.addTask {
                var n = 0
                for _ in 0..<500 { n += (try? JSONDecoder().decode(PackedArray<Float>.self, from: blob))?.values.count ?? 1 }
                return n
            }
            group.addTask {
                var n = 0
                for _ in 0..<200_000 { n += empty.withUnsafeBufferPointer { $0.count } }
                return n
            }
            return await group.reduce(0, +)
        }
        #expect(counts == 0)
    }
}
