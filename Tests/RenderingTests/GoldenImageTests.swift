// Golden images: small frames, a summary of the fixed snapshot and a small line plot,
// compared with committed references in Golden/ (per pixel, channels may differ by ≤ 8;
// at most 1 % of pixels may differ more, for font rasterisation differences). Regenerate with
// NEUROPLAST_UPDATE_GOLDEN=1 swift test --filter RenderingTests. Also: equal snapshots
// render to identical bytes.

import Foundation
import NeuroplastCore
import PNGCodec
import Rendering
import Testing

@Suite struct GoldenImageTests {
    static let cases: [(name: String, options: FrameOptions)] = [
        ("frame-480x270-light", FrameOptions(width: 480, height: 270, theme: .light)),
        ("frame-480x270-dark", FrameOptions(width: 480, height: 270, theme: .dark, seriesNames: ["Firing rate", "Synchrony"])),
        ("frame-320x180-dark-v", FrameOptions(width: 320, height: 180, theme: .dark, colourBy: "v", drawSynapses: false,
                                              colourMap: .coolwarm)),
    ]

    static var goldenSourceDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    }

    static var updating: Bool { ProcessInfo.processInfo.environment["NEUROPLAST_UPDATE_GOLDEN"] == "1" }

    @Test(arguments: 0..<cases.count)
    func frameMatchesGolden(index: Int) throws {
        let (name, options) = Self.cases[index]
        let image = FrameRenderer(options: options).render(Fixture.snapshot)
        try compare(image, name: name)
    }

    @Test func summaryMatchesGolden() throws {
        let s = Fixture.snapshot
        let image = SummaryRenderer(width: 480, height: 270, theme: .light)
            .render(scenarioName: s.scenarioName, duration: s.time, populations: s.populations, series: s.series)
        try compare(image, name: "summary-480x270-light")
    }

    @Test func linePlotMatchesGolden() throws {
        let image = LinePlotRenderer(panelWidth: 480, panelHeight: 240, theme: .light)
            .render(title: "firing rate (Hz) – sweep demo", subtitle: "mean ± sd over 2 seeds",
                    panels: LinePlotTests.panels(errors: true, colour: .index(0)))
        try compare(image, name: "lineplot-480x240-light")
    }

    @Test func identicalSnapshotsGiveIdenticalBytes() throws {
        let options = FrameOptions(width: 400, height: 225, theme: .dark, seriesNames: ["Firing rate", "ISI CV"])
        let a = FrameRenderer(options: options).render(Fixture.snapshot)
        let b = FrameRenderer(options: options).render(SyntheticSnapshot.make(neurons: 600, synapses: 800,
                                                                              time: 8_100_000, rasterRows: 60))
        #expect(a.pixels == b.pixels)
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p1 = dir.appendingPathComponent("a.png").path, p2 = dir.appendingPathComponent("b.png").path
        try FrameRenderer(options: options).writePNG(Fixture.snapshot, to: p1, seed: 7)
        try FrameRenderer(options: options).writePNG(Fixture.snapshot, to: p2, seed: 7)
        #expect(FileManager.default.contents(atPath: p1) == FileManager.default.contents(atPath: p2))
    }

    @Test func emptySnapshotRendersWithoutCrashing() {
        let empty = FrameSnapshot(scenarioName: "", time: 0, phase: "", sheetWidth: 0, sheetHeight: 0, populations: [],
                                  x: [], y: [], population: [], quantities: [], synapsePre: [], synapsePost: [],
                                  raster: RasterSample(rowPopulation: [], spikeTimes: [], spikeRows: [], window: 0...0),
                                  series: [])
        let image = FrameRenderer(options: FrameOptions(width: 320, height: 180)).render(empty)
        #expect(image.pixels.count == 320 * 180 * 3)
        let summary = SummaryRenderer(width: 320, height: 180).render(scenarioName: "", duration: 0, populations: [], series: [])
        #expect(summary.pixels.count == 320 * 180 * 3)
    }

    func compare(_ image: PNGImage, name: String) throws {
        if Self.updating {
            let path = Self.goldenSourceDirectory.appendingPathComponent("\(name).png").path
            try image.write(to: path, level: 9, filter: .adaptive)
            print("updated golden \(path)")
            return
        }
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Golden/\(name).png"),
              FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("missing golden \(name).png; run with NEUROPLAST_UPDATE_GOLDEN=1 to create it")
            return
        }
        let golden = try PNGReader.read(path: url.path)
        #expect(golden.width == image.width && golden.height == image.height)
        guard golden.width == image.width, golden.height == image.height else { return }
        var bad = 0, worst = 0
        for i in 0..<(image.width * image.height) {
            var d = 0
            for c in 0..<3 {
                d = max(d, abs(Int(image.pixels[i * image.channels + c]) - Int(golden.pixels[i * 4 + c])))
            }
            worst = max(worst, d)
            if d > 8 { bad += 1 }
        }
        let allowed = image.width * image.height / 100
        if bad > allowed {
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("neuroplast-golden-\(name).png").path
            try? image.write(to: out)
            Issue.record("\(name): \(bad) pixels differ by > 8 (allowed \(allowed), worst \(worst)); actual written to \(out)")
        }
    }
}
