// SummaryRenderer: summary.png — every metric of the whole run, one panel per distinct
// series name (in first-appearance order), one line per population, under a title with
// the scenario name and run length. Panels fill a grid of one or two columns.

import NeuroplastCore
import PNGCodec

/// Renders the end-of-run summary figure.
public struct SummaryRenderer: Sendable {
    public var width: Int
    public var height: Int
    public var theme: Theme

    public init(width: Int = 1920, height: Int = 1080, theme: Theme = .light) {
        precondition(width >= 64 && height >= 36, "summary too small")
        self.width = width; self.height = height; self.theme = theme
    }

    /// Draws the summary of `series` and returns RGB pixels.
    /// - Parameters:
    ///   - duration: run length [ms]; the time axis spans start…duration (or the last sample).
    ///   - start: first time on the axis [ms] (negative for a protocol run before t = 0).
    ///   - heading: the line under the scenario name.
    ///   - spectrum: the LFP's mean power spectrum, drawn as one more panel (nil = none).
    public func render(scenarioName: String, duration: Double, populations: [PopulationInfo],
                       series: [MetricSeries], start: Double = 0, heading title: String = "Summary of the whole run",
                       spectrum: PowerSpectrum? = nil) -> PNGImage {
        let canvas = CairoCanvas(width: width, height: height)
        let palette = theme.palette
        let t = Typography(height: height, width: width)
        canvas.clear(palette.background)
        let m = t.margin
        let end = max(duration, series.compactMap { $0.times.last }.max() ?? 0, 1)
        let heading = Rect(x: m, y: m * 0.8, w: Double(width) - 2 * m, h: 104 * t.unit)
        canvas.drawTitle(in: heading, scenario: scenarioName, phase: title,
                         clock: ClockFormat.clock(milliseconds: end), clockCaption: "run length",
                         palette: palette, type: t)
        let groups = groupSeries(series)
        let body = Rect(x: m, y: heading.maxY + t.gap, w: Double(width) - 2 * m,
                        h: Double(height) - m - heading.maxY - t.gap)
        guard !groups.isEmpty || spectrum != nil else {
            canvas.text("No metric series recorded", x: body.midX, y: body.midY, size: t.panelTitle,
                        colour: palette.muted, h: .centre, v: .middle)
            return PNGImage(width: width, height: height, channels: 3, pixels: canvas.pixels(channels: 3))
        }
        let panels = groups.count + (spectrum == nil ? 0 : 1)
        let columns = panels <= 2 ? 1 : 2
        let rows = (panels + columns - 1) / columns
        let colGap = t.gap * 2, rowGap = t.gap * 1.2
        let cw = (body.w - colGap * Double(columns - 1)) / Double(columns)
        let rh = (body.h - rowGap * Double(rows - 1)) / Double(rows)
        for k in 0..<panels {
            let col = k / rows, row = k % rows  // fill down the first column, then the second
            let r = Rect(x: body.x + Double(col) * (cw + colGap), y: body.y + Double(row) * (rh + rowGap), w: cw, h: rh)
            if k < groups.count {
                canvas.drawSeries(in: r, name: groups[k].name, series: groups[k].series, populations: populations,
                                  timeRange: min(start, end - 1)...end, palette: palette, type: t)
            } else if let sp = spectrum {
                canvas.drawSpectrum(in: r, sp, title: "LFP power spectrum", palette: palette, type: t)
            }
        }
        return PNGImage(width: width, height: height, channels: 3, pixels: canvas.pixels(channels: 3))
    }

    /// Renders and writes `summary.png` atomically, with Title/Simulated time/Seed/Software text.
    public func writePNG(to path: String, scenarioName: String, duration: Double,
                         populations: [PopulationInfo], series: [MetricSeries], seed: UInt64? = nil,
                         start: Double = 0, heading: String = "Summary of the whole run",
                         spectrum: PowerSpectrum? = nil) throws(PNGError) {
        var text: [(key: String, value: String)] = [
            ("Title", "\(scenarioName) — summary"),
            ("Simulated time", "\(ClockFormat.duration(milliseconds: duration)) (\(formatFixed(duration, decimals: 3)) ms)"),
        ]
        if let seed { text.append(("Seed", String(seed))) }
        text.append(("Software", "Neuroplast \(NeuroplastVersion.string)"))
        try render(scenarioName: scenarioName, duration: duration, populations: populations, series: series,
                   start: start, heading: heading, spectrum: spectrum)
            .write(to: path, text: text, level: 6, filter: .adaptive)
    }
}
