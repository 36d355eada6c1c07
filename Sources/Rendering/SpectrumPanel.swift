// SpectrumPanel: a power spectrum as a line of log₁₀ power against frequency over 1–150 Hz
// (the LFP's bands), the bands' edges as faint vertical lines. Used by the summary figure.

import Foundation
import NeuroplastCore

/// A one-sided power spectral density to draw: bin frequencies [Hz] and power per bin.
public struct PowerSpectrum: Sendable, Equatable {
    public var frequencies: [Double]
    public var power: [Double]
    /// Unit of `power`, e.g. "pA²/Hz".
    public var unit: String
    public init(frequencies: [Double], power: [Double], unit: String) {
        self.frequencies = frequencies; self.power = power; self.unit = unit
    }

    /// The frequencies drawn [Hz].
    public static let range = 1.0...150.0
    /// Band edges marked in the panel [Hz].
    public static let bandEdges = [4.0, 8, 13, 30, 80]
}

extension CairoCanvas {
    /// Draws `s` in `r`: x linear in frequency over `PowerSpectrum.range`, y = log₁₀ power
    /// (bins with power ≤ 0 are left out).
    func drawSpectrum(in r: Rect, _ s: PowerSpectrum, title: String, palette: Palette, type t: Typography) {
        let range = PowerSpectrum.range
        var points: [(f: Double, y: Double)] = []
        for (f, p) in zip(s.frequencies, s.power) where range.contains(f) && p > 0 && p.isFinite { points.append((f, log10(p))) }
        let lo = points.map(\.y).min() ?? 0, hi = points.map(\.y).max() ?? 1
        let xTicks = NiceTicks(lo: range.lowerBound, hi: range.upperBound, target: 6, expand: false)
        let yTicks = NiceTicks(lo: lo, hi: hi, target: max(2, min(5, Int(r.h / (t.tick * 3.2)))))
        let axes = drawAxes(in: r, spec: AxesSpec(title: "\(title) (log₁₀ \(s.unit))", xTicks: xTicks, xLabel: "frequency (Hz)",
                                                  yTicks: yTicks, yLabelWidth: textWidth("\u{2212}00.0", size: t.tick)),
                            palette: palette, type: t)
        for f in PowerSpectrum.bandEdges { line(axes.px(f), axes.plot.y, axes.px(f), axes.plot.maxY, palette.grid, width: t.gridLine * 2) }
        clip(axes.plot.inset(-t.seriesLine))
        polyline(xs: points.map { axes.px($0.f) }, ys: points.map { axes.py($0.y) }, palette.foreground, width: t.seriesLine)
        unclip()
    }
}
