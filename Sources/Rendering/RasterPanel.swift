// RasterPanel: spikes of the sampled neurons, one row per neuron, rows grouped into
// population blocks labelled in the population's colour, time on x relative to the end
// of the window ("0" = now). Spikes are short vertical bars, one fill per population.

import CCairo
import NeuroplastCore

extension CairoCanvas {
    func drawRaster(in r: Rect, snapshot s: FrameSnapshot, palette: Palette, type t: Typography) {
        let raster = s.raster
        let rows = raster.rowPopulation.count
        let end = Double(raster.window.upperBound)
        let spanMs = Double(raster.window.upperBound - raster.window.lowerBound)
        let unit = TimeUnit.forSpan(spanMs)
        let xTicks = NiceTicks(lo: -spanMs / unit.ms, hi: 0, target: 6)
        // Population blocks: maximal runs of equal rowPopulation.
        var blocks: [(pop: Int, first: Int, count: Int)] = []
        for (row, p) in raster.rowPopulation.enumerated() {
            if let last = blocks.last, last.pop == Int(p), last.first + last.count == row {
                blocks[blocks.count - 1].count += 1
            } else {
                blocks.append((Int(p), row, 1))
            }
        }
        func name(_ p: Int) -> String { p < s.populations.count ? s.populations[p].name : "pop \(p)" }
        let labelW = blocks.map { textWidth(name($0.pop), size: t.tick, style: .bold) }.max() ?? 0
        let title = "Spike raster · \(rows) sampled neurons"
        let axes = drawAxes(in: r, spec: AxesSpec(title: title, xTicks: xTicks,
                                                  xLabel: "time relative to now (\(unit.label))",
                                                  yTicks: nil, yLabelWidth: labelW + 6 * t.unit),
                            palette: palette, type: t)
        let plot = axes.plot
        guard rows > 0 else { return }
        let rowH = plot.h / Double(rows)
        // Separators, a colour strip beside each block, and block labels pushed apart
        // (top-down, then bottom-up) so thin blocks never get overlapping labels.
        let strip = 6 * t.unit
        var labelY: [Double] = []
        for (k, b) in blocks.enumerated() {
            let y0 = plot.y + Double(b.first) * rowH, h = Double(b.count) * rowH
            if k > 0 { line(plot.x, y0, plot.maxX, y0, palette.frame, width: t.gridLine) }
            fillRect(Rect(x: plot.x - strip - 2 * t.unit, y: y0, w: strip, h: h), palette.population(b.pop))
            labelY.append(y0 + h / 2)
        }
        let spacing = t.tick * 1.1
        for k in labelY.indices.dropFirst() { labelY[k] = max(labelY[k], labelY[k - 1] + spacing) }
        if let last = labelY.last, last > plot.maxY - spacing / 2 {
            labelY[labelY.count - 1] = plot.maxY - spacing / 2
            for k in labelY.indices.dropLast().reversed() { labelY[k] = min(labelY[k], labelY[k + 1] - spacing) }
        }
        for (k, b) in blocks.enumerated() {
            text(name(b.pop), x: plot.x - strip - t.tickLength - 4 * t.unit, y: labelY[k], size: t.tick,
                 colour: palette.population(b.pop), style: .bold, h: .right, v: .middle)
        }
        // Spikes, one path per population.
        let m = min(raster.spikeTimes.count, raster.spikeRows.count)
        let markW = max(1.0, 2.4 * t.unit), markH = min(max(rowH * 0.85, 4 * t.unit, 1), 14 * t.unit)
        let pops = Set(raster.rowPopulation).sorted()
        clip(plot)
        for p in pops {
            var any = false
            for k in 0..<m {
                let row = Int(raster.spikeRows[k])
                guard row >= 0, row < rows, raster.rowPopulation[row] == p else { continue }
                let x = axes.px((Double(raster.spikeTimes[k]) - end) / unit.ms)
                let yc = plot.y + (Double(row) + 0.5) * rowH
                cairo_rectangle(cr, x - markW / 2, yc - markH / 2, markW, markH)
                any = true
            }
            if any { setColour(palette.population(Int(p))); cairo_fill(cr) }
        }
        unclip()
    }
}
