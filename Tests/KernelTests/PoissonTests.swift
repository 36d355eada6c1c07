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
}
