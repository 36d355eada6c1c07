// LinearFlow: the exact solution of a small linear ODE with a constant input over one step,
// dx/dt = A·x + u  ⇒  x(t+h) = Φ(h)·x(t) + Ψ(h)·u,  Φ = e^{Ah},  Ψ = ∫₀ʰ e^{As} ds.
// Every PK model here is linear between dose events, so this is how they are integrated:
// no step-size error, only rounding.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Dense n×n propagators of `dx/dt = A·x + u` (A row-major), computed together from the
/// exponential of the block matrix M = [[A, I], [0, 0]] (2n×2n): e^{Mh} = [[Φ, Ψ], [0, I]]
/// (Van Loan 1978, IEEE Trans Autom Control 23:395). The exponential is taken by scaling
/// and squaring with a degree-18 Taylor polynomial after scaling ‖M h‖₁ below 1/2
/// (truncation < 1e-22 relative; Moler & Van Loan 2003, SIAM Rev 45:3, "method 3").
/// Compartment generators have non-negative off-diagonals (Metzler) and a dominant negative
/// diagonal, for which squaring is well conditioned.
public struct LinearFlow: Sendable, Equatable, Codable {
    public let n: Int
    public let a: [Double]          // generator A [1/h], row-major n×n
    private var cachedStep = -1.0   // [h]
    private var phi: [Double] = []
    private var psi: [Double] = []

    public init(n: Int, a: [Double]) {
        precondition(a.count == n * n, "generator must be n×n")
        self.n = n; self.a = a
    }

    /// Advances `x` by `h` hours with the constant input `u` [state units per hour].
    public mutating func step(_ x: inout [Double], by h: Double, input u: [Double]) {
        guard h > 0, n > 0 else { return }
        if h != cachedStep { (phi, psi) = Self.propagators(a, n: n, h: h); cachedStep = h }
        var y = [Double](repeating: 0, count: n)
        let hasInput = u.contains { $0 != 0 }
        for i in 0..<n {
            var s = 0.0
            for j in 0..<n { s += phi[i * n + j] * x[j] }
            if hasInput { for j in 0..<n { s += psi[i * n + j] * u[j] } }
            y[i] = s
        }
        x = y
    }

    /// Φ(h) and Ψ(h) for the generator `a`.
    public static func propagators(_ a: [Double], n: Int, h: Double) -> (phi: [Double], psi: [Double]) {
        let m = 2 * n
        var big = [Double](repeating: 0, count: m * m)
        for i in 0..<n {
            for j in 0..<n { big[i * m + j] = a[i * n + j] * h }
            big[i * m + n + i] = h
        }
        let e = exponential(big, n: m)
        var phi = [Double](repeating: 0, count: n * n), psi = phi
        for i in 0..<n {
            for j in 0..<n { phi[i * n + j] = e[i * m + j]; psi[i * n + j] = e[i * m + n + j] }
        }
        return (phi, psi)
    }

    /// e^M for a dense n×n matrix (row-major).
    public static func exponential(_ mat: [Double], n: Int) -> [Double] {
        var norm = 0.0   // ‖M‖₁: largest column sum
        for j in 0..<n {
            var s = 0.0
            for i in 0..<n { s += abs(mat[i * n + j]) }
            norm = max(norm, s)
        }
        var squarings = 0
        // A non-finite or huge matrix (a time step no valid state produces) saturates rather
        // than trapping; its result is then non-finite, and the run stops on it.
        if norm > 0.5 { squarings = min(1024, Int(saturating: ceil(log2(norm / 0.5)))) }
        let scale = pow(2.0, -Double(squarings))
        let s = mat.map { $0 * scale }
        // Taylor: Σ_{k=0}^{18} S^k / k!, Horner form I + S(I + S/2(I + S/3(…))).
        var result = identity(n)
        for k in stride(from: 18, through: 1, by: -1) {
            var t = multiply(s, result, n: n)
            let inv = 1.0 / Double(k)
            for i in 0..<(n * n) { t[i] *= inv }
            for i in 0..<n { t[i * n + i] += 1 }
            result = t
        }
        for _ in 0..<squarings { result = multiply(result, result, n: n) }
        return result
    }

    static func identity(_ n: Int) -> [Double] {
        var r = [Double](repeating: 0, count: n * n)
        for i in 0..<n { r[i * n + i] = 1 }
        return r
    }

    static func multiply(_ x: [Double], _ y: [Double], n: Int) -> [Double] {
        var r = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for k in 0..<n {
                let xik = x[i * n + k]
                if xik == 0 { continue }
                for j in 0..<n { r[i * n + j] += xik * y[k * n + j] }
            }
        }
        return r
    }
}
