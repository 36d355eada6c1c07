// OverlayLayer: a scalar field on a grid (e.g. cytokine) drawn as a translucent layer over
// the sheet's background and under the neurons. Each value becomes one pixel of a small
// Cairo image (colour from a segment of magma, opacity rising linearly from 0 at the low end
// of the range, premultiplied), which Cairo scales to the panel with smooth filtering — one
// paint per frame whatever the grid size, instead of a rectangle per cell.

import CCairo
import NeuroplastCore

/// How a field overlay maps a position t ∈ 0…1 in its range to colour and opacity: the
/// magma entry at start + (end − start)·t, opacity maxAlpha·t (so the low end is clear).
struct OverlayRamp {
    /// Positions along magma for t = 0 and t = 1 (end < start runs the map backwards).
    var start: Double
    var end: Double
    var maxAlpha: Double

    /// Colour and opacity of table index `k` (0…255).
    func entry(_ k: Int) -> (colour: Colour, alpha: Double) {
        let t = Double(k) / 255
        return (ColourMap.magma.colour(at: start + (end - start) * t), maxAlpha * t)
    }

    /// The 256 entries as premultiplied native-endian ARGB32 words (Cairo's pixel format).
    var premultipliedTable: [UInt32] {
        (0..<256).map { k in
            let (c, a) = entry(k)
            @inline(__always) func byte(_ x: Double) -> UInt32 { UInt32((min(max(x, 0), 1) * 255).rounded()) }
            return (byte(a) << 24) | (byte(c.r * a) << 16) | (byte(c.g * a) << 8) | byte(c.b * a)
        }
    }

    /// What each entry looks like over `background`: the colours its colour bar shows.
    func composited(over background: Colour) -> [Colour] {
        (0..<256).map { k in
            let (c, a) = entry(k)
            return Colour(r: a * c.r + (1 - a) * background.r, g: a * c.g + (1 - a) * background.g,
                          b: a * c.b + (1 - a) * background.b)
        }
    }
}

extension FieldOverlay {
    /// Whether the grid is drawable: positive size and cell, enough values, within Cairo's limits.
    var isDrawable: Bool {
        columns > 0 && rows > 0 && columns <= 32767 && rows <= 32767 && cellSize > 0 && cellSize.isFinite
            && values.count >= columns * rows
    }

    /// Colour-bar label, e.g. "Field: cytokine (nM)".
    var barLabel: String { unit.isEmpty ? "Field: \(label)" : "Field: \(label) (\(unit))" }
}

/// The value range an overlay is coloured over: its own range, else the data's (as for
/// neuron quantities); a field that is zero (or negative) everywhere gets 0…1 so it stays clear.
func colourRange(of o: FieldOverlay) -> ClosedRange<Double> {
    if let r = o.range, r.upperBound > r.lowerBound { return Double(r.lowerBound)...Double(r.upperBound) }
    let largest = o.values.lazy.filter { $0.isFinite }.max() ?? 0
    if largest <= 0 { return 0...1 }
    return colourRange(of: PerNeuronQuantity(key: "overlay", label: o.label, unit: o.unit, values: o.values),
                       diverging: false)
}

extension CairoCanvas {
    /// Paints `o` over the sheet rectangle `r` of a `sheetWidth` × `sheetHeight` µm sheet.
    /// The caller has clipped to `r`.
    func drawOverlay(_ o: FieldOverlay, in r: Rect, sheetWidth: Double, sheetHeight: Double,
                     range: ClosedRange<Double>, ramp: OverlayRamp) {
        guard o.isDrawable, sheetWidth > 0, sheetHeight > 0 else { return }
        let image = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(o.columns), Int32(o.rows))!
        defer { cairo_surface_destroy(image) }
        guard cairo_surface_status(image) == CAIRO_STATUS_SUCCESS,
              let raw = cairo_image_surface_get_data(image) else { return }
        cairo_surface_flush(image)
        let stride = Int(cairo_image_surface_get_stride(image)) / 4
        let table = ramp.premultipliedTable
        let map = ColourMap.magma  // only its index(of:in:) is used: same rounding as the neuron map
        // SAFETY: the image's data is `stride * rows` 32-bit words, 4-byte aligned, valid
        // while `image` lives (until the deferred destroy); we write rows 0..<rows, columns
        // 0..<columns ≤ stride.
        let pixels = UnsafeMutableRawPointer(raw).assumingMemoryBound(to: UInt32.self)
        o.values.withUnsafeBufferPointer { v in
            for j in 0..<o.rows {
                let row = pixels + j * stride
                for i in 0..<o.columns {
                    let value = v[j * o.columns + i]
                    row[i] = value.isFinite ? table[map.index(of: Double(value), in: range)] : 0
                }
            }
        }
        cairo_surface_mark_dirty(image)

        // Grid cell (i, j) covers [i·h, (i+1)·h) µm: one image pixel per cell.
        let sx = r.w / sheetWidth, sy = r.h / sheetHeight
        let gridW = Double(o.columns) * o.cellSize * sx, gridH = Double(o.rows) * o.cellSize * sy
        cairo_save(cr)
        cairo_rectangle(cr, r.x, r.y, min(r.w, gridW), min(r.h, gridH))
        cairo_clip(cr)
        cairo_translate(cr, r.x, r.y)
        cairo_scale(cr, o.cellSize * sx, o.cellSize * sy)
        cairo_set_source_surface(cr, image, 0, 0)
        let pattern = cairo_get_source(cr)
        // Smooth between cell centres; PAD so the outer half-cells keep their value.
        cairo_pattern_set_filter(pattern, CAIRO_FILTER_GOOD)
        cairo_pattern_set_extend(pattern, CAIRO_EXTEND_PAD)
        cairo_paint(cr)
        cairo_restore(cr)
    }
}
