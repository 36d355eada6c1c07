// LinePlot: one panel of a sweep figure — a metric against a numeric axis, one line per
// group with a marker at each mean and a vertical error bar of ± one standard deviation
// (over seeds), a legend row, nice ticks (Rendering's `NiceTicks`) and axis titles.

import Rendering

struct PlotPoint: Equatable {
    var x: Double
    var mean: Double
    /// Sample standard deviation; nil for a single value.
    var sd: Double?
    var n: Int
}

struct PlotSeries {
    var label: String
    var colour: Colour
    var points: [PlotPoint]
}

struct PlotPanel {
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [PlotSeries]
}

enum LinePlot {
    static let ink = Colour(hex: 0x1B1D21), muted = Colour(hex: 0x5A6270), grid = Colour(hex: 0xE3E6EA)
    /// Okabe–Ito colours, distinguishable with colour-vision deficiencies.
    static let palette: [Colour] = [0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0xF0E442, 0x000000].map { Colour(hex: $0) }

    static func draw(_ panel: PlotPanel, x: Double, y: Double, w: Double, h: Double, on c: inout PixelCanvas) {
        let tick = 20.0, titleSize = 24.0
        c.text(panel.title, x: x, y: y + titleSize, size: titleSize, ink)
        // Legend row.
        var lx = x, ly = y + titleSize + 14 + tick
        for s in panel.series where !s.label.isEmpty {
            let itemW = 34 + c.textWidth(s.label, size: tick) + 22
            if lx + itemW > x + w && lx > x { lx = x; ly += tick * 1.4 }
            c.line(lx, ly - tick * 0.35, lx + 26, ly - tick * 0.35, s.colour, width: 3)
            c.disc(lx + 13, ly - tick * 0.35, radius: 4.5, s.colour)
            c.text(s.label, x: lx + 34, y: ly, size: tick, ink)
            lx += itemW
        }
        let top = ly + tick
        // Ranges.
        let pts = panel.series.flatMap(\.points)
        let xs = pts.map(\.x)
        var lo = pts.map { $0.mean - ($0.sd ?? 0) }.min() ?? 0, hi = pts.map { $0.mean + ($0.sd ?? 0) }.max() ?? 1
        let means = pts.map(\.mean)
        if means.allSatisfy({ $0 >= 0 }) { lo = max(0, lo) }  // non-negative metrics: error bars are clipped at 0
        if lo >= 0 && lo < 0.5 * hi { lo = 0 }
        if !lo.isFinite || !hi.isFinite { lo = 0; hi = 1 }
        let xt = NiceTicks(lo: xs.min() ?? 0, hi: xs.max() ?? 1, target: 6)
        let yt = NiceTicks(lo: lo, hi: hi, target: 5)
        let yLabelW = yt.values.map { c.textWidth(yt.label($0), size: tick) }.max() ?? 0
        let plot = (x: x + tick * 1.6 + yLabelW + 12, y: top, w: 0.0, h: 0.0)
        let pw = x + w - plot.x - c.textWidth(xt.label(xt.upper), size: tick) / 2
        let ph = y + h - top - tick * 3.2
        func px(_ v: Double) -> Double { plot.x + (xt.upper > xt.lower ? (v - xt.lower) / (xt.upper - xt.lower) : 0.5) * pw }
        func py(_ v: Double) -> Double {
            let c = min(yt.upper, max(yt.lower, v))
            return plot.y + ph - (yt.upper > yt.lower ? (c - yt.lower) / (yt.upper - yt.lower) : 0.5) * ph
        }
        // Grid, ticks, labels.
        for v in yt.values {
            c.line(plot.x, py(v), plot.x + pw, py(v), grid, width: 1)
            c.text(yt.label(v), x: plot.x - 10, y: py(v) + tick * 0.36, size: tick, muted, anchor: .right)
        }
        for v in xt.values {
            c.line(px(v), plot.y, px(v), plot.y + ph, grid, width: 1)
            c.line(px(v), plot.y + ph, px(v), plot.y + ph + 7, muted, width: 1.5)
            c.text(xt.label(v), x: px(v), y: plot.y + ph + 10 + tick * 0.75, size: tick, muted, anchor: .centre)
        }
        c.line(plot.x, plot.y + ph, plot.x + pw, plot.y + ph, muted, width: 1.5)
        c.line(plot.x, plot.y, plot.x, plot.y + ph, muted, width: 1.5)
        c.text(panel.xLabel, x: plot.x + pw / 2, y: y + h - 4, size: tick, muted, anchor: .centre)
        c.text(panel.yLabel, x: x + tick * 0.9, y: plot.y + ph / 2, size: tick, muted, anchor: .centre, rotated: true)
        // Data: error bars, lines, markers.
        for s in panel.series {
            let sorted = s.points.sorted { $0.x < $1.x }
            for p in sorted {
                guard let sd = p.sd, sd > 0 else { continue }
                let x0 = px(p.x)
                c.line(x0, py(p.mean - sd), x0, py(p.mean + sd), s.colour, width: 2)
                c.line(x0 - 6, py(p.mean - sd), x0 + 6, py(p.mean - sd), s.colour, width: 2)
                c.line(x0 - 6, py(p.mean + sd), x0 + 6, py(p.mean + sd), s.colour, width: 2)
            }
            for (a, b) in zip(sorted, sorted.dropFirst()) {
                c.line(px(a.x), py(a.mean), px(b.x), py(b.mean), s.colour, width: 3)
            }
            for p in sorted { c.disc(px(p.x), py(p.mean), radius: 5, s.colour) }
        }
    }
}
