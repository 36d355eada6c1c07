// Axis: "nice" tick positions (1, 2, 2.5, 5 × 10ⁿ; Heckbert, Graphics Gems 1990) and tick
// labels formatted with just enough decimals, without Foundation or locale, plus the
// choice of a readable time unit (ms, s, min, h) for a time axis.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tick positions for an axis.
public struct NiceTicks: Sendable, Equatable {
    /// Axis range, widened outward to whole steps.
    public var lower: Double
    public var upper: Double
    public var step: Double
    /// Tick values from `lower` to `upper` inclusive.
    public var values: [Double]
    /// Decimals that show `step` exactly.
    public var decimals: Int

    /// Ticks covering `lo…hi` with about `target` intervals. A zero or non-finite span is
    /// widened to a unit-sized one around the value; values beyond ±10³⁰⁰ are clamped there
    /// (a span of ±1.7·10³⁰⁸ is infinite, and its ticks were counted in steps of 1).
    public init(lo: Double, hi: Double, target: Int = 5, expand: Bool = true) {
        let limit = 1e300
        var lo = lo.isFinite ? min(max(lo, -limit), limit) : 0, hi = hi.isFinite ? min(max(hi, -limit), limit) : 1
        if hi < lo { swap(&lo, &hi) }
        if hi - lo < 1e-12 * max(1, abs(lo)) {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad; hi += pad
        }
        let step = NiceTicks.niceStep((hi - lo) / Double(max(1, target)))
        let first = expand ? (lo / step).rounded(.down) : (lo / step - 1e-9).rounded(.up)
        let last = expand ? (hi / step).rounded(.up) : (hi / step + 1e-9).rounded(.down)
        self.step = step
        lower = expand ? first * step : lo
        upper = expand ? last * step : hi
        // At most a few ticks more than `target`; a step lost to rounding gives the ends only.
        values = first <= last ? (last - first <= Double(4 * max(1, target) + 4)
            ? stride(from: first, through: last, by: 1).map { $0 * step } : [first * step, last * step]) : []
        decimals = max(0, Int((-log10(step) - 1e-9).rounded(.up)))
        if step * powerOfTen(decimals) != (step * powerOfTen(decimals)).rounded() { decimals += 1 }
    }

    /// The nice number (1, 2, 2.5, 5 × 10ⁿ) nearest to `raw` (on a roughly logarithmic scale).
    public static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let exponent = (log10(raw)).rounded(.down)
        let base = powerOfTen(Int(exponent))
        let f = raw / base
        let nice: Double = f < 1.5 ? 1 : f < 2.25 ? 2 : f < 3.5 ? 2.5 : f < 7.5 ? 5 : 10
        return nice * base
    }

    /// Label of a tick value with this axis' decimals (typographic minus).
    public func label(_ value: Double) -> String { formatFixed(value, decimals: decimals) }
}

/// `value` with exactly `decimals` digits after the point, "−" for negatives, no "−0".
public func formatFixed(_ value: Double, decimals: Int) -> String {
    let scale = powerOfTen(decimals)
    var scaled = (abs(value) * scale).rounded()
    if !scaled.isFinite { return value.isNaN ? "NaN" : (value < 0 ? "\u{2212}∞" : "∞") }
    let negative = value < 0 && scaled > 0
    if scaled > 9.0e15 { scaled = 9.0e15 }
    let n = UInt64(scaled)
    let whole = n / UInt64(scale)
    var text = String(whole)
    if decimals > 0 {
        let frac = String(n % UInt64(scale))
        text += "." + String(repeating: "0", count: decimals - frac.count) + frac
    }
    return negative ? "\u{2212}" + text : text
}

func powerOfTen(_ n: Int) -> Double {
    var r = 1.0
    if n >= 0 { for _ in 0..<n { r *= 10 } } else { for _ in 0..<(-n) { r /= 10 } }
    return r
}

/// A time unit for axes, chosen so that tick labels stay short.
struct TimeUnit: Equatable {
    var label: String
    /// Milliseconds per unit.
    var ms: Double

    /// ms below 2 s, s below 2 min, min below 2 h, h below 4 days, days beyond.
    static func forSpan(_ spanMs: Double) -> TimeUnit {
        let span = abs(spanMs)
        if span < 2_000 { return TimeUnit(label: "ms", ms: 1) }
        if span < 120_000 { return TimeUnit(label: "s", ms: 1_000) }
        if span < 7_200_000 { return TimeUnit(label: "min", ms: 60_000) }
        if span < 345_600_000 { return TimeUnit(label: "h", ms: 3_600_000) }
        return TimeUnit(label: "d", ms: 86_400_000)
    }
}
