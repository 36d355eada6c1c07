// SheetPanel: the cortical sheet seen from above — each neuron a marker at its position
// (shape = population, fill = the chosen quantity through the colour map), an optional
// sample of synapses as thin translucent lines underneath, and below the sheet a marker
// legend and a scale bar in µm. With the inflammation module: a field overlay under
// everything, dead neurons as crosses (their synapses left out) and microglia on top
// (OverlayLayer.swift, MicrogliaLayer.swift). Markers are batched into one path per (shape, colour)
// bucket, visited in bucket order, so drawing is fast and deterministic.

import CCairo
import NeuroplastCore

/// Marker shapes, assigned to populations by index (cycling).
enum MarkerShape: Int, CaseIterable {
    case circle, triangle, square, diamond

    static func forPopulation(_ index: Int) -> MarkerShape {
        allCases[((index % allCases.count) + allCases.count) % allCases.count]
    }
}

extension CairoCanvas {
    /// Adds a marker of radius `r` centred at (x, y) to the current path. Shapes are
    /// scaled to roughly equal area so no population looks heavier than another.
    func addMarker(_ shape: MarkerShape, x: Double, y: Double, r: Double) {
        switch shape {
        case .circle:
            cairo_new_sub_path(cr)
            cairo_arc(cr, x, y, r, 0, 2 * Double.pi)
        case .square:
            let h = r * 0.886
            cairo_rectangle(cr, x - h, y - h, 2 * h, 2 * h)
        case .triangle:
            let a = r * 1.35
            cairo_move_to(cr, x, y - a)
            cairo_line_to(cr, x + a * 0.866, y + a * 0.5)
            cairo_line_to(cr, x - a * 0.866, y + a * 0.5)
            cairo_close_path(cr)
        case .diamond:
            let a = r * 1.25
            cairo_move_to(cr, x, y - a)
            cairo_line_to(cr, x + a, y)
            cairo_line_to(cr, x, y + a)
            cairo_line_to(cr, x - a, y)
            cairo_close_path(cr)
        }
    }

    /// Draws the sheet; returns the marker radius used.
    @discardableResult
    func drawSheet(in r: Rect, snapshot s: FrameSnapshot, quantity: PerNeuronQuantity?, map: ColourMap,
                   range: ClosedRange<Double>, synapses: Bool, palette: Palette, type t: Typography,
                   overlayRange: ClosedRange<Double> = 0...1) -> Double {
        fillRect(r, palette.sheet)
        let n = min(s.x.count, s.y.count, s.population.count)
        let sx = r.w / max(s.sheetWidth, 1e-9), sy = r.h / max(s.sheetHeight, 1e-9)
        @inline(__always) func px(_ i: Int) -> Double { r.x + Double(s.x[i]) * sx }
        @inline(__always) func py(_ i: Int) -> Double { r.y + Double(s.y[i]) * sy }
        @inline(__always) func isDead(_ i: Int) -> Bool { i < s.dead.count && s.dead[i] }
        clip(r)
        // Layers bottom to top: field overlay, synapses, living neurons, dead crosses, microglia.
        if let o = s.overlay {
            drawOverlay(o, in: r, sheetWidth: s.sheetWidth, sheetHeight: s.sheetHeight,
                        range: overlayRange, ramp: palette.overlayRamp)
        }
        if synapses, n > 0 {
            drawSynapseSample(s, n: n, px: px, py: py, clipRect: r, palette: palette)
        }
        // Marker size from the area per neuron, clamped to stay visible and separate.
        let radius = n > 0 ? min(max(0.42 * (r.w * r.h / Double(n)).squareRoot(), 1.6 * t.unit), 9 * t.unit) : 0
        // Bucket neurons by (shape, colour index); index 256 = no value (NaN / missing); the
        // extra last bucket holds dead neurons, drawn as crosses after the markers.
        let shapes = MarkerShape.allCases.count
        let deadBucket = shapes * 257
        let values = quantity?.values
        var bucketOf = [Int32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: deadBucket + 2)
        for i in 0..<n {
            if isDead(i) { bucketOf[i] = Int32(deadBucket); counts[deadBucket + 1] += 1; continue }
            let shape = MarkerShape.forPopulation(Int(s.population[i])).rawValue
            var c = 256
            if let values, i < values.count, values[i].isFinite { c = map.index(of: Double(values[i]), in: range) }
            let b = shape * 257 + c
            bucketOf[i] = Int32(b)
            counts[b + 1] += 1
        }
        for b in 1..<counts.count { counts[b] += counts[b - 1] }
        var order = [Int32](repeating: 0, count: n)
        var next = counts
        for i in 0..<n { let b = Int(bucketOf[i]); order[next[b]] = Int32(i); next[b] += 1 }
        // Over a field, each marker gets a thin ring of the sheet colour so that markers
        // whose colour matches the field under them stay visible.
        let ring = s.overlay != nil ? max(1, 1.6 * t.unit) : 0
        for b in 0..<deadBucket where counts[b + 1] > counts[b] {
            let shape = MarkerShape(rawValue: b / 257)!
            let c = b % 257
            for k in counts[b]..<counts[b + 1] {
                let i = Int(order[k])
                addMarker(shape, x: px(i), y: py(i), r: radius)
            }
            if ring > 0 {
                setColour(palette.sheet, alpha: 0.8)
                cairo_set_line_width(cr, ring)
                cairo_stroke_preserve(cr)
            }
            setColour(c == 256 ? palette.muted : map.entries[c])
            cairo_fill(cr)
        }
        if counts[deadBucket + 1] > counts[deadBucket] {
            var points: [Double] = []
            points.reserveCapacity(2 * (counts[deadBucket + 1] - counts[deadBucket]))
            for k in counts[deadBucket]..<counts[deadBucket + 1] {
                let i = Int(order[k])
                points.append(px(i)); points.append(py(i))
            }
            drawDeadCrosses(points, h: max(1.6 * radius, 5 * t.unit, 2), palette: palette)
        }
        drawSprites(s.sprites, in: r, sx: sx, sy: sy, palette: palette)
        unclip()
        strokeRect(r, palette.frame, width: t.axisLine)
        return radius
    }

