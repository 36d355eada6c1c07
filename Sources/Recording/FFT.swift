// A radix-2 fast Fourier transform: iterative Cooley–Tukey, in place, on split real and
// imaginary arrays whose length is a power of two. Small and exact enough for the LFP's
// Welch spectra (segments of a few hundred to a few thousand samples).

import Foundation

public enum FFT {
    /// The smallest power of two ≥ n (n ≥ 1).
    public static func paddedLength(_ n: Int) -> Int {
        var p = 1
        while p < n { p <<= 1 }
        return p
    }

    /// The forward discrete Fourier transform in place:
    ///
    ///     X_k = Σ_{n=0}^{N−1} x_n · e^{−2πi·kn/N},   k = 0 … N−1,
    ///
    /// by decimation in time (bit-reversed reordering, then log₂N butterfly stages with
    /// twiddles from `cos`/`sin` of 2πj/N, computed once per call). Parseval holds:
    /// Σ|x_n|² = (1/N)·Σ|X_k|². `re.count` must equal `im.count` and be a power of two.
    public static func forward(re: inout [Double], im: inout [Double]) {
        let n = re.count
        precondition(n == im.count && n > 0 && n & (n - 1) == 0, "FFT length must be a power of two")
        if n == 1 { return }
        // Bit-reversal permutation.
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        let half = n / 2
        let cosT = (0..<half).map { cos(2 * Double.pi * Double($0) / Double(n)) }
        let sinT = (0..<half).map { -sin(2 * Double.pi * Double($0) / Double(n)) }
        var len = 2
        while len <= n {
            let step = n / len, h = len / 2
            var start = 0
            while start < n {
                for k in 0..<h {
                    let wr = cosT[k * step], wi = sinT[k * step]
                    let a = start + k, b = a + h
                    let tr = re[b] * wr - im[b] * wi
                    let ti = re[b] * wi + im[b] * wr
                    re[b] = re[a] - tr; im[b] = im[a] - ti
                    re[a] += tr; im[a] += ti
                }
                start += len
            }
            len <<= 1
        }
    }
}
