// The Poisson sampler used for background drive: mean and variance equal the rate.

import Testing
@testable import Kernel
import Foundation

@Suite struct PoissonTests {
    @Test(arguments: [0.05, 0.3, 2.0, 8.0])
    func meanAndVariance(mean: Double) {
        let n = 200_000
        var s = 0.0, s2 = 0.0
        for i in 0..<n {
            let k = Double(poissonCount(CounterRNG.bits(key: 5, counter: UInt64(i)), mean: mean, pZero: exp(-mean)))
            s += k; s2 += k * k
        }
        let m = s / Double(n), v = s2 / Double(n) - m * m
        let se = (mean / Double(n)).squareRoot()
        #expect(abs(m - mean) < 5 * se, "mean \(m)")
        #expect(abs(v - mean) / mean < 0.03, "variance \(v)")
    }

    /// The kernel's table sampler gives exactly the count of the plain inversion, including
    /// means whose draws run past the table.
    @Test(arguments: [0.001, 0.05, 1.0, 8.0, 30.0, 60.0])
    func tableEqualsInversion(mean: Double) {
        var beyond = 0
        PoissonTable.with(mean: mean, pZero: exp(-mean)) { table in
            for i in 0..<100_000 {
                let b = CounterRNG.bits(key: 11, counter: UInt64(i))
                let k = poissonCount(b, mean: mean, pZero: exp(-mean))
                #expect(table.count(b) == k)
                if k >= 32 { beyond += 1 }
            }
        }
        if mean >= 30 { #expect(beyond > 0) }
    }
}
