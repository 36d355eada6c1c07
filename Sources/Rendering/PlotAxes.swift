// PlotAxes: the frame around a line/raster plot — panel title with an optional legend on
// the same row (or the next one if it does not fit), grid, ticks, tick labels and the
// x-axis title — and the data→pixel mapping of the plot area it leaves.

/// Pixel mapping of a drawn plot.
struct PlotAxes {
    var plot: Rect
    var x: ClosedRange<Double>
    var y: ClosedRange<Double>

    func px(_ v: Double) -> Double {
        let span = x.upperBound - x.lowerBound
        return plot.x + (span > 0 ? (v - x.lowerBound) / span : 0.5) * plot.w
    }

    func py(_ v: Double) -> Double {
        let span = y.upperBound - y.lowerBound
        return plot.maxY - (span > 0 ? (v - y.lowerBound) / span : 0.5) * plot.h
    }
}

/// One legend entry: a line swatch (or a filled marker) and a label.
struct LegendEntry {
    var label: String
    var colour: Colour
}

/// What to draw around a plot.
struct AxesSpec {
    var title: String
    var legend: [LegendEntry] = []
    var xTicks: NiceTicks
    var xLabel: String
    /// Numeric y ticks, or nil when the caller labels the y axis itself.
    var yTicks: NiceTicks?
    /// Width to reserve left of the plot when `yTicks` is nil, and the least width
    /// reserved for numeric y labels (so stacked panels line their y axes up).
    var yLabelWidth: Double = 0
    /// False for the upper panels of a stack sharing one time axis: no x tick labels or title.
    var xAxisLabels: Bool = true
}

extension CairoCanvas {
    /// Draws title, legend, grid, ticks and labels inside `panel`; returns the plot mapping.
    func drawAxes(in panel: Rect, spec: AxesSpec, palette: Palette, type t: Typography) -> PlotAxes {
        // Title row, with the legend right-aligned on it when there is room.
        let titleSize = fittingSize(spec.title, size: t.panelTitle, maxWidth: panel.w, style: .bold)
        let titleW = text(spec.title, x: panel.x, y: panel.y, size: titleSize, colour: palette.foreground,
                          style: .bold, h: .left, v: .top)
        let swatch = 30 * t.unit, pad = 10 * t.unit, itemGap = 26 * t.unit
        let itemWidths = spec.legend.map { swatch + pad + textWidth($0.label, size: t.legend) }
        let legendW = itemWidths.reduce(0, +) + itemGap * Double(max(0, spec.legend.count - 1))
        var top = panel.y + titleSize * 1.55
        var legendY = panel.y + titleSize * 0.73 / 2
        var legendSize = t.legend
        if !spec.legend.isEmpty {
            if legendW > panel.w - titleW - 2 * itemGap {
                legendY = top + t.legend * 0.4
                top += t.legend * 1.6
                if legendW > panel.w { legendSize = t.legend * panel.w / legendW }
            }
            let scale = legendSize / t.legend
            var lx = panel.maxX - legendW * scale
            for (i, entry) in spec.legend.enumerated() {
                line(lx, legendY, lx + swatch * scale, legendY, entry.colour, width: t.seriesLine * 1.4)
                text(entry.label, x: lx + (swatch + pad) * scale, y: legendY, size: legendSize,
                     colour: palette.foreground, h: .left, v: .middle)
                lx += (itemWidths[i] + itemGap) * scale
            }
        }
        // Space for y tick labels on the left, x tick labels and axis title below.
        let yTicks = spec.yTicks
        let yLabelW = yTicks.map { ticks in
            max(spec.yLabelWidth, ticks.values.map { textWidth(ticks.label($0), size: t.tick) }.max() ?? 0)
        } ?? spec.yLabelWidth
        let plot = panel.inset(left: yLabelW + t.tickLength + 8 * t.unit, top: top - panel.y + t.tick * 0.4,
                               right: textWidth(spec.xTicks.label(spec.xTicks.upper), size: t.tick) / 2,
                               bottom: spec.xAxisLabels ? t.tick * 2.9 + t.tickLength : t.tickLength + 4 * t.unit)
        let axes = PlotAxes(plot: plot, x: spec.xTicks.lower...spec.xTicks.upper,
                            y: (yTicks?.lower ?? 0)...(yTicks?.upper ?? 1))
        // Grid and ticks.
        if let yTicks {
            for v in yTicks.values {
                let y = axes.py(v)
                line(plot.x, y, plot.maxX, y, palette.grid, width: t.gridLine)
                line(plot.x - t.tickLength, y, plot.x, y, palette.frame, width: t.axisLine)
                text(yTicks.label(v), x: plot.x - t.tickLength - 6 * t.unit, y: y, size: t.tick,
                     colour: palette.muted, h: .right, v: .middle)
            }
        }
        for v in spec.xTicks.values {
            let x = axes.px(v)
            line(x, plot.y, x, plot.maxY, palette.grid, width: t.gridLine)
            line(x, plot.maxY, x, plot.maxY + t.tickLength, palette.frame, width: t.axisLine)
            guard spec.xAxisLabels else { continue }
            text(spec.xTicks.label(v), x: x, y: plot.maxY + t.tickLength + 6 * t.unit, size: t.tick,
                 colour: palette.muted, h: .centre, v: .top)
        }
        line(plot.x, plot.maxY, plot.maxX, plot.maxY, palette.frame, width: t.axisLine)
        line(plot.x, plot.y, plot.x, plot.maxY, palette.frame, width: t.axisLine)
        if spec.xAxisLabels {
            text(spec.xLabel, x: plot.midX, y: panel.maxY, size: t.tick, colour: palette.muted,
                 h: .centre, v: .bottom)
        }
        return axes
    }
}
