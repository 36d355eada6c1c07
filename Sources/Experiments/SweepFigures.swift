// SweepFigures: PNG figures of a collected sweep — for each summary metric, the metric
// against the first numeric axis, one line per value of the next axis, mean ± sd over
// seeds, one panel per population. Further axes give one figure per combination of their
// values. Named points are not on the grid and are left out of figures (not of the table).

import Foundation
import PNGCodec
import Rendering

public enum SweepFigures {
    public static let metrics: [(key: String, label: String)] = [("rate_hz", "firing rate (Hz)"), ("cv_isi", "CV of ISI"), ("synchrony", "synchrony χ")]

    /// Writes the figures into `dir`; returns their paths, or a note why there are none.
    public static func write(_ table: CollectedTable, manifest m: SweepManifest, to dir: String) throws -> (paths: [String], note: String?) {
        let axes = table.columns.filter { !$0.isSeeds }
        guard let xCol = axes.first(where: { $0.unit != nil }) else {
            return ([], "no figures: no axis has numeric values")
        }
        let lineCol = axes.first { $0.axis != xCol.axis }
        let extra = axes.filter { $0.axis != xCol.axis && $0.axis != lineCol?.axis }
        let seedCount = max(1, table.columns.first(where: \.isSeeds)?.values.count ?? 1)
        let grid = table.rows.filter { $0.point.name == nil }
        var paths: [String] = []
        let combos = uniqueInOrder(grid.map { r in extra.map { "\($0.name)=\(r.point.value(of: $0.name) ?? "")" } })
        for combo in combos {
            for (metric, label) in metrics {
                let rows = grid.filter { r in r.metric == metric && extra.map { "\($0.name)=\(r.point.value(of: $0.name) ?? "")" } == combo }
                let panels = m.populations.map { pop in
                    panel(rows.filter { $0.population == pop }, title: pop, x: xCol, line: lineCol, yLabel: label)
                }
                let suffix = combo.isEmpty ? "" : "__" + combo.joined(separator: "__")
                let path = dir + "/" + fileName(metric + suffix) + ".png"
                let title = "\(label) – sweep \(m.name)" + (combo.isEmpty ? "" : " (\(combo.joined(separator: ", ")))")
                let subtitle = seedCount > 1 ? "mean ± sd over \(seedCount) seeds" : "one seed per point"
                try render(panels, title: title, subtitle: subtitle, to: path)
                paths.append(path)
            }
        }
        return (paths, nil)
    }

    static func panel(_ rows: [ResultRow], title: String, x: ColumnInfo, line: ColumnInfo?, yLabel: String) -> PlotPanel {
        let groups = line.map { l in l.values.filter { v in rows.contains { $0.point.value(of: l.name) == v } } } ?? [""]
        let series = groups.enumerated().map { k, g -> PlotSeries in
            let mine = rows.filter { line == nil || $0.point.value(of: line!.name) == g }
            var byX: [Double: [Double]] = [:]
            for r in mine {
                guard let xv = x.number(r.point.value(of: x.name) ?? ""), let v = r.value else { continue }
                byX[xv, default: []].append(v)
            }
            let pts = byX.keys.sorted().map { xv -> PlotPoint in
                let vs = byX[xv]!
                let mean = vs.reduce(0, +) / Double(vs.count)
                let sd = vs.count > 1 ? (vs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(vs.count - 1)).squareRoot() : nil
                return PlotPoint(x: xv, mean: mean, sd: sd, n: vs.count)
            }
            return PlotSeries(label: line.map { "\($0.name) = \(g)" } ?? "", colour: LinePlot.palette[k % LinePlot.palette.count], points: pts)
        }
        let unit = x.unit.map { $0.isEmpty ? "" : " (\($0))" } ?? ""
        return PlotPanel(title: title, xLabel: x.name + unit, yLabel: yLabel, series: series)
    }

    static func render(_ panels: [PlotPanel], title: String, subtitle: String, to path: String) throws {
        let cols = min(3, max(1, panels.count)), rows = (panels.count + cols - 1) / cols
        let pw = 760, ph = 560, margin = 40, head = 96
        let width = margin * 2 + cols * pw + (cols - 1) * margin, height = head + rows * ph + margin
        var c = PixelCanvas(width: width, height: height, background: Colour(hex: 0xFFFFFF))
        c.text(title, x: Double(margin), y: 46, size: 30, LinePlot.ink)
        c.text(subtitle, x: Double(margin), y: 80, size: 20, LinePlot.muted)
        for (i, p) in panels.enumerated() {
            let x = margin + (i % cols) * (pw + margin), y = head + (i / cols) * ph
            LinePlot.draw(p, x: Double(x), y: Double(y), w: Double(pw), h: Double(ph - 20), on: &c)
        }
        do {
            try PNGWriter.write(pixels: c.pixels, width: width, height: height, channels: 3, to: path,
                                text: [("Title", title), ("Software", "Neuroplast \(NeuroplastVersion.string)")], level: 6, filter: .sub)
        } catch {
            throw SweepError.io("cannot write \(path): \(error)")
        }
    }

    static func fileName(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "=" || $0 == "." ? $0 : "_" })
    }

    static func uniqueInOrder(_ xs: [[String]]) -> [[String]] {
        var seen = Set<[String]>(), out: [[String]] = []
        for x in xs where seen.insert(x).inserted { out.append(x) }
        return out.isEmpty ? [[]] : out
    }
}
