// SeriesPanel: one metric (all `MetricSeries` sharing a name) against simulated time —
// one line per population in its colour, network-wide series in the text colour, nice
// ticks on both axes, the unit in the panel title and a legend. Used by frames (the run
// so far) and by the summary figure (the whole run).

import NeuroplastCore

extension CairoCanvas {
    /// Draws `series` (same name) in `r` over `timeRange` [ms].
    func drawSeries(in r: Rect, name: String, series: [MetricSeries], populations: [PopulationInfo],
                    timeRange: ClosedRange<Double>, xAxisLabels: Bool = true,
                    palette: Palette, type t: Typography) {
        let unit = TimeUnit.forSpan(timeRange.upperBound)
        let xTicks = NiceTicks(lo: timeRange.lowerBound / unit.ms, hi: timeRange.upperBound / unit.ms,
                               target: 6, expand: false)
        var lo = Double.infinity, hi = -Double.infinity
        for s in series { for v in s.values where v.isFinite { lo = min(lo, v); hi = max(hi, v) } }
        if !lo.isFinite { lo = 0; hi = 1 }
        if lo >= 0 && lo < 0.5 * hi { lo = 0 }  // non-negative quantities start at zero
        let yTicks = NiceTicks(lo: lo, hi: hi, target: max(2, min(5, Int(r.h / (t.tick * 3.2)))))
        let units = series.first.map { $0.unit } ?? ""
        let title = units.isEmpty ? name : "\(name) (\(units))"
        let legend = series.map { s in
            LegendEntry(label: s.population.map { populations.indices.contains($0) ? populations[$0].name : "pop \($0)" } ?? "network",
                        colour: palette.population(s.population))
        }
        let axes = drawAxes(in: r, spec: AxesSpec(title: title, legend: legend, xTicks: xTicks,
                                                  xLabel: "simulated time (\(unit.label))", yTicks: yTicks,
                                                  yLabelWidth: textWidth("\u{2212}00.0", size: t.tick),
                                                  xAxisLabels: xAxisLabels),
                            palette: palette, type: t)
        clip(axes.plot.inset(-t.seriesLine))
        for s in series {
            let n = min(s.times.count, s.values.count)
            let xs = (0..<n).map { axes.px(s.times[$0] / unit.ms) }
            let ys = (0..<n).map { axes.py(s.values[$0]) }
            polyline(xs: xs, ys: ys, palette.population(s.population), width: t.seriesLine)
        }
        unclip()
    }
}

/// Distinct series names in first-appearance order, and the series of each.
func groupSeries(_ all: [MetricSeries]) -> [(name: String, series: [MetricSeries])] {
    var groups: [(name: String, series: [MetricSeries])] = []
    for s in all {
        if let k = groups.firstIndex(where: { $0.name == s.name }) { groups[k].series.append(s) }
        else { groups.append((s.name, [s])) }
    }
    return groups
}
