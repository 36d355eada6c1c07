// SweepFigures: PNG figures of a collected sweep — for each summary metric, the metric
// against the first numeric axis, one line per value of the next axis, mean ± sd over
// seeds, one panel per population. Further axes give one figure per combination of their
// values. Named points are not on the grid and are left out of figures (not of the table).

import Foundation
import Rendering

public enum SweepFigures {
    /// Summary metrics with their figure label and unit (empty for dimensionless ones).
    public static let metrics: [(key: String, label: String, unit: String)] = [
        ("rate_hz", "firing rate", "Hz"), ("cv_isi", "CV of ISI", ""), ("synchrony", "synchrony χ", ""),
    ]

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
            for (metric, label, unit) in metrics {
                let rows = grid.filter { r in r.metric == metric && extra.map { "\($0.name)=\(r.point.value(of: $0.name) ?? "")" } == combo }
                let panels = m.populations.map { pop in
                    panel(rows.filter { $0.population == pop }, title: pop, x: xCol, line: lineCol, yLabel: label, yUnit: unit)
                }
                let suffix = combo.isEmpty ? "" : "__" + combo.joined(separator: "__")
                let path = dir + "/" + fileName(metric + suffix) + ".png"
                let fullLabel = unit.isEmpty ? label : "\(label) (\(unit))"
                let title = "\(fullLabel) – sweep \(m.name)" + (combo.isEmpty ? "" : " (\(combo.joined(separator: ", ")))")
                let subtitle = seedCount > 1 ? "mean ± sd over \(seedCount) seeds" : "one seed per point"
                do {
                    try LinePlotRenderer().writePNG(to: path, title: title, subtitle: subtitle, panels: panels)
                } catch {
                    throw SweepError.io("cannot write \(path): \(error)")
                }
                paths.append(path)
            }
        }
        return (paths, nil)
    }

    /// One population's panel: a line per value of `line` (in axis order), each point the
    /// mean over seeds at one x with the sample sd as its error bar (none for one seed).
    static func panel(_ rows: [ResultRow], title: String, x: ColumnInfo, line: ColumnInfo?, yLabel: String, yUnit: String) -> LinePanel {
        let groups = line.map { l in l.values.filter { v in rows.contains { $0.point.value(of: l.name) == v } } } ?? [""]
        let lines = groups.enumerated().map { k, g -> PlotLine in
            let mine = rows.filter { line == nil || $0.point.value(of: line!.name) == g }
            var byX: [Double: [Double]] = [:]
            for r in mine {
                guard let xv = x.number(r.point.value(of: x.name) ?? ""), let v = r.value else { continue }
                byX[xv, default: []].append(v)
            }
            let pts = byX.keys.sorted().map { xv -> LinePoint in
                let vs = byX[xv]!
                let mean = vs.reduce(0, +) / Double(vs.count)
                let sd = vs.count > 1 ? (vs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(vs.count - 1)).squareRoot() : nil
                return LinePoint(x: xv, y: mean, error: sd)
            }
            return PlotLine(name: line.map { "\($0.name) = \(g)" } ?? "", colourIndex: k, points: pts)
        }
        return LinePanel(title: title, xLabel: x.name, xUnit: x.unit ?? "", yLabel: yLabel, yUnit: yUnit, lines: lines)
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
