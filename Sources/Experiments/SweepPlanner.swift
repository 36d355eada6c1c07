// SweepPlanner: expands a `SweepSpec` into points and validates every one by loading the
// base scenario with the point's overrides, before anything runs. Faults are located:
// first the base scenario alone, then each override alone (a bad value is reported at its
// place in the sweep file), then each whole point (a combination that is invalid reports
// the point and the scenario's message). Every fault is collected; nothing is thrown early.

import Foundation
import InputReading

/// Column metadata for tables and figures.
public struct ColumnInfo: Sendable, Codable, Equatable {
    public var name: String
    public var key: String
    /// Index of the axis (zipped columns share one).
    public var axis: Int
    public var isSeeds: Bool
    public var values: [String]
    /// The common unit when every value is a number ("" for plain numbers), else nil.
    public var unit: String?
    enum CodingKeys: String, CodingKey { case name, key, axis, isSeeds = "seeds", values, unit }

    /// The numeric value of `text` in this column's unit, if the column is numeric.
    public func number(_ text: String) -> Double? {
        guard unit != nil, let q = Quantity.parse(text) else { return nil }
        return q.value
    }
}

/// A validated sweep: everything `sweep.json` records.
public struct SweepPlan: Sendable {
    public var spec: SweepSpec
    public var baseText: String
    public var scenarioName: String
    public var populations: [String]
    public var columns: [ColumnInfo]
    public var points: [SweepPoint]
}

public enum SweepPlanner {
    /// Plans `spec`; throws `ScenarioErrors` with every fault found.
    public static func plan(_ spec: SweepSpec) throws -> SweepPlan {
        let baseText: String
        do { baseText = try ScenarioLoader.readText(spec.basePath, what: "base scenario") } catch let e as ScenarioErrors {
            let why = e.diagnostics.first?.message ?? "cannot be read"
            throw ScenarioErrors([Diagnostic(spec.baseLocation, "\(why); `base` is a path relative to the sweep file (\(spec.basePath))")], isUsage: true)
        }
        return try plan(spec, baseText: baseText)
    }

    public static func plan(_ spec: SweepSpec, baseText: String) throws -> SweepPlan {
        let baseFile = spec.basePath
        // 1. The base scenario alone.
        let base = try ScenarioLoader.load(text: baseText, file: baseFile)
        // 2. Each override alone, so a bad key or value is reported where it is written.
        var diagnostics: [Diagnostic] = []
        var badOrigins = Set<SourceLocation>()
        var checked = Set<String>()
        let singles = spec.fixed + spec.axes.flatMap { a in a.columns.flatMap { c in c.values.map { Override(path: c.path, value: $0.text, origin: $0.location) } } }
            + spec.named.flatMap(\.overrides)
        for o in singles where checked.insert("\(o.origin)|\(o.path)|\(o.value)").inserted {
            if let errors = loadErrors(baseText, baseFile, [o]) {
                badOrigins.insert(o.origin)
                diagnostics += errors.diagnostics.map { relocate($0, to: o, baseFile: baseFile) }
            }
        }
        // 3. Every point.
        let drafts = expand(spec)
        var points: [SweepPoint] = []
        var pointFaults: [String: (Diagnostic, [String])] = [:]
        var faultOrder: [String] = []
        var seenIDs: [String: String] = [:]
        for d in drafts {
            let pointOverrides = d.overrides.map { PointOverride(key: $0.path.joined(separator: "."), value: $0.value) }
            let id = SweepPoint.id(for: pointOverrides)
            if let other = seenIDs[id] {
                diagnostics.append(Diagnostic(d.location, "\(d.label) has the same overrides as \(other) (id \(id)); each point must differ"))
                continue
            }
            seenIDs[id] = d.label
            if d.overrides.contains(where: { badOrigins.contains($0.origin) }) { continue }  // reported in step 2
            do {
                let sc = try ScenarioLoader.load(text: baseText, file: baseFile, overrides: d.overrides)
                points.append(SweepPoint(index: points.count, id: id, name: d.name, overrides: pointOverrides, axes: d.axes,
                                         runDir: "\(id)/\(sc.name)/run", transientMs: sc.time.transient,
                                         estimate: CostModel.estimate(sc)))
            } catch let e as ScenarioErrors {
                for diag in e.diagnostics {
                    let key = diag.description
                    if pointFaults[key] == nil { pointFaults[key] = (diag, []); faultOrder.append(key) }
                    pointFaults[key]!.1.append("\(d.label) (\(d.summary))")
                }
            }
        }
        for key in faultOrder {
            guard let (diag, labels) = pointFaults[key] else { continue }
            let shown = labels.prefix(3).joined(separator: "; ") + (labels.count > 3 ? "; and \(labels.count - 3) more" : "")
            let anchor = drafts.first { labels.first?.hasPrefix($0.label) ?? false }?.location ?? spec.axesLocation
            diagnostics.append(Diagnostic(anchor, "\(labels.count) point\(labels.count == 1 ? " is" : "s are") invalid: \(diag) — \(shown)"))
        }
        if !diagnostics.isEmpty {
            var seen = Set<Diagnostic>()
            throw ScenarioErrors(diagnostics.filter { seen.insert($0).inserted })
        }
        let popNames = base.populations.map(\.name)
        return SweepPlan(spec: spec, baseText: baseText, scenarioName: base.name, populations: popNames,
                         columns: columns(spec), points: points)
    }

