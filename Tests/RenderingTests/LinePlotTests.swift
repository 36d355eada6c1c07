// Line plots (LinePlotRenderer): equal figures give identical bytes, error bars and lines
// are drawn in the line's colour, the figure grows with its panels, and writePNG writes
// a readable PNG. The image itself is checked against Golden/ in GoldenImageTests.

import Foundation
import PNGCodec
import Rendering
import Testing

@Suite struct LinePlotTests {
    static let marker = Colour(hex: 0xFF00FF)  // magenta is in no theme, so its pixels are the line's

    static func panels(errors: Bool, colour: LineColour = .custom(marker)) -> [LinePanel] {
        let pts = [(1.0, 2.0, 0.5), (2.0, 5.0, 1.5), (3.0, 4.0, 1.0)]
            .map { LinePoint(x: $0.0, y: $0.1, error: errors ? $0.2 : nil) }
        return [LinePanel(title: "E", xLabel: "drive", xUnit: "kHz", yLabel: "firing rate", yUnit: "Hz",
                          lines: [PlotLine(name: "g = 2 nS", colour: colour, points: pts),
                                  PlotLine(name: "g = 6 nS", colourIndex: 1,
                                           points: pts.map { LinePoint(x: $0.x, y: $0.y / 2, error: $0.error) })])]
    }

    /// Pixels at least half covered by magenta on the white background (r, b ≈ 255, g ≤ 128).
    static func magentaPixels(in image: PNGImage) -> Int {
        (0..<(image.width * image.height)).filter { i in
            let p = image.pixels[(i * image.channels)...]
            return p[p.startIndex] >= 240 && p[p.startIndex + 1] <= 128 && p[p.startIndex + 2] >= 240
        }.count
    }

    @Test func equalFiguresGiveIdenticalBytes() throws {
        let r = LinePlotRenderer(panelWidth: 320, panelHeight: 240, theme: .dark)
        #expect(r.render(title: "t", subtitle: "s", panels: Self.panels(errors: true))
                == r.render(title: "t", subtitle: "s", panels: Self.panels(errors: true)))
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p1 = dir.appendingPathComponent("a.png").path, p2 = dir.appendingPathComponent("b.png").path
        try r.writePNG(to: p1, title: "t", panels: Self.panels(errors: true))
        try r.writePNG(to: p2, title: "t", panels: Self.panels(errors: true))
        #expect(FileManager.default.contents(atPath: p1) == FileManager.default.contents(atPath: p2))
        let back = try PNGReader.read(path: p1)
        #expect(back.width == r.size(panelCount: 1).width && back.height == r.size(panelCount: 1).height)
    }

    @Test func errorBarsAreDrawnInTheLineColour() {
        let r = LinePlotRenderer(panelWidth: 640, panelHeight: 480)
        let with = Self.magentaPixels(in: r.render(title: "t", panels: Self.panels(errors: true)))
        let without = Self.magentaPixels(in: r.render(title: "t", panels: Self.panels(errors: false)))
        #expect(without > 200, "the line, its markers and its legend swatch are drawn: \(without)")
        // Bars of 1, 3 and 2 y units (together ≥ 150 px tall on a 0…7 axis), plus caps.
        #expect(with > without + 150, "error bars add pixels: \(with) vs \(without)")
    }

    @Test func sizeFollowsPanelCount() {
        let r = LinePlotRenderer(panelWidth: 300, panelHeight: 200, maxColumns: 2)
        let one = r.size(panelCount: 1), two = r.size(panelCount: 2), three = r.size(panelCount: 3)
        #expect(two.width > one.width && two.height == one.height)
        #expect(three.width == two.width && three.height > two.height)
        let image = r.render(title: "t", panels: Self.panels(errors: true) + Self.panels(errors: false)
                             + [LinePanel(title: "empty", xLabel: "x", yLabel: "y", lines: [])])
        #expect(image.width == three.width && image.height == three.height)
        #expect(image.pixels.count == three.width * three.height * 3)
    }
}
