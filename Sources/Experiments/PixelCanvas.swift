// PixelCanvas: a small RGB raster for the sweep figures — antialiased thick lines and
// discs from the distance to the shape (coverage = ½ + w/2 − d, clamped), filled
// rectangles, and text from `GlyphAtlas` (bilinear when scaled). Colours are Rendering's
// `Colour`; the result goes to PNGCodec. Not shared between threads.

import Rendering

struct PixelCanvas {
    let width: Int
    let height: Int
    /// RGB, row-major, 3 bytes per pixel.
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int, background: Colour) {
        self.width = width; self.height = height
        let (r, g, b) = Self.bytes(background)
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) { pixels[3 * i] = r; pixels[3 * i + 1] = g; pixels[3 * i + 2] = b }
    }

    static func bytes(_ c: Colour) -> (UInt8, UInt8, UInt8) {
        func q(_ x: Double) -> UInt8 { UInt8(max(0, min(255, (x * 255).rounded()))) }
        return (q(c.r), q(c.g), q(c.b))
    }

    /// Blends `c` at opacity `a` (0…1) into pixel (x, y).
    mutating func blend(_ x: Int, _ y: Int, _ c: Colour, _ a: Double) {
        guard x >= 0, y >= 0, x < width, y < height, a > 0 else { return }
        let k = 3 * (y * width + x), t = min(1, a)
        let (r, g, b) = Self.bytes(c)
        pixels[k] = UInt8((Double(pixels[k]) * (1 - t) + Double(r) * t).rounded())
        pixels[k + 1] = UInt8((Double(pixels[k + 1]) * (1 - t) + Double(g) * t).rounded())
        pixels[k + 2] = UInt8((Double(pixels[k + 2]) * (1 - t) + Double(b) * t).rounded())
    }

    mutating func fillRect(x: Double, y: Double, w: Double, h: Double, _ c: Colour) {
        let x0 = max(0, Int(x.rounded())), x1 = min(width, Int((x + w).rounded()))
        let y0 = max(0, Int(y.rounded())), y1 = min(height, Int((y + h).rounded()))
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 { for xx in x0..<x1 { blend(xx, yy, c, 1) } }
    }

    /// A segment of line width `w` with round caps.
    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: Colour, width w: Double) {
        guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite else { return }
        let r = w / 2 + 1
        let bx0 = max(0, Int((min(x0, x1) - r).rounded(.down))), bx1 = min(width - 1, Int((max(x0, x1) + r).rounded(.up)))
        let by0 = max(0, Int((min(y0, y1) - r).rounded(.down))), by1 = min(height - 1, Int((max(y0, y1) + r).rounded(.up)))
        guard bx0 <= bx1, by0 <= by1 else { return }
        let dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy
        for py in by0...by1 {
            for px in bx0...bx1 {
                let cx = Double(px) + 0.5, cy = Double(py) + 0.5
                let t = len2 > 0 ? max(0, min(1, ((cx - x0) * dx + (cy - y0) * dy) / len2)) : 0
                let ex = cx - (x0 + t * dx), ey = cy - (y0 + t * dy)
                let cover = w / 2 + 0.5 - (ex * ex + ey * ey).squareRoot()
                if cover > 0 { blend(px, py, c, cover) }
            }
        }
    }

    /// A filled disc of radius `r`.
    mutating func disc(_ x: Double, _ y: Double, radius r: Double, _ c: Colour) { line(x, y, x, y, c, width: 2 * r) }

    // MARK: text

    /// Advance width of `text` at font size `size` [px].
    func textWidth(_ text: String, size: Double) -> Double {
        text.reduce(0) { $0 + (GlyphAtlas.glyphs[$1]?.advance ?? GlyphAtlas.size * 0.6) } * size / GlyphAtlas.size
    }

    enum Anchor { case left, centre, right }

    /// Draws `text` with its baseline at y; `rotated` draws it upwards (for y-axis titles).
    mutating func text(_ text: String, x: Double, y: Double, size: Double, _ c: Colour, anchor: Anchor = .left, rotated: Bool = false) {
        let s = size / GlyphAtlas.size
        let w = textWidth(text, size: size)
        var pen = anchor == .left ? 0 : anchor == .centre ? -w / 2 : -w
        for ch in text {
            guard let g = GlyphAtlas.glyphs[ch] ?? GlyphAtlas.glyphs["?"] else { continue }
            let gw = Double(g.width) * s, gh = Double(GlyphAtlas.height) * s
            // Glyph box in text coordinates (u along the text, v down from the ascent line).
            let u0 = pen - s, v0 = -Double(GlyphAtlas.ascent) * s
            for j in 0..<Int(gh.rounded(.up)) {
                for i in 0..<Int(gw.rounded(.up)) {
                    let cov = sample(g, (Double(i) + 0.5) / s - 0.5, (Double(j) + 0.5) / s - 0.5)
                    guard cov > 0 else { continue }
                    let u = u0 + Double(i), v = v0 + Double(j)
                    let (px, py) = rotated ? (x + v, y - u) : (x + u, y + v)
                    blend(Int(px.rounded(.down)), Int(py.rounded(.down)), c, cov)
                }
            }
            pen += g.advance * s
        }
    }

    /// Bilinear coverage (0…1) of glyph `g` at fractional pixel (gx, gy).
    private func sample(_ g: GlyphAtlas.Glyph, _ gx: Double, _ gy: Double) -> Double {
        let x0 = Int(gx.rounded(.down)), y0 = Int(gy.rounded(.down))
        let fx = gx - Double(x0), fy = gy - Double(y0)
        func at(_ x: Int, _ y: Int) -> Double {
            guard x >= 0, y >= 0, x < g.width, y < GlyphAtlas.height else { return 0 }
            return Double(g.coverage[y * g.width + x]) / 15
        }
        return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy
    }
}
