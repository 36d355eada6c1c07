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

    /// The drive four neurons at a time adds, to every neuron of any range, exactly what the
    /// scalar draw of `PoissonTable.count` gives — counts past 4 included.
    @Test(arguments: [0.05, 0.2, 1.0, 3.0, 12.0])
    func vectorDriveEqualsScalarDraws(mean: Double) {
        let n = 203, weight = 0.75, counter: UInt64 = 987
        let keys = KernelBuffer((0..<n).map { CounterRNG(seed: 3).key(stream: .drive, entity: UInt64($0)) }, empty: 0)
        for range in [0..<n, 1..<n, 3..<7, 5..<6, 8..<8, 2..<(n - 1)] {
            let target = KernelBuffer(count: n, initial: 0.5)
            PoissonTable.with(mean: mean, pZero: exp(-mean)) { table in
                addPoisson(table, keys: keys.shared, counter: counter, weight: weight, into: target.shared, range: range)
                for i in 0..<n {
                    let k = range.contains(i) ? table.count(CounterRNG.bits(key: keys[i], counter: counter)) : 0
                    #expect(target[i] == 0.5 + Double(k) * weight, "neuron \(i) of \(range)")
                }
            }
        }
        let lanes = SIMD4<UInt64>(0, 1, 0xFFFF_FFFF_FFFF_FFFF, 0x1234_5678_9ABC_DEF0)
        let mixed = CounterRNG.mix(lanes)
        for l in 0..<4 { #expect(mixed[l] == CounterRNG.mix(lanes[l])) }
        let eight = SIMD8<UInt64>(lowHalf: lanes, highHalf: lanes &* 3), mixed8 = CounterRNG.mix(eight)
        for l in 0..<8 { #expect(mixed8[l] == CounterRNG.mix(eight[l])) }
    }
}
