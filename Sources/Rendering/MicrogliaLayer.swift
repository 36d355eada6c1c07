// MicrogliaLayer: the inflammation module's marks on the sheet — microglia as glyphs
// (surveilling: a small ramified asterisk in a cool colour; activated: a larger filled
// amoeboid disc in a warm colour), dead neurons as grey crosses — and their legend row with
// counts. Every mark is drawn over a halo in the sheet's contrast colour, so it stays
// visible over any overlay or neuron colour; marks of one kind form one path.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CCairo
import NeuroplastCore

/// Sizes of the microglia glyphs for a sheet panel, relative to the panel so that they are
/// visible at 1920×1080 and 1280×720 alike.
struct GlyphSizes {
    /// Radius of an activated disc [px]; a surveilling asterisk's arms are 0.95 of it.
    let radius: Double
    let stroke: Double
    let halo: Double

    init(panel r: Rect) {
        radius = max(0.0135 * min(r.w, r.h), 2.5)
        stroke = max(1, 0.24 * radius)
        halo = max(1, 0.28 * radius)
    }

    init(radius: Double) {
        self.radius = radius
        stroke = max(1, 0.24 * radius)
        halo = max(1, 0.28 * radius)
    }
}

extension CairoCanvas {
    /// Adds a surveilling glyph to the path: three strokes through (x, y) at 0°, 60°, 120°
    /// (six processes) and a short branch near the end of each process.
    private func addRamified(x: Double, y: Double, g: GlyphSizes) {
        let arm = 0.95 * g.radius
        for k in 0..<6 {
            let a = Double(k) * Double.pi / 3 + Double.pi / 2
            let (c, s) = (cos(a), sin(a))
            let ex = x + arm * c, ey = y - arm * s
            cairo_move_to(cr, x, y)
            cairo_line_to(cr, ex, ey)
            // A side branch from 60 % of the process, 35° off it.
            let bx = x + 0.6 * arm * c, by = y - 0.6 * arm * s
            let b = a + 0.61
            cairo_move_to(cr, bx, by)
            cairo_line_to(cr, bx + 0.38 * arm * cos(b), by - 0.38 * arm * sin(b))
        }
    }

    /// Adds an activated glyph (a disc) to the path.
    private func addAmoeboid(x: Double, y: Double, g: GlyphSizes) {
        cairo_new_sub_path(cr)
        cairo_arc(cr, x, y, g.radius, 0, 2 * Double.pi)
    }

    /// Adds a × of half-size `h` to the path.
    func addCross(x: Double, y: Double, h: Double) {
        cairo_move_to(cr, x - h, y - h); cairo_line_to(cr, x + h, y + h)
        cairo_move_to(cr, x - h, y + h); cairo_line_to(cr, x + h, y - h)
    }

    /// Strokes the current path twice: wide in the halo colour, then narrow in `colour`.
    private func strokeWithHalo(_ colour: Colour, width: Double, halo: Double, palette: Palette) {
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        setColour(palette.halo, alpha: 0.85)
        cairo_set_line_width(cr, width + 2 * halo)
        cairo_stroke_preserve(cr)
        setColour(colour)
        cairo_set_line_width(cr, width)
        cairo_stroke(cr)
    }

    /// Draws dead neurons (`points`: x, y pixel pairs) as grey crosses of half-size `h`.
    func drawDeadCrosses(_ points: [Double], h: Double, palette: Palette) {
        guard points.count >= 2 else { return }
        var k = 0
        while k + 1 < points.count { addCross(x: points[k], y: points[k + 1], h: h); k += 2 }
        strokeWithHalo(palette.dead, width: max(1, 0.3 * h), halo: max(0.75, 0.3 * h), palette: palette)
    }

    /// Draws `sprites` on the sheet rectangle `r` (µm → px by `sx`, `sy`): surveilling first,
    /// activated on top.
    func drawSprites(_ sprites: [Sprite], in r: Rect, sx: Double, sy: Double, palette: Palette) {
        guard !sprites.isEmpty else { return }
        let g = GlyphSizes(panel: r)
        var any = false
        for s in sprites where s.state == Sprite.surveilling && s.x.isFinite && s.y.isFinite {
            addRamified(x: r.x + Double(s.x) * sx, y: r.y + Double(s.y) * sy, g: g)
            any = true
        }
        if any { strokeWithHalo(palette.surveilling, width: g.stroke, halo: g.halo, palette: palette) }
        any = false
        for s in sprites where s.state != Sprite.surveilling && s.x.isFinite && s.y.isFinite {
            addAmoeboid(x: r.x + Double(s.x) * sx, y: r.y + Double(s.y) * sy, g: g)
            any = true
        }
        if any {
            setColour(palette.halo, alpha: 0.85)
            cairo_set_line_width(cr, 2 * g.halo)
            cairo_stroke_preserve(cr)
            setColour(palette.activated)
            cairo_fill(cr)
        }
    }

    /// The row under the sheet legend: "Microglia: ✳ surveilling n  ● activated m" (when the
    /// snapshot has sprites) and "✕ dead neurons k" (when it has a dead array), shrunk to fit.
    func drawInflammationLegend(in r: Rect, snapshot s: FrameSnapshot, palette: Palette, type t: Typography) {
        let size = t.legend
        let g = GlyphSizes(radius: 9 * t.unit)
        enum Mark { case none, ramified, amoeboid, cross }
        var items: [(mark: Mark, text: String)] = []
        if !s.sprites.isEmpty {
            let surveilling = s.sprites.lazy.filter { $0.state == Sprite.surveilling }.count
            items.append((.none, "Microglia:"))
            items.append((.ramified, "surveilling \(surveilling)"))
            items.append((.amoeboid, "activated \(s.sprites.count - surveilling)"))
        }
        if !s.dead.isEmpty {
            let n = min(s.dead.count, s.x.count)
            items.append((.cross, "dead neurons \(s.dead.prefix(n).lazy.filter { $0 }.count)"))
        }
        guard !items.isEmpty else { return }
        let markW = 2 * g.radius + 8 * t.unit, gap = 20 * t.unit
        let widths = items.map { ($0.mark == .none ? 0 : markW) + textWidth($0.text, size: size) }
        let total = widths.reduce(0, +) + gap * Double(items.count - 1)
        let scale = total > r.w && total > 0 ? max(0.4, r.w / total) : 1
        let gs = GlyphSizes(radius: g.radius * scale)
        let y = r.midY
        var x = r.x
        for (k, item) in items.enumerated() {
            let cx = x + gs.radius
            switch item.mark {
            case .none: break
            case .ramified:
                addRamified(x: cx, y: y, g: gs)
                strokeWithHalo(palette.surveilling, width: gs.stroke, halo: 0.5 * gs.halo, palette: palette)
            case .amoeboid:
                addAmoeboid(x: cx, y: y, g: GlyphSizes(radius: gs.radius * 0.8))
                setColour(palette.activated)
                cairo_fill(cr)
            case .cross:
                addCross(x: cx, y: y, h: gs.radius * 0.6)
                strokeWithHalo(palette.dead, width: max(1, 0.22 * gs.radius), halo: 0, palette: palette)
            }
            let tx = x + (item.mark == .none ? 0 : markW * scale)
            text(item.text, x: tx, y: y, size: size * scale, colour: palette.foreground, h: .left, v: .middle)
            x += (widths[k] + gap) * scale
        }
    }
}
