// CairoCanvas: one Cairo ARGB32 image surface and its drawing context, with the few
// operations the panels use (paths, fills, strokes, aligned text). Owns both Cairo objects
// and frees them in deinit; one canvas per frame, never shared between threads.

import CCairo
import PNGCodec

/// Horizontal text anchor.
enum HAlign { case left, centre, right }
/// Vertical text anchor: `top`/`middle` use the cap height so labels line up with ticks.
enum VAlign { case top, middle, baseline, bottom }
/// Font used for a piece of text.
enum FontStyle { case regular, bold, mono }

/// A Cairo image surface plus context. Not Sendable: create one per render.
final class CairoCanvas {
    let width: Int
    let height: Int
    /// cairo_surface_t *
    private let surface: OpaquePointer
    var surfacePointer: OpaquePointer { surface }
    /// cairo_t *
    let cr: OpaquePointer

    init(width: Int, height: Int) {
        precondition(width > 0 && height > 0 && width <= 32767 && height <= 32767, "canvas size out of range")
        self.width = width; self.height = height
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
        precondition(cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, "cairo could not allocate \(width)×\(height)")
        cr = cairo_create(surface)
        // Grey antialiasing and unhinted metrics: text layout is the same at every size.
        let fo = cairo_font_options_create()
        cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY)
        cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_SLIGHT)
        cairo_set_font_options(cr, fo)
        cairo_font_options_destroy(fo)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    // MARK: colour and paths

    func setColour(_ c: Colour, alpha: Double = 1) {
        if alpha >= 1 { cairo_set_source_rgb(cr, c.r, c.g, c.b) } else { cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha) }
    }

    func clear(_ c: Colour) {
        setColour(c)
        cairo_paint(cr)
    }

    func fillRect(_ r: Rect, _ c: Colour, alpha: Double = 1) {
        setColour(c, alpha: alpha)
        cairo_rectangle(cr, r.x, r.y, r.w, r.h)
        cairo_fill(cr)
    }

    func strokeRect(_ r: Rect, _ c: Colour, width: Double) {
        setColour(c)
        cairo_set_line_width(cr, width)
        cairo_rectangle(cr, r.x, r.y, r.w, r.h)
        cairo_stroke(cr)
    }

    func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: Colour, width: Double, alpha: Double = 1) {
        setColour(c, alpha: alpha)
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x0, y0)
        cairo_line_to(cr, x1, y1)
        cairo_stroke(cr)
    }

    /// Strokes a polyline; non-finite points break the line.
    func polyline(xs: [Double], ys: [Double], _ c: Colour, width: Double) {
        setColour(c)
        cairo_set_line_width(cr, width)
        var pen = false
        for i in 0..<min(xs.count, ys.count) {
            guard xs[i].isFinite, ys[i].isFinite else { pen = false; continue }
            if pen { cairo_line_to(cr, xs[i], ys[i]) } else { cairo_move_to(cr, xs[i], ys[i]); pen = true }
        }
        cairo_stroke(cr)
    }

    func clip(_ r: Rect) {
        cairo_save(cr)
        cairo_rectangle(cr, r.x, r.y, r.w, r.h)
        cairo_clip(cr)
    }

    func unclip() { cairo_restore(cr) }

    // MARK: text

    private func select(_ style: FontStyle, size: Double) {
        switch style {
        case .regular: cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        case .bold: cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        case .mono: cairo_select_font_face(cr, "DejaVu Sans Mono", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        }
        cairo_set_font_size(cr, size)
    }

    /// Advance width of `text` at `size`.
    func textWidth(_ text: String, size: Double, style: FontStyle = .regular) -> Double {
        select(style, size: size)
        var ext = cairo_text_extents_t()
        cairo_text_extents(cr, text, &ext)
        return ext.x_advance
    }

    /// Draws `text` anchored at (x, y); returns its advance width.
    @discardableResult
    func text(_ text: String, x: Double, y: Double, size: Double, colour: Colour,
              style: FontStyle = .regular, h: HAlign = .left, v: VAlign = .baseline) -> Double {
        let w = textWidth(text, size: size, style: style)
        let capHeight = 0.73 * size  // DejaVu Sans cap height
        let x0: Double = switch h { case .left: x; case .centre: x - w / 2; case .right: x - w }
        let y0: Double = switch v {
        case .top: y + capHeight
        case .middle: y + capHeight / 2
        case .baseline: y
        case .bottom: y - 0.24 * size  // descender
        }
        setColour(colour)
        cairo_move_to(cr, x0, y0)
        cairo_show_text(cr, text)
        cairo_new_path(cr)
        return w
    }

    /// Largest size ≤ `size` at which `text` fits in `maxWidth`.
    func fittingSize(_ text: String, size: Double, maxWidth: Double, style: FontStyle = .regular) -> Double {
        let w = textWidth(text, size: size, style: style)
        return w <= maxWidth || w <= 0 ? size : max(1, size * maxWidth / w)
    }

    // MARK: pixels

    /// The canvas as straight-alpha RGB (`channels` 3) or RGBA (4) bytes.
    func pixels(channels: Int) -> [UInt8] {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        // SAFETY: Cairo's image data is stride*height bytes, 4-byte aligned, valid while
        // `surface` lives (it does for this call) and flushed above; we only read it.
        let data = UnsafeRawPointer(cairo_image_surface_get_data(surface)!)
        return PremultipliedARGB.toStraight(data: data, width: width, height: height,
                                            stride: stride, channels: channels)
    }
}
