// Layout: where each panel of a frame goes. All sizes scale with the frame height
// (`unit` = height/1080), so 1920×1080 and 1280×720 look the same; the sheet keeps its
// aspect ratio inside the left column, and raster and time series share the right one.
// A field overlay splits the colour-bar block in two (neurons left, field right); microglia
// or dead neurons add a legend row under the sheet legend (the sheet shrinks to make room).

/// An axis-aligned rectangle in pixels.
struct Rect: Equatable {
    var x: Double, y: Double, w: Double, h: Double
    var maxX: Double { x + w }
    var maxY: Double { y + h }
    var midX: Double { x + w / 2 }
    var midY: Double { y + h / 2 }
    func inset(_ d: Double) -> Rect { Rect(x: x + d, y: y + d, w: w - 2 * d, h: h - 2 * d) }
    func inset(left: Double = 0, top: Double = 0, right: Double = 0, bottom: Double = 0) -> Rect {
        Rect(x: x + left, y: y + top, w: w - left - right, h: h - top - bottom)
    }
}

/// Type sizes and line widths for a frame, scaled by its height.
struct Typography {
    let unit: Double
    init(height: Int, width: Int) {
        // Height-driven, but a very narrow frame shrinks text so labels still fit.
        unit = min(Double(height) / 1080, Double(width) / 1500)
    }
    var title: Double { 46 * unit }
    var subtitle: Double { 28 * unit }
    var clock: Double { 46 * unit }
    var panelTitle: Double { 28 * unit }
    var tick: Double { 23 * unit }
    var legend: Double { 23 * unit }
    var margin: Double { 36 * unit }
    var gap: Double { 30 * unit }
    var axisLine: Double { max(1, 2 * unit) }
    var gridLine: Double { max(0.75, 1.2 * unit) }
    var seriesLine: Double { max(1.2, 3.2 * unit) }
    var tickLength: Double { 9 * unit }
}

/// Panel rectangles of a frame.
struct FrameLayout {
    var title: Rect
    /// Box the sheet is drawn in (aspect of the sheet).
    var sheet: Rect
    /// Row under the sheet: population markers and the scale bar.
    var sheetLegend: Rect
    var colourBar: Rect
    /// Right half of the colour-bar block when the frame has a field overlay (the neuron
    /// bar then takes the left half).
    var overlayBar: Rect?
    /// Row under the sheet legend for microglia and dead neurons, when the frame has them.
    var inflammationLegend: Rect?
    var raster: Rect
    var series: Rect

    /// Without `overlayBar` and `inflammationRow` the layout is exactly the original one.
    init(width: Int, height: Int, sheetAspect: Double, type t: Typography,
         overlayBar hasOverlayBar: Bool = false, inflammationRow: Bool = false) {
        let W = Double(width), H = Double(height), m = t.margin
        title = Rect(x: m, y: m * 0.8, w: W - 2 * m, h: 104 * t.unit)
        let top = title.maxY + t.gap * 0.6
        let leftW = (W - 2 * m) * 0.43
        let colourBarBlock = 112 * t.unit
        let legendRow = 46 * t.unit
        let extraRow = inflammationRow ? legendRow : 0
        let sheetSpace = Rect(x: m, y: top, w: leftW, h: H - m - top - colourBarBlock - legendRow - extraRow)
        let aspect = sheetAspect.isFinite && sheetAspect > 0 ? sheetAspect : 1
        var sw = sheetSpace.w, sh = sw / aspect
        if sh > sheetSpace.h { sh = sheetSpace.h; sw = sh * aspect }
        sheet = Rect(x: sheetSpace.x + (sheetSpace.w - sw) / 2, y: sheetSpace.y, w: sw, h: sh)
        let blockW = max(sw, leftW * 0.8)
        let blockX = sheetSpace.x + (sheetSpace.w - blockW) / 2
        sheetLegend = Rect(x: blockX, y: sheet.maxY + 6 * t.unit, w: blockW, h: legendRow)
        var barTop = sheetLegend.maxY
        if inflammationRow {
            inflammationLegend = Rect(x: blockX, y: barTop, w: blockW, h: legendRow)
            barTop += legendRow
        }
        colourBar = Rect(x: blockX, y: barTop, w: blockW, h: colourBarBlock)
        if hasOverlayBar {
            // The gap leaves room for the end tick labels of both bars, which overhang.
            let gap = 2.6 * t.gap
            let half = (blockW - gap) / 2
            colourBar.w = half
            overlayBar = Rect(x: blockX + half + gap, y: barTop, w: half, h: colourBarBlock)
        }
        let rightX = m + leftW + t.gap * 1.6
        let right = Rect(x: rightX, y: top, w: W - m - rightX, h: H - m - top)
        let rasterH = (right.h - t.gap) * 0.5
        raster = Rect(x: right.x, y: right.y, w: right.w, h: rasterH)
        series = Rect(x: right.x, y: raster.maxY + t.gap, w: right.w, h: right.h - rasterH - t.gap)
    }
}
