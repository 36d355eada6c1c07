// LinePlotRenderer: the public line-plot API — a figure of one or more panels under a
// heading, each panel a set of named lines (y against x, with optional ± error bars and a
// marker per point), a legend, nice ticks and axis titles with units. Built on the same
// axes, theme and Cairo canvas as frames and summaries; a pure function of its inputs, so
// equal figures give equal bytes. Used by the sweep figures (Experiments).

import CCairo
import NeuroplastCore
import PNGCodec

/// One point of a line: `y` at `x`, with an optional symmetric error bar `y ± error`.
public struct LinePoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    /// Half-length of the error bar (e.g. one standard deviation); nil or ≤ 0 draws none.
    public var error: Double?

    public init(x: Double, y: Double, error: Double? = nil) {
        self.x = x; self.y = y; self.error = error
    }
}

/// Colour of a line: an index into the theme's categorical colours (Okabe–Ito, cycling),
/// or an explicit colour.
public enum LineColour: Sendable, Equatable {
    case index(Int)
    case custom(Colour)
}

/// One line of a panel. Points are drawn in increasing x; non-finite points break the line.
public struct PlotLine: Sendable, Equatable {
    /// Legend label; an empty name leaves the line out of the legend.
    public var name: String
    public var colour: LineColour
    public var points: [LinePoint]

    public init(name: String, colour: LineColour, points: [LinePoint]) {
        self.name = name; self.colour = colour; self.points = points
    }

    public init(name: String, colourIndex: Int, points: [LinePoint]) {
        self.init(name: name, colour: .index(colourIndex), points: points)
    }
}

/// One panel: title, axis titles with units (shown as "label (unit)"; empty unit = none),
/// and its lines.
public struct LinePanel: Sendable, Equatable {
    public var title: String
    public var xLabel: String
    public var xUnit: String
    public var yLabel: String
    public var yUnit: String
    public var lines: [PlotLine]

    public init(title: String, xLabel: String, xUnit: String = "", yLabel: String, yUnit: String = "",
                lines: [PlotLine]) {
        self.title = title; self.xLabel = xLabel; self.xUnit = xUnit
        self.yLabel = yLabel; self.yUnit = yUnit; self.lines = lines
    }
}

/// Renders line-plot figures: a heading (title, optional subtitle) over a grid of panels.
/// The image size follows from the panel count: `min(panels, maxColumns)` columns of
/// `panelWidth × panelHeight` panels. A value type holding only options.
public struct LinePlotRenderer: Sendable {
    public var panelWidth: Int
    public var panelHeight: Int
    public var maxColumns: Int
    public var theme: Theme

    public init(panelWidth: Int = 760, panelHeight: Int = 560, maxColumns: Int = 3, theme: Theme = .light) {
        precondition(panelWidth >= 120 && panelHeight >= 90, "line plot panels too small")
        precondition(maxColumns >= 1, "maxColumns must be at least 1")
        self.panelWidth = panelWidth; self.panelHeight = panelHeight
        self.maxColumns = maxColumns; self.theme = theme
    }

    /// Type scale: sizes relative to a 1080-px-high frame, so a 560-px panel gets ~20-px ticks.
    private var type: Typography { Typography(height: panelHeight * 1080 / 640, width: Int.max / 2) }

    /// Pixel size of a figure with `panelCount` panels (at least one panel's room).
    public func size(panelCount: Int) -> (width: Int, height: Int) {
        let t = type
        let cols = min(maxColumns, max(1, panelCount)), rows = (max(1, panelCount) + cols - 1) / cols
        let m = t.margin, gap = t.gap * 1.5
        let w = 2 * m + Double(cols * panelWidth) + gap * Double(cols - 1)
        let h = headingHeight(t) + t.gap + Double(rows * panelHeight) + gap * Double(rows - 1) + m
        return (Int(w.rounded(.up)), Int(h.rounded(.up)))
    }

    /// Bottom of the heading (title and subtitle above a rule).
    private func headingHeight(_ t: Typography) -> Double { t.margin * 0.8 + 104 * t.unit }

    /// Draws the figure and returns its RGB pixels.
    public func render(title: String, subtitle: String = "", panels: [LinePanel]) -> PNGImage {
        let (width, height) = size(panelCount: panels.count)
        let canvas = CairoCanvas(width: width, height: height)
        let palette = theme.palette, t = type
        canvas.clear(palette.background)
        let m = t.margin, gap = t.gap * 1.5
        let heading = Rect(x: m, y: m * 0.8, w: Double(width) - 2 * m, h: 104 * t.unit)
        canvas.drawTitle(in: heading, scenario: title, phase: subtitle, clock: "", clockCaption: "",
                         palette: palette, type: t)
        let cols = min(maxColumns, max(1, panels.count))
        let top = heading.maxY + t.gap
        for (i, p) in panels.enumerated() {
            let r = Rect(x: m + Double(i % cols) * (Double(panelWidth) + gap),
                         y: top + Double(i / cols) * (Double(panelHeight) + gap),
                         w: Double(panelWidth), h: Double(panelHeight))
            canvas.drawLinePanel(p, in: r, palette: palette, type: t)
        }
        if panels.isEmpty {
            canvas.text("No data", x: Double(width) / 2, y: top + Double(panelHeight) / 2, size: t.panelTitle,
                        colour: palette.muted, h: .centre, v: .middle)
        }
        return PNGImage(width: width, height: height, channels: 3, pixels: canvas.pixels(channels: 3))
    }

