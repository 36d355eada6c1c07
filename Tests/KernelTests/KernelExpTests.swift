// The kernel's exponential against the C library: within one ulp over the arguments the
// kernel uses and over the whole domain, and the documented clamp at the ends.

import Foundation
import Testing
@testable import Kernel

@Suite struct KernelExpTests {
    /// Distance in units in the last place between two positive doubles.
    func ulps(_ a: Double, _ b: Double) -> UInt64 {
        let x = a.bitPattern, y = b.bitPattern
        return x > y ? x - y : y - x
    }

    @Test func withinOneUlpOfLibm() {
        var seq = KeyedSequence(key: 5)
        var worst: UInt64 = 0
        for k in 0..<200_000 {
            // A third where the kernel lives (Mg²⁺ block: |x| < 7), the rest over the domain.
            let x = k % 3 == 0 ? 14 * seq.uniform() - 7 : -708 + 1417 * seq.uniform()
            // glibc's exp is itself within one ulp, so two ulp apart at most.
            worst = max(worst, ulps(kernelExp(x), Foundation.exp(x)))
        }
        #expect(worst <= 2, "worst error \(worst) ulp")
        #expect(kernelExp(0) == 1)
        #expect(ulps(kernelExp(1), Foundation.exp(1)) <= 1)
        #expect(ulps(kernelExp(-1), Foundation.exp(-1)) <= 1)
    }

    @Test func clampsAndPropagatesNaN() {
        #expect(kernelExp(-1000) == kernelExp(-708))
        #expect(kernelExp(-1000) > 0 && kernelExp(-1000) < 1e-307)
        #expect(kernelExp(1000) == kernelExp(709))
        #expect(kernelExp(709).isFinite)
        #expect(kernelExp(.nan).isNaN)
    }
}