    /// Synapse sample: straight 1-px lines pre → post, coloured by the presynaptic
    /// population, blended directly into the pixels (see LineRaster.swift).
    private func drawSynapseSample(_ s: FrameSnapshot, n: Int, px: (Int) -> Double, py: (Int) -> Double,
                                   clipRect: Rect, palette: Palette) {
        let m = min(s.synapsePre.count, s.synapsePost.count)
        guard m > 0 else { return }
        let pops = max(1, s.populations.count)
        let alpha = min(0.3, max(0.05, 0.25 * (1_000 / Double(m)).squareRoot()))
        var segments = [[Double]](repeating: [], count: pops)
        let dead = s.dead
        for k in 0..<m {
            let a = Int(s.synapsePre[k]), b = Int(s.synapsePost[k])
            guard a >= 0, a < n, b >= 0, b < n else { continue }
            if (a < dead.count && dead[a]) || (b < dead.count && dead[b]) { continue }
            let p = Int(s.population[a]) % pops
            segments[p].append(px(a)); segments[p].append(py(a))
            segments[p].append(px(b)); segments[p].append(py(b))
        }
        for p in 0..<pops where !segments[p].isEmpty {
            blendThinLines(segments[p], colour: palette.population(p), alpha: alpha, clipRect: clipRect)
        }
    }

    /// Population marker legend (left) and scale bar (right) in the row under the sheet.
    func drawSheetLegend(in r: Rect, snapshot s: FrameSnapshot, micronsPerPixel: Double,
                         palette: Palette, type t: Typography) {
        // Scale bar: a round length near a fifth of the sheet width.
        let targetUm = 0.2 * r.w * micronsPerPixel
        let lengthUm = NiceTicks.niceStep(targetUm)
        let barW = lengthUm / micronsPerPixel
        let label = lengthUm >= 1000 ? "\(formatFixed(lengthUm / 1000, decimals: lengthUm.truncatingRemainder(dividingBy: 1000) == 0 ? 0 : 1)) mm"
                                     : "\(formatFixed(lengthUm, decimals: 0)) µm"
        let labelW = textWidth(label, size: t.legend)
        let y = r.midY
        let barX1 = r.maxX, barX0 = barX1 - barW
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
        line(barX0, y, barX1, y, palette.foreground, width: 5 * t.unit)
        line(barX0, y - 9 * t.unit, barX0, y + 9 * t.unit, palette.foreground, width: 2 * t.unit)
        line(barX1, y - 9 * t.unit, barX1, y + 9 * t.unit, palette.foreground, width: 2 * t.unit)
        text(label, x: barX0 - 14 * t.unit, y: y, size: t.legend, colour: palette.foreground, h: .right, v: .middle)
        // Population markers, shrunk if they would run into the scale bar.
        let room = barX0 - 14 * t.unit - labelW - 2 * t.gap - r.x
        let markerR = 9 * t.unit
        let items = s.populations.enumerated().map { i, p in (i, p.name) }
        let gap = 24 * t.unit
        let widths = items.map { 2 * markerR + 10 * t.unit + textWidth($0.1, size: t.legend) }
        let total = widths.reduce(0, +) + gap * Double(max(0, items.count - 1))
        let scale = total > room && total > 0 ? max(0.4, room / total) : 1
        var x = r.x
        for (k, item) in items.enumerated() {
            setColour(palette.foreground)
            addMarker(.forPopulation(item.0), x: x + markerR * scale, y: y, r: markerR * scale * 0.8)
            cairo_fill(cr)
            text(item.1, x: x + (2 * markerR + 10 * t.unit) * scale, y: y, size: t.legend * scale,
                 colour: palette.foreground, h: .left, v: .middle)
            x += (widths[k] + gap) * scale
        }
    }
}
