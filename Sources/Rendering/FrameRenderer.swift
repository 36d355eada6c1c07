// FrameRenderer: one movie frame from a FrameSnapshot — title and clock, the cortical
// sheet with its colour bar (with inflammation also a field overlay and its bar, microglia
// and dead neurons with a legend row), the spike raster and the metric time series — as
// RGB(A) pixels or straight to a PNG with metadata. Pure function of (snapshot, options): no
// clock, no randomness, no dictionary iteration, so equal inputs give equal bytes.

import NeuroplastCore
import PNGCodec

/// How a frame looks.
public struct FrameOptions: Sendable, Equatable {
    /// Pixel size; the layout scales with the height (1920×1080 and 1280×720 are the targets).
    public var width: Int
    public var height: Int
    public var theme: Theme
    /// `PerNeuronQuantity.key` to colour the sheet by; the first quantity if absent.
    public var colourBy: String
    /// Whether to draw the snapshot's synapse sample on the sheet.
    public var drawSynapses: Bool
    public var colourMap: ColourMapChoice
    /// Metric names to plot, stacked top to bottom; empty = the first name in the snapshot.
    public var seriesNames: [String]
    /// 3 = RGB (opaque, smaller, faster), 4 = RGBA.
    public var channels: Int

    public init(width: Int = 1920, height: Int = 1080, theme: Theme = .dark, colourBy: String = "rate",
                drawSynapses: Bool = true, colourMap: ColourMapChoice = .automatic,
                seriesNames: [String] = [], channels: Int = 3) {
        self.width = width; self.height = height; self.theme = theme; self.colourBy = colourBy
        self.drawSynapses = drawSynapses; self.colourMap = colourMap
        self.seriesNames = seriesNames; self.channels = channels
    }
}

/// Renders frames. A value type holding only options: share it freely between tasks;
/// each call draws on its own Cairo surface.
public struct FrameRenderer: Sendable {
    public var options: FrameOptions

    public init(options: FrameOptions = FrameOptions()) {
        precondition(options.channels == 3 || options.channels == 4, "FrameOptions.channels must be 3 or 4")
        precondition(options.width >= 64 && options.height >= 36, "frame too small")
        self.options = options
    }

    /// Draws `snapshot` and returns its pixels (`options.channels` per pixel, straight alpha).
    public func render(_ snapshot: FrameSnapshot) -> PNGImage {
        let canvas = draw(snapshot)
        return PNGImage(width: options.width, height: options.height, channels: options.channels,
                        pixels: canvas.pixels(channels: options.channels))
    }

    /// Draws `snapshot` and writes it atomically to `path` as PNG with `metadata(for:seed:)`
    /// as text chunks.
    public func writePNG(_ snapshot: FrameSnapshot, to path: String, seed: UInt64? = nil,
                         level: Int = 2) throws(PNGError) {
        try render(snapshot).write(to: path, text: FrameRenderer.metadata(for: snapshot, seed: seed), level: level)
    }

    /// PNG text chunks for a frame: Title, Simulated time, Phase, Seed (if given), Software.
    public static func metadata(for snapshot: FrameSnapshot, seed: UInt64?) -> [(key: String, value: String)] {
        var text: [(key: String, value: String)] = [
            ("Title", snapshot.scenarioName),
            ("Simulated time", "\(ClockFormat.duration(milliseconds: snapshot.time)) (\(formatFixed(snapshot.time, decimals: 3)) ms)"),
            ("Phase", snapshot.phase),
        ]
        if let seed { text.append(("Seed", String(seed))) }
        text.append(("Software", "Neuroplast \(NeuroplastVersion.string)"))
        return text
    }

    /// The quantity the sheet is coloured by.
    func quantity(of s: FrameSnapshot) -> PerNeuronQuantity? {
        s.quantities.first { $0.key == options.colourBy } ?? s.quantities.first
    }

    func draw(_ s: FrameSnapshot) -> CairoCanvas {
        let canvas = CairoCanvas(width: options.width, height: options.height)
        let palette = options.theme.palette
        let type = Typography(height: options.height, width: options.width)
        // The legend row shows whenever the snapshot carries microglia or a dead array (even
        // all alive), so a movie's layout does not jump when the first neuron dies.
        let inflammationRow = !s.sprites.isEmpty || !s.dead.isEmpty
        let layout = FrameLayout(width: options.width, height: options.height,
                                 sheetAspect: s.sheetWidth / max(s.sheetHeight, 1e-9), type: type,
                                 overlayBar: s.overlay != nil, inflammationRow: inflammationRow)
        canvas.clear(palette.background)
        canvas.drawTitle(in: layout.title, scenario: s.scenarioName, phase: s.phase,
                         clock: ClockFormat.clock(milliseconds: s.time), palette: palette, type: type)

        let q = quantity(of: s)
        let map = ColourMap.resolve(options.colourMap, diverging: q?.diverging ?? false)
        let range = q.map { colourRange(of: $0, diverging: map.name == "coolwarm") } ?? 0...1
        let overlayRange = s.overlay.map { colourRange(of: $0) } ?? 0...1
        canvas.drawSheet(in: layout.sheet, snapshot: s, quantity: q, map: map, range: range,
                         synapses: options.drawSynapses, palette: palette, type: type,
                         overlayRange: overlayRange)
        canvas.drawSheetLegend(in: layout.sheetLegend, snapshot: s,
                               micronsPerPixel: s.sheetWidth / max(layout.sheet.w, 1e-9),
                               palette: palette, type: type)
        if let q {
            let label = q.unit.isEmpty ? "Colour: \(q.label)" : "Colour: \(q.label) (\(q.unit))"
            canvas.drawColourBar(in: layout.colourBar, label: label, map: map, range: range,
                                 palette: palette, type: type)
        }
        if let o = s.overlay, let bar = layout.overlayBar {
            canvas.drawColourBar(in: bar, label: o.barLabel, entries: palette.overlayRamp.composited(over: palette.sheet),
                                 range: overlayRange, palette: palette, type: type)
        }
        if let row = layout.inflammationLegend {
            canvas.drawInflammationLegend(in: row, snapshot: s, palette: palette, type: type)
        }

        canvas.drawRaster(in: layout.raster, snapshot: s, palette: palette, type: type)

        let groups = groupSeries(s.series)
        let chosen = options.seriesNames.isEmpty
            ? Array(groups.prefix(1))
            : options.seriesNames.compactMap { n in groups.first { $0.name == n } }
        if !chosen.isEmpty {
            let gap = type.gap * 0.7
            let h = (layout.series.h - gap * Double(chosen.count - 1)) / Double(chosen.count)
            let end = max(s.time, s.series.compactMap { $0.times.last }.max() ?? 0, 1)
            for (k, g) in chosen.enumerated() {
                let r = Rect(x: layout.series.x, y: layout.series.y + Double(k) * (h + gap), w: layout.series.w, h: h)
                canvas.drawSeries(in: r, name: g.name, series: g.series, populations: s.populations,
                                  timeRange: 0...end, xAxisLabels: k == chosen.count - 1,
                                  palette: palette, type: type)
            }
        }
        return canvas
    }
}
