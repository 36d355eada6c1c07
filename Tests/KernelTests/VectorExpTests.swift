// The vector exponential of the neuron update against the C library: within two ulp over
// the arguments the kernel uses, every lane alike, and the documented clamp at the ends.

import Foundation
import Testing
@testable import Kernel

@Suite struct VectorExpTests {
    /// Distance in units in the last place between two positive doubles.
    func ulps(_ a: Double, _ b: Double) -> UInt64 {
        let x = a.bitPattern, y = b.bitPattern
        return x > y ? x - y : y - x
    }

    @Test func withinTwoUlpOfLibm() {
        var seq = KeyedSequence(key: 5)
        var worst: UInt64 = 0
        for k in 0..<200_000 {
            // Half the samples where the kernel lives (|x| < 1), half over the whole domain.
            let x = k % 2 == 0 ? 2 * seq.uniform() - 1 : -708 + 1417 * seq.uniform()
            worst = max(worst, ulps(fastExp(x), Foundation.exp(x)))
        }
        #expect(worst <= 2, "worst error \(worst) ulp")
        #expect(fastExp(0) == 1)
        #expect(fastExp(1) == Foundation.exp(1))
    }

    @Test func lanesAgreeWithScalar() {
        let xs: [SIMD4<Double>] = [SIMD4(-0.0123, 3.5, -700, 12), SIMD4(0.5, -0.5, 1e-12, -1e-12)]
        expTableBits.withUnsafeBufferPointer { t in
            for x in xs {
                let y = exp4(x, table: t.baseAddress!)
                for l in 0..<4 { #expect(y[l].bitPattern == fastExp(x[l]).bitPattern) }
            }
        }
    }

    @Test func clampsAndPropagatesNaN() {
        #expect(fastExp(-1000) == fastExp(-708))
        #expect(fastExp(-1000) > 0 && fastExp(-1000) < 1e-307)
        #expect(fastExp(1000) == fastExp(709))
        #expect(fastExp(.nan).isNaN)
    }
}
