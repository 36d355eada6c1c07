// Welch's power spectral density of the LFP and the band powers read from it: the
// estimator behind bands.csv and spectrum.csv (`LFPRecorder`).

import Foundation

/// Welch's method (Welch 1967, IEEE Trans Audio Electroacoust 15:70).
///
/// A signal x of N samples at rate f_s [Hz] is cut into segments of L samples starting every
/// L/2 (50 % overlap; a tail shorter than L is dropped). Each segment has its mean removed,
/// is multiplied by the periodic Hann window w_n = ½ − ½·cos(2πn/L), is zero-padded to
/// N_FFT = the next power of two ≥ L (so the bins are f_k = k·f_s/N_FFT, Δf = f_s/N_FFT:
/// L = 500 at 1 kHz gives N_FFT = 512, Δf ≈ 1.95 Hz), and transformed (`FFT`). Its one-sided
/// PSD [pA²/Hz for x in pA] is
///
///     P_k = c_k · |X_k|² / (f_s · U),   U = Σ_n w_n²,   k = 0 … N_FFT/2,
///     c_k = 1 for k = 0 and k = N_FFT/2, 2 otherwise,
///
/// and the estimate is the mean of P over segments. Then Σ_k P_k·Δf = Σ_n (x_n w_n)² / U per
/// segment (Parseval): the windowed variance. A pure sine of amplitude A puts A²/2 into
/// the bins around its frequency.
public enum Welch {
    public struct Spectrum: Sendable, Equatable {
        /// Bin frequencies f_k [Hz], k = 0 … N_FFT/2.
        public var frequencies: [Double]
        /// Mean one-sided PSD per bin (signal unit² / Hz); zeros when `segments` = 0.
        public var power: [Double]
        /// Segments averaged.
        public var segments: Int
        public var binWidth: Double { frequencies.count > 1 ? frequencies[1] - frequencies[0] : 0 }
    }

    /// The Welch PSD of `x` sampled at `rate` [Hz] with segments of `segment` samples (≥ 2).
    public static func psd(_ x: [Double], rate: Double, segment L: Int) -> Spectrum {
        let nfft = FFT.paddedLength(L)
        let bins = nfft / 2 + 1
        let freqs = (0..<bins).map { Double($0) * rate / Double(nfft) }
        var sum = [Double](repeating: 0, count: bins)
        let w = (0..<L).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(L)) }
        let U = w.reduce(0) { $0 + $1 * $1 }
        let hop = max(1, L / 2)
        var count = 0, start = 0
        while start + L <= x.count {
            var mean = 0.0
            for n in 0..<L { mean += x[start + n] }
            mean /= Double(L)
            var re = [Double](repeating: 0, count: nfft), im = [Double](repeating: 0, count: nfft)
            for n in 0..<L { re[n] = (x[start + n] - mean) * w[n] }
            FFT.forward(re: &re, im: &im)
            for k in 0..<bins {
                let c = k == 0 || k == nfft / 2 ? 1.0 : 2.0
                sum[k] += c * (re[k] * re[k] + im[k] * im[k]) / (rate * U)
            }
            count += 1
            start += hop
        }
        return Spectrum(frequencies: freqs, power: count > 0 ? sum.map { $0 / Double(count) } : sum, segments: count)
    }
}

/// The LFP's frequency bands [Hz] and the powers read from a spectrum.
public enum LFPBands {
    /// (column name, f_lo, f_hi): a bin belongs to a band when f_lo ≤ f < f_hi.
    public static let bands: [(name: String, lo: Double, hi: Double)] = [
        ("delta", 1, 4), ("theta", 4, 8), ("alpha", 8, 13), ("beta", 13, 30), ("gamma", 30, 80), ("high_gamma", 80, 150),
    ]
    /// The range searched for the peak frequency [Hz] (f_lo ≤ f < f_hi).
    public static let peakRange = (lo: 1.0, hi: 150.0)

    /// Band power = Σ P_k·Δf over the band's bins (signal unit²), per band in `bands` order.
    public static func powers(_ s: Spectrum) -> [Double] {
        let df = s.binWidth
        return bands.map { b in
            var p = 0.0
            for (k, f) in s.frequencies.enumerated() where f >= b.lo && f < b.hi { p += s.power[k] * df }
            return p
        }
    }

    /// The bin frequency of the largest power in `peakRange`; nil without segments or bins there.
    public static func peak(_ s: Spectrum) -> Double? {
        guard s.segments > 0 else { return nil }
        var best: (f: Double, p: Double)?
        for (k, f) in s.frequencies.enumerated() where f >= peakRange.lo && f < peakRange.hi {
            if best == nil || s.power[k] > best!.p { best = (f, s.power[k]) }
        }
        return best?.f
    }

    public typealias Spectrum = Welch.Spectrum
}
