// The FFT and Welch estimator behind bands.csv against analytic results: the FFT equals the
// DFT's definition and keeps Parseval's identity, a sine on a bin puts all its power there,
// Welch gives a sine's A²/2 in its band and its frequency as the peak, every segment's PSD
// integrates to its windowed variance, and band edges are half-open [f_lo, f_hi).

import Foundation
import Testing
@testable import Recording

@Suite struct SpectrumTests {
    /// A reproducible signal with every frequency in it (a counter hash, no shared generator).
    static func noise(_ n: Int, seed: UInt64 = 7) -> [Double] {
        (0..<n).map { i in
            var z = seed &+ UInt64(i) &* 0x9E3779B97F4A7C15
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53) - 0.5
        }
    }

    @Test(arguments: [1, 2, 8, 64, 256])
    func fftEqualsTheDefinitionAndKeepsParseval(n: Int) {
        let x = Self.noise(n), y = Self.noise(n, seed: 99)
        var re = x, im = y
        FFT.forward(re: &re, im: &im)
        var energyTime = 0.0, energyFreq = 0.0
        for k in 0..<n {
            var r = 0.0, i = 0.0
            for j in 0..<n {
                let a = -2 * Double.pi * Double(k * j) / Double(n)
                r += x[j] * cos(a) - y[j] * sin(a)
                i += x[j] * sin(a) + y[j] * cos(a)
            }
            #expect(abs(re[k] - r) < 1e-9 && abs(im[k] - i) < 1e-9, "bin \(k) of \(n)")
            energyTime += x[k] * x[k] + y[k] * y[k]
            energyFreq += re[k] * re[k] + im[k] * im[k]
        }
        #expect(abs(energyTime - energyFreq / Double(n)) < 1e-9 * max(1, energyTime))
    }

    @Test func aSineOnABinPutsAllItsPowerThere() {
        let n = 128, k0 = 10, A = 2.5
        var re = (0..<n).map { A * sin(2 * Double.pi * Double(k0 * $0) / Double(n)) }
        var im = [Double](repeating: 0, count: n)
        FFT.forward(re: &re, im: &im)
        for k in 0..<n {
            let p = re[k] * re[k] + im[k] * im[k]
            if k == k0 || k == n - k0 { #expect(abs(p - A * A * Double(n * n) / 4) < 1e-6) } else { #expect(p < 1e-16 * Double(n * n)) }
        }
    }

    @Test func paddedLengthIsTheNextPowerOfTwo() {
        #expect(FFT.paddedLength(1) == 1 && FFT.paddedLength(4) == 4 && FFT.paddedLength(5) == 8 && FFT.paddedLength(500) == 512)
    }

    /// A 40 Hz sine of amplitude A at 1 kHz: the gamma band holds A²/2 (Hann leakage stays
    /// within a few bins), the other bands almost nothing, the peak is the bin nearest 40 Hz.
    @Test func welchPutsASinesPowerInItsBand() {
        let rate = 1000.0, A = 3.0
        let x = (0..<4000).map { 7 + A * sin(2 * Double.pi * 40 * Double($0) / rate) }   // offset: means are removed
        let s = Welch.psd(x, rate: rate, segment: 500)
        #expect(s.segments == 15)   // (4000 − 500) / 250 + 1
        #expect(abs(s.binWidth - 1000.0 / 512) < 1e-12)
        let p = LFPBands.powers(s)
        let gamma = p[4]
        #expect(abs(gamma - A * A / 2) < 0.01 * A * A / 2, "gamma \(gamma)")
        for (b, v) in p.enumerated() where b != 4 { #expect(v < 1e-3 * gamma, "band \(LFPBands.bands[b].name) \(v)") }
        #expect(LFPBands.peak(s).map { abs($0 - 40) <= s.binWidth / 2 } == true, "peak \(String(describing: LFPBands.peak(s)))")
    }

    /// Parseval for one segment: Σ_k P_k·Δf equals Σ_n ((x_n − mean)·w_n)² / Σ w_n², for a
    /// segment length that is and one that is not a power of two (zero padding).
    @Test(arguments: [256, 300])
    func welchSegmentIntegratesToItsWindowedVariance(length L: Int) {
        let rate = 2000.0
        let x = Self.noise(L, seed: 3).map { $0 * 10 }
        let s = Welch.psd(x, rate: rate, segment: L)
        #expect(s.segments == 1)
        let total = s.power.reduce(0, +) * s.binWidth
        let mean = x.reduce(0, +) / Double(L)
        let w = (0..<L).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(L)) }
        let expected = zip(x, w).reduce(0) { $0 + pow(($1.0 - mean) * $1.1, 2) } / w.reduce(0) { $0 + $1 * $1 }
        #expect(abs(total - expected) < 1e-10 * expected)
    }

    @Test func tooShortASignalHasNoSegmentAndNoPeak() {
        let s = Welch.psd([1, 2, 3], rate: 1000, segment: 8)
        #expect(s.segments == 0 && LFPBands.peak(s) == nil && s.power.allSatisfy { $0 == 0 })
    }

    /// Bins on a band edge go to the band above (f_lo ≤ f < f_hi), and Δf multiplies.
    @Test func bandEdgesAreHalfOpen() {
        let freqs = [0.0, 1, 4, 8, 13, 30, 80, 150]
        let s = Welch.Spectrum(frequencies: freqs, power: [100, 1, 2, 3, 4, 5, 6, 1000], segments: 1)
        #expect(LFPBands.powers(s) == [1, 2, 3, 4, 5, 6])   // Δf = 1; 0 Hz and 150 Hz in no band
        let t = Welch.Spectrum(frequencies: [0, 2, 4, 6], power: [0, 1, 1, 1], segments: 1)
        #expect(LFPBands.powers(t)[0] == 2 && LFPBands.powers(t)[1] == 4)   // delta: 2 Hz; theta: 4 and 6 Hz
    }
}
