// TitlePanel: the frame's heading — scenario name and phase on the left, the simulated
// clock (monospaced so digits do not jitter between movie frames) on the right, and a
// thin rule underneath.

extension CairoCanvas {
    func drawTitle(in r: Rect, scenario: String, phase: String, clock: String, clockCaption: String = "simulated time",
                   palette: Palette, type t: Typography) {
        let clockW = textWidth(clock, size: t.clock, style: .mono)
        text(clock, x: r.maxX, y: r.y, size: t.clock, colour: palette.foreground, style: .mono, h: .right, v: .top)
        text(clockCaption, x: r.maxX, y: r.y + t.clock * 0.73 + 20 * t.unit, size: t.subtitle * 0.85,
             colour: palette.muted, h: .right, v: .top)
        let room = r.w - clockW - 3 * t.gap
        let titleSize = fittingSize(scenario, size: t.title, maxWidth: room, style: .bold)
        text(scenario, x: r.x, y: r.y, size: titleSize, colour: palette.foreground, style: .bold, h: .left, v: .top)
        if !phase.isEmpty {
            let phaseSize = fittingSize(phase, size: t.subtitle, maxWidth: room)
            text(phase, x: r.x, y: r.y + titleSize * 0.73 + 20 * t.unit, size: phaseSize,
                 colour: palette.muted, h: .left, v: .top)
        }
        line(r.x, r.maxY, r.maxX, r.maxY, palette.grid, width: t.axisLine)
    }
}
