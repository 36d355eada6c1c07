// Colour maps, clock text and nice ticks: endpoints match the published tables, clocks
// switch resolution with magnitude, ticks land on 1/2/2.5/5 × 10ⁿ.

import Rendering
import Testing

@Suite struct ScalesTests {
    /// Values at the ends of Double (a crafted checkpoint's series, or a run gone wild) give a
    /// handful of ticks, not 10³⁰⁸ of them.
    @Test func extremeRangesGiveFewTicks() {
        for (lo, hi) in [(-1.7e308, 1.7e308), (0, Double.greatestFiniteMagnitude), (1e299, 1.0000000000001e299), (-5, 1e305)] {
            let t = NiceTicks(lo: lo, hi: hi)
            #expect(t.values.count >= 2 && t.values.count <= 24 && t.step.isFinite && t.step > 0, "\(lo)…\(hi): \(t.values.count) ticks")
        }
        #expect(NiceTicks(lo: 0, hi: 10).values == [0, 2, 4, 6, 8, 10])
    }

    @Test func viridisEndpointsMatchPublishedTable() {
        let v = ColourMap.viridis.entries
        #expect(v.count == 256)
        #expect(v[0] == Colour(r: Double(Float(0.267004)), g: Double(Float(0.004874)), b: Double(Float(0.329415))))
        #expect(v[255] == Colour(r: Double(Float(0.993248)), g: Double(Float(0.906157)), b: Double(Float(0.143936))))
        #expect(v[128] == Colour(r: Double(Float(0.127568)), g: Double(Float(0.566949)), b: Double(Float(0.550556))))
    }

    @Test func magmaEndpointsMatchPublishedTable() {
        let v = ColourMap.magma.entries
        #expect(v.count == 256)
        #expect(v[0] == Colour(r: Double(Float(0.001462)), g: Double(Float(0.000466)), b: Double(Float(0.013866))))
        #expect(v[255] == Colour(r: Double(Float(0.987053)), g: Double(Float(0.991438)), b: Double(Float(0.749504))))
        #expect(v[128] == Colour(r: Double(Float(0.716387)), g: Double(Float(0.214982)), b: Double(Float(0.47529))))
    }

    @Test func coolwarmEndpointsMatchPublishedTable() {
        let c = ColourMap.coolwarm.entries
        #expect(c.count == 256)
        #expect(c[0] == Colour(r: Double(Float(0.2298057)), g: Double(Float(0.298717966)), b: Double(Float(0.753683153))))
        #expect(c[255] == Colour(r: Double(Float(0.705673158)), g: Double(Float(0.01555616)), b: Double(Float(0.150232812))))
        // Near-grey in the middle.
        #expect(abs(c[128].r - c[128].b) < 0.01)
    }

    @Test func colourMapLookup() {
        let m = ColourMap.viridis
        #expect(m.index(of: -5, in: 0...10) == 0)
        #expect(m.index(of: 10, in: 0...10) == 255)
        #expect(m.index(of: 99, in: 0...10) == 255)
        #expect(m.index(of: 5, in: 0...10) == 128)
        #expect(m.index(of: .nan, in: 0...10) == 0)
        #expect(ColourMap.resolve(.automatic, diverging: true).name == "coolwarm")
        #expect(ColourMap.resolve(.automatic, diverging: false).name == "viridis")
    }

    @Test(arguments: [
        (0.0, "t = 0.000 s"), (1250.0, "t = 1.250 s"), (59_999.4, "t = 59.999 s"), (59_999.6, "t = 1 min 0 s"),
        (125_000.0, "t = 2 min 5 s"), (8_100_000.0, "t = 2 h 15 min"), (3_600_000.0, "t = 1 h 0 min"),
        (100_800_000.0, "t = 1 d 4 h"), (-1500.0, "t = \u{2212}1.500 s"), (0.4, "t = 0.000 s"),
    ])
    func clockFormatting(ms: Double, expected: String) {
        #expect(ClockFormat.clock(milliseconds: ms) == expected)
    }

    @Test func niceTicks() {
        let a = NiceTicks(lo: 0, hi: 1, target: 5)
        #expect(a.step == 0.2 && a.values.count == 6 && a.label(a.values[1]) == "0.2")
        let b = NiceTicks(lo: 3.7, hi: 57.1, target: 5)
        #expect(b.step == 10 && b.lower == 0 && b.upper == 60 && b.label(30) == "30")
        let c = NiceTicks(lo: -1000, hi: 0, target: 6)
        #expect(c.step == 200 && c.values.first == -1000 && c.values.last == 0 && c.label(-400) == "\u{2212}400")
        let d = NiceTicks(lo: 0, hi: 10, target: 4)
        #expect(d.step == 2.5 && d.decimals == 1 && d.label(7.5) == "7.5")
        let e = NiceTicks(lo: 0, hi: 2.25, target: 6, expand: false)
        #expect(e.lower == 0 && e.upper == 2.25 && e.values.last == 2.0)
        let f = NiceTicks(lo: 5, hi: 5)
        #expect(f.lower < 5 && f.upper > 5)
        #expect(NiceTicks.niceStep(0.0031) == 0.0025)
        #expect(NiceTicks.niceStep(0.0041) == 0.005)
        #expect(NiceTicks.niceStep(80) == 100)
        let g = NiceTicks(lo: -66, hi: -59, target: 7)
        #expect(g.step == 1 && g.decimals == 0 && g.label(-60) == "\u{2212}60")
        #expect(NiceTicks(lo: 0, hi: 0.5, target: 5).label(0.3) == "0.3")
        #expect(formatFixed(-0.0001, decimals: 2) == "0.00")
        #expect(formatFixed(1234.5678, decimals: 2) == "1234.57")
    }
}
