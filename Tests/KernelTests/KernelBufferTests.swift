// KernelBuffer's two kinds of storage: plain allocations, and (from `hugePageThreshold`
// bytes) an anonymous mapping advised for huge pages, where an all-zero initial value is
// left to the mapping's zero pages. Both must read back their initial values and writes.

import Testing
@testable import Kernel

@Suite struct KernelBufferTests {
    @Test(arguments: [0, 1, 1000, KernelBuffer<UInt32>.hugePageThreshold / 4 + 3])
    func initialValuesAndWritesReadBack(count: Int) {
        let zero = KernelBuffer<UInt32>(count: count, initial: 0)
        let ones = KernelBuffer<Float>(count: count, initial: 1.5)
        let negativeZero = KernelBuffer<Double>(count: count, initial: -0.0)   // not all zero bytes
        #expect((0..<count).allSatisfy { zero[$0] == 0 && ones[$0] == 1.5 && negativeZero[$0].bitPattern == (-0.0).bitPattern })
        if count > 0 {
            zero[count - 1] = 7; ones[0] = 2
            #expect(zero[count - 1] == 7 && ones[0] == 2 && zero.array.reduce(0, +) == 7)
        }
    }

    @Test func largeBuffersAreAlignedToTwoMebibytes() {
        let big = KernelBuffer<UInt16>(count: KernelBuffer<UInt16>.hugePageThreshold / 2, initial: 0)
        #expect(Int(bitPattern: big.pointer) % (2 << 20) == 0)
        let copy = KernelBuffer((0..<(KernelBuffer<Int>.hugePageThreshold / 8)).map { $0 * 3 }, empty: 0)
        #expect(copy[0] == 0 && copy[copy.count - 1] == (copy.count - 1) * 3)
    }
}
