// ColourBar: the horizontal key of the sheet's colour map — quantity label and unit
// above, the 256 table entries as a bar, nice ticks with values below. The colour range
// is the quantity's suggested range, else the data's 1–99 % range rounded outward to nice
// ticks (symmetric about 0 when the map is diverging).

import NeuroplastCore

/// The value range a quantity is coloured over.
func colourRange(of q: PerNeuronQuantity, diverging: Bool) -> ClosedRange<Double> {
    if let r = q.range, r.upperBound > r.lowerBound { return Double(r.lowerBound)...Double(r.upperBound) }
    // 1st–99th percentile, so a few outliers do not wash the map out, widened to nice
    // tick values so the bar starts and ends on labelled numbers.
    let finite = q.values.filter { $0.isFinite }.sorted()
    guard !finite.isEmpty else { return 0...1 }
    var lo = Double(finite[Int(Double(finite.count - 1) * 0.01)])
    let hi = Double(finite[Int(Double(finite.count - 1) * 0.99)])
    if diverging {
        let m = max(abs(lo), abs(hi), 1e-9)
        let ticks = NiceTicks(lo: -m, hi: m, target: 4)
        return ticks.lower...ticks.upper
    }
    if lo >= 0 && lo < 0.3 * hi { lo = 0 }  // rates and other non-negative data start at 0
    let ticks = NiceTicks(lo: lo, hi: hi, target: 5)
    return ticks.lower...ticks.upper
}

extension CairoCanvas {
    func drawColourBar(in r: Rect, label: String, map: ColourMap, range: ClosedRange<Double>,
                       palette: Palette, type t: Typography) {
        drawColourBar(in: r, label: label, entries: map.entries, range: range, palette: palette, type: t)
    }

    /// A bar of 256 `entries` (low → high) over `range`.
    func drawColourBar(in r: Rect, label: String, entries: [Colour], range: ClosedRange<Double>,
                       palette: Palette, type t: Typography) {
        text(label, x: r.x, y: r.y + 4 * t.unit, size: fittingSize(label, size: t.panelTitle * 0.9, maxWidth: r.w),
             colour: palette.foreground, h: .left, v: .top)
        let bar = Rect(x: r.x, y: r.y + t.panelTitle * 1.45, w: r.w, h: 26 * t.unit)
        let step = bar.w / Double(entries.count)
        for i in entries.indices {
            // Overlap each cell by half a pixel so no background seam shows between them.
            fillRect(Rect(x: bar.x + Double(i) * step, y: bar.y, w: step + 0.5, h: bar.h), entries[i])
        }
        strokeRect(bar, palette.frame, width: t.axisLine * 0.75)
        let ticks = NiceTicks(lo: range.lowerBound, hi: range.upperBound, target: 4, expand: false)
        let span = range.upperBound - range.lowerBound
        for v in ticks.values {
            let x = bar.x + (span > 0 ? (v - range.lowerBound) / span : 0.5) * bar.w
            line(x, bar.maxY, x, bar.maxY + t.tickLength, palette.frame, width: t.axisLine)
            text(ticks.label(v), x: x, y: bar.maxY + t.tickLength + 6 * t.unit, size: t.tick,
                 colour: palette.muted, h: .centre, v: .top)
        }
    }
}