    static func loadErrors(_ text: String, _ file: String, _ overrides: [Override]) -> ScenarioErrors? {
        do { _ = try ScenarioLoader.load(text: text, file: file, overrides: overrides); return nil }
        catch let e as ScenarioErrors { return e }
        catch { return ScenarioErrors([Diagnostic(overrides.first?.origin ?? SourceLocation(file: file, line: 1, column: 1), "\(error)")]) }
    }

    /// A fault caused by one override, moved to where the override is written.
    static func relocate(_ d: Diagnostic, to o: Override, baseFile: String) -> Diagnostic {
        let key = o.path.joined(separator: ".")
        var msg = d.message.replacingOccurrences(of: "`--set` path", with: "key path")
        if d.location != o.origin { msg = "`\(key)` = \"\(o.value)\": \(msg)" }
        if d.location.file == baseFile, d.location != o.origin, !(d.location.line == 1 && d.location.column <= 1) {
            msg += " (in the base scenario at \(d.location))"
        }
        return Diagnostic(o.origin, msg)
    }

    // MARK: expansion

    struct Draft {
        var name: String?
        var label: String
        var overrides: [Override]
        var axes: [AxisEntry]
        var location: SourceLocation
        var summary: String { axes.map { "\($0.column)=\($0.value)" }.joined(separator: ", ") }
    }

    /// Grid points (last axis fastest), then named points (each for every seed).
    static func expand(_ spec: SweepSpec) -> [Draft] {
        var out: [Draft] = []
        let gridAxes = spec.axes
        let seedAxis = spec.axes.first(where: \.isSeeds)
        let hasGrid = gridAxes.contains { !$0.isSeeds }
        if hasGrid {
            var index = [Int](repeating: 0, count: gridAxes.count)
            var k = 0
            outer: while true {
                var ov: [Override] = [], axes: [AxisEntry] = []
                for (a, axis) in gridAxes.enumerated() {
                    for c in axis.columns {
                        let v = c.values[index[a]]
                        ov.append(Override(path: c.path, value: v.text, origin: v.location))
                        axes.append(AxisEntry(column: c.name, value: v.text))
                    }
                }
                out.append(Draft(name: nil, label: "grid point #\(k)", overrides: merged(spec.fixed, ov), axes: axes,
                                 location: spec.axesLocation))
                k += 1
                var a = gridAxes.count - 1
                while a >= 0 {
                    index[a] += 1
                    if index[a] < gridAxes[a].count { break }
                    index[a] = 0; a -= 1
                }
                if a < 0 { break outer }
            }
        }
        for p in spec.named {
            let seeds = seedAxis?.columns.first?.values.map { Optional($0) } ?? [nil]
            for s in seeds {
                var ov = p.overrides, axes: [AxisEntry] = []
                if let s, let c = seedAxis?.columns.first {
                    ov.append(Override(path: ["seed"], value: s.text, origin: s.location))
                    axes.append(AxisEntry(column: c.name, value: s.text))
                }
                out.append(Draft(name: p.name, label: "point `\(p.name)`", overrides: merged(spec.fixed, ov), axes: axes,
                                 location: p.location))
            }
        }
        return out
    }

    /// Shared overrides then the point's own; a later value of the same key replaces the earlier.
    static func merged(_ a: [Override], _ b: [Override]) -> [Override] {
        var out = a
        for o in b {
            if let i = out.firstIndex(where: { $0.path == o.path }) { out[i] = o } else { out.append(o) }
        }
        return out
    }

    static func columns(_ spec: SweepSpec) -> [ColumnInfo] {
        spec.axes.enumerated().flatMap { a, axis in
            axis.columns.map { c in
                let qs = c.values.map { Quantity.parse($0.text) }
                let units = Set(qs.map { $0?.unit ?? "\u{0}" })
                let unit = qs.allSatisfy { $0 != nil } && units.count == 1 ? units.first : nil
                return ColumnInfo(name: c.name, key: c.key, axis: a, isSeeds: axis.isSeeds, values: c.values.map(\.text), unit: unit)
            }
        }
    }
}