    /// Renders and writes the figure atomically to `path` as PNG, with Title and Software
    /// text chunks plus `text`.
    public func writePNG(to path: String, title: String, subtitle: String = "", panels: [LinePanel],
                         text: [(key: String, value: String)] = []) throws(PNGError) {
        let chunks = [("Title", title)] + text + [("Software", "Neuroplast \(NeuroplastVersion.string)")]
        try render(title: title, subtitle: subtitle, panels: panels)
            .write(to: path, text: chunks, level: 6, filter: .adaptive)
    }
}

/// "label (unit)", or just the label when the unit is empty.
func withUnit(_ label: String, _ unit: String) -> String { unit.isEmpty ? label : "\(label) (\(unit))" }

extension CairoCanvas {
    /// Draws one line panel in `r`: axes from `drawAxes`, a rotated y-axis title on the left,
    /// then per line its error bars, the line and a marker per point (clipped to the plot).
    func drawLinePanel(_ p: LinePanel, in r: Rect, palette: Palette, type t: Typography) {
        func colour(_ c: LineColour) -> Colour {
            switch c { case .index(let i): palette.population(i); case .custom(let c): c }
        }
        let pts = p.lines.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let bar = { (q: LinePoint) -> Double in q.error.map { $0.isFinite && $0 > 0 ? $0 : 0 } ?? 0 }
        var lo = pts.map { $0.y - bar($0) }.min() ?? 0, hi = pts.map { $0.y + bar($0) }.max() ?? 1
        if pts.allSatisfy({ $0.y >= 0 }) { lo = max(0, lo) }  // non-negative data: bars are cut at 0
        if lo >= 0 && lo < 0.5 * hi { lo = 0 }
        let xTicks = NiceTicks(lo: pts.map(\.x).min() ?? 0, hi: pts.map(\.x).max() ?? 1, target: 6)
        let yTicks = NiceTicks(lo: lo, hi: hi, target: max(2, min(6, Int(r.h / (t.tick * 4)))))
        // Room for the rotated y title left of the tick labels (drawAxes right-aligns those).
        let tickLabelW = yTicks.values.map { textWidth(yTicks.label($0), size: t.tick) }.max() ?? 0
        let legend = p.lines.filter { !$0.name.isEmpty }.map { LegendEntry(label: $0.name, colour: colour($0.colour)) }
        let axes = drawAxes(in: r, spec: AxesSpec(title: p.title, legend: legend, xTicks: xTicks,
                                                  xLabel: withUnit(p.xLabel, p.xUnit), yTicks: yTicks,
                                                  yLabelWidth: tickLabelW + t.tick * 1.6),
                            palette: palette, type: t)
        let yTitle = withUnit(p.yLabel, p.yUnit)
        let ySize = fittingSize(yTitle, size: t.tick, maxWidth: axes.plot.h)
        rotatedText(yTitle, x: r.x + ySize * 0.1, y: axes.plot.midY, size: ySize, colour: palette.muted)
        let cap = 7 * t.unit, marker = max(2, 5 * t.unit), barWidth = max(1, 2.2 * t.unit)
        clip(axes.plot.inset(-marker - 1))
        for l in p.lines {
            let c = colour(l.colour)
            let sorted = l.points.sorted { $0.x < $1.x }
            for q in sorted where bar(q) > 0 && q.x.isFinite && q.y.isFinite {
                let x = axes.px(q.x), y0 = axes.py(q.y - bar(q)), y1 = axes.py(q.y + bar(q))
                line(x, y0, x, y1, c, width: barWidth)
                line(x - cap, y0, x + cap, y0, c, width: barWidth)
                line(x - cap, y1, x + cap, y1, c, width: barWidth)
            }
            polyline(xs: sorted.map { axes.px($0.x) }, ys: sorted.map { axes.py($0.y) }, c, width: t.seriesLine)
            for q in sorted where q.x.isFinite && q.y.isFinite { disc(axes.px(q.x), axes.py(q.y), radius: marker, c) }
        }
        unclip()
    }

    /// A filled disc.
    func disc(_ x: Double, _ y: Double, radius: Double, _ c: Colour) {
        setColour(c)
        cairo_new_path(cr)
        cairo_arc(cr, x, y, radius, 0, 2 * Double.pi)
        cairo_fill(cr)
    }

    /// Text reading bottom-to-top, its top (cap line) at `x` and centred on `y`.
    func rotatedText(_ s: String, x: Double, y: Double, size: Double, colour: Colour) {
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_rotate(cr, -Double.pi / 2)
        text(s, x: 0, y: 0, size: size, colour: colour, h: .centre, v: .top)
        cairo_restore(cr)
    }
}
