// Frames of the inflammation module: a field overlay (a Gaussian cytokine blob), microglia
// in both states and dead neurons, as golden images in both themes; a snapshot without
// these fields still draws the original frame; the overlay's colour bar shows its label
// beside the neuron bar without overlapping it.

import Foundation
import NeuroplastCore
import PNGCodec
@testable import Rendering
import Testing

extension Fixture {
    /// The fixed snapshot plus a 40 × 40 cytokine blob, 20 microglia and 6 dead neurons.
    static let inflamed: FrameSnapshot = SyntheticSnapshot.make(neurons: 600, synapses: 800, time: 8_100_000,
                                                                rasterRows: 60, overlayCells: 40, microglia: 20,
                                                                deadNeurons: 6)
}

extension GoldenImageTests {
    @Test func inflamedFixtureHasEveryKindOfMark() throws {
        let s = Fixture.inflamed
        let overlay = try #require(s.overlay)
        #expect(overlay.columns == 40 && overlay.rows == 40 && overlay.values.count == 1600)
        #expect(overlay.values.max()! > 2 && overlay.values.min()! >= 0)
        #expect(s.sprites.count == 20)
        #expect(s.sprites.contains { $0.state == Sprite.surveilling })
        #expect(s.sprites.contains { $0.state == Sprite.activated })
        #expect(s.dead.count == 600 && s.dead.filter { $0 }.count == 6)
    }

    @Test(arguments: Theme.allCases)
    func inflamedFrameMatchesGolden(theme: Theme) throws {
        let image = FrameRenderer(options: FrameOptions(width: 480, height: 270, theme: theme)).render(Fixture.inflamed)
        try compare(image, name: "frame-480x270-\(theme)-inflammation")
    }

    /// Without overlay, sprites and dead neurons the frame is the one drawn before they
    /// existed: the committed golden, and byte for byte the same as the defaults.
    @Test func snapshotWithoutInflammationRendersAsBefore() throws {
        var s = Fixture.inflamed
        s.overlay = nil; s.sprites = []; s.dead = []
        let options = FrameOptions(width: 480, height: 270, theme: .light)
        let stripped = FrameRenderer(options: options).render(s)
        try compare(stripped, name: "frame-480x270-light")
        #expect(stripped.pixels == FrameRenderer(options: options).render(Fixture.snapshot).pixels)
        // An all-alive dead array and no sprites change nothing on the sheet's neurons
        // but add the legend row, so the layout of a movie does not jump when the first dies.
        var alive = Fixture.snapshot
        alive.dead = [Bool](repeating: false, count: alive.x.count)
        #expect(FrameRenderer(options: options).render(alive).pixels != stripped.pixels)
    }

    @Test func overlayColourBarShowsItsLabelBesideTheNeuronBar() throws {
        let s = Fixture.inflamed
        #expect(s.overlay?.barLabel == "Field: cytokine (nM)")
        var unlabelled = s
        unlabelled.overlay?.label = ""
        unlabelled.overlay?.unit = ""
        for (w, h) in [(480, 270), (1280, 720)] {
            let options = FrameOptions(width: w, height: h, theme: .dark)
            let a = FrameRenderer(options: options).render(s)
            let b = FrameRenderer(options: options).render(unlabelled)
            let type = Typography(height: h, width: w)
            let layout = FrameLayout(width: w, height: h, sheetAspect: 1, type: type, overlayBar: true, inflammationRow: true)
            let bar = try #require(layout.overlayBar)
            #expect(bar.x > layout.colourBar.maxX + type.gap, "bars must not touch")
            #expect(bar.y == layout.colourBar.y && bar.maxX <= Double(w))
            // Label band: above the bar itself (the bar starts 1.45 panel-title sizes down).
            let band = Rect(x: bar.x, y: bar.y, w: bar.w, h: type.panelTitle * 1.45)
            var inBand = 0, outside = 0
            for y in 0..<h {
                for x in 0..<w {
                    let i = (y * w + x) * 3
                    guard a.pixels[i..<(i + 3)] != b.pixels[i..<(i + 3)] else { continue }
                    let px = Double(x) + 0.5, py = Double(y) + 0.5
                    if px >= band.x, px <= band.maxX, py >= band.y, py <= band.maxY { inBand += 1 } else { outside += 1 }
                }
            }
            #expect(inBand > 30, "the label should put ink in the overlay bar’s label band")
            #expect(outside == 0, "only the overlay bar's label may change with the label (\(w)×\(h))")
        }
    }

    @Test func inflammationLayoutKeepsRowsApart() {
        for (w, h) in [(1920, 1080), (1280, 720), (480, 270)] {
            let type = Typography(height: h, width: w)
            let plain = FrameLayout(width: w, height: h, sheetAspect: 1, type: type)
            let full = FrameLayout(width: w, height: h, sheetAspect: 1, type: type, overlayBar: true, inflammationRow: true)
            #expect(plain.overlayBar == nil && plain.inflammationLegend == nil)
            guard let row = full.inflammationLegend, let bar = full.overlayBar else {
                Issue.record("missing inflammation rects"); continue
            }
            #expect(full.sheet.h < plain.sheet.h)
            #expect(row.y >= full.sheetLegend.maxY && row.maxY <= full.colourBar.y)
            #expect(full.colourBar.maxX < bar.x && bar.maxY <= Double(h))
        }
    }

    @Test func overlaysOfAnySizeOrShapeRender() {
        let base = Fixture.snapshot
        let options = FrameOptions(width: 320, height: 180, theme: .light)
        // A grid much finer than the panel (downscaled), one coarser than it, a short value
        // array (not drawn), non-finite values (clear) and an all-zero field.
        let cases: [FieldOverlay] = [
            FieldOverlay(label: "fine", unit: "", columns: 500, rows: 500, cellSize: 2,
                         values: (0..<250_000).map { Float($0 % 500) / 500 }),
            FieldOverlay(label: "coarse", unit: "a.u.", columns: 3, rows: 2, cellSize: 400,
                         values: [0, 1, 2, 3, 4, 5], range: 0...5),
            FieldOverlay(label: "short", unit: "", columns: 10, rows: 10, cellSize: 100, values: [1, 2, 3]),
            FieldOverlay(label: "nan", unit: "", columns: 2, rows: 1, cellSize: 500, values: [.nan, .infinity]),
            FieldOverlay(label: "zero", unit: "", columns: 4, rows: 4, cellSize: 250, values: [Float](repeating: 0, count: 16)),
        ]
        for o in cases {
            var s = base
            s.overlay = o
            let image = FrameRenderer(options: options).render(s)
            #expect(image.pixels.count == 320 * 180 * 3, "\(o.label)")
        }
        // The zero field leaves the sheet's background clear: compare a background pixel
        // in a corner of the sheet with and without a field of zeros on a neuron-free sheet.
        var empty = base
        empty.x = []; empty.y = []; empty.population = []; empty.synapsePre = []; empty.synapsePost = []
        var zero = empty
        zero.overlay = cases[4]
        let type = Typography(height: 180, width: 320)
        let sheet = FrameLayout(width: 320, height: 180, sheetAspect: 1, type: type, overlayBar: true).sheet
        let a = FrameRenderer(options: options).render(zero)
        let b = FrameRenderer(options: options).render(empty)
        let x = Int(sheet.midX), y = Int(sheet.midY), i = (y * 320 + x) * 3
        #expect(a.pixels[i..<(i + 3)] == b.pixels[i..<(i + 3)])
    }
}
