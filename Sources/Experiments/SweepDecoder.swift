// SweepDecoder: sweep file text → `SweepSpec`, reporting every fault of the file at once
// with its file:line:column (through the scenario loader's `NodeReader` and
// `DiagnosticSink`). Only the sweep file's own shape is checked here; whether each key
// exists in the base scenario and each point is a valid scenario is `SweepPlanner`'s job.

import Foundation
import InputReading
import Yams

public enum SweepDecoder {
    public static let formatVersion = 1
    static let topKeys = ["sweep", "name", "description", "base", "set", "axes", "points"]
    static let axisKeys = ["key", "name", "values", "range", "log", "zip", "seeds"]
    /// Refuse grids larger than this (a typo in a range step should not plan a million runs).
    public static let maxPoints = 100_000

    /// Reads and decodes a sweep file; throws `ScenarioErrors` (usage if unreadable).
    public static func load(path: String) throws -> SweepSpec {
        try decode(text: ScenarioLoader.readText(path, what: "sweep"), file: path)
    }

    /// Decodes sweep file text; `file` names it in messages and anchors the base path.
    public static func decode(text: String, file: String) throws -> SweepSpec {
        let root = try ScenarioLoader.parse(text: text, file: file)
        let sink = DiagnosticSink()
        let doc = NodeReader(node: root, file: file, path: "", sink: sink)
        let spec = decode(doc, file: file)
        try sink.throwIfAny()
        guard let spec else { throw ScenarioErrors([Diagnostic(doc.location, "the sweep file could not be read")]) }
        return spec
    }

    static func decode(_ doc: NodeReader, file: String) -> SweepSpec? {
        guard let top = doc.mapping(allowed: topKeys) else { return nil }
        if let v = top.required("sweep", in: doc), let n = v.int(), n != formatVersion {
            v.error("`sweep` is the sweep file format version and must be \(formatVersion); got \(n)")
        }
        let name = top.required("name", in: doc)?.string()
        if let n = name, let r = top["name"], !isFolderName(n) {
            r.error("`name` names the sweep folder: letters, digits, `-` and `_` only; got \"\(n)\"")
        }
        let base = top.required("base", in: doc)?.string()
        let fixed = top["set"].map { overrides($0) } ?? []
        var axes: [SweepAxis] = []
        if let a = top["axes"], let items = a.sequence() {
            if items.isEmpty { a.error("`axes` is empty; list at least one axis, or leave `axes` out and list `points`") }
            for item in items { if let axis = decodeAxis(item) { axes.append(axis) } }
        }
        var named: [NamedPoint] = []
        if let p = top["points"], let items = p.sequence() {
            if items.isEmpty { p.error("`points` is empty; list at least one named point, or leave `points` out") }
            for item in items {
                guard let m = item.mapping(allowed: ["name", "set"]) else { continue }
                guard let n = m.required("name", in: item)?.string(), let s = m.required("set", in: item) else { continue }
                if named.contains(where: { $0.name == n }) { m["name"]?.error("duplicate point name `\(n)`") }
                named.append(NamedPoint(name: n, overrides: overrides(s), location: item.location))
            }
        }
        if top["axes"] == nil && top["points"] == nil {
            doc.error("the sweep has no points: give `axes` (a grid) and/or `points` (named points)")
        }
        if axes.allSatisfy(\.isSeeds) && !axes.isEmpty && named.isEmpty {
            top["axes"]?.error("the sweep varies only the seed: add an axis over a scenario key, or named `points`")
        }
        checkDuplicates(axes: axes, fixed: fixed, sink: doc.sink)
        let total = axes.reduce(1) { $0.multipliedReportingOverflow(by: max(1, $1.count)).partialValue }
        if total > maxPoints, let a = top["axes"] {
            a.error("the grid has \(total) points, more than the \(maxPoints) a sweep may have; check range steps and counts")
        }
        guard let name, let base else { return nil }
        let dir = (file as NSString).deletingLastPathComponent
        let basePath = base.hasPrefix("/") || dir.isEmpty ? base : dir + "/" + base
        return SweepSpec(name: name, description: top["description"]?.string() ?? "", file: file,
                         basePath: basePath, baseLocation: top["base"]?.location ?? doc.location,
                         fixed: fixed, axes: axes, named: named,
                         axesLocation: top["axes"]?.location ?? doc.location)
    }

    /// A `set:` mapping of key paths to values, in file order.
    static func overrides(_ r: NodeReader) -> [Override] {
        guard case let .mapping(m) = r.node else {
            r.error("`\(r.path)` must be a mapping of scenario key paths to values, e.g. {time.duration: 200 ms}; got \(kind(r.node))")
            return []
        }
        var out: [Override] = []
        for (k, v) in m {
            let loc = location(of: v, file: r.file, fallback: r.location)
            guard let key = k.string, let path = keyPath(key) else {
                r.sink.error(location(of: k, file: r.file, fallback: r.location),
                             "`\(r.path)` keys must be dotted scenario key paths like `populations.pyr.count`; got \"\(k.string ?? "?")\"")
                continue
            }
            if out.contains(where: { $0.path == path }) { r.sink.error(loc, "`\(key)` is set twice in `\(r.path)`") }
            out.append(Override(path: path, value: valueText(v), origin: loc))
        }
        return out
    }

    static func decodeAxis(_ r: NodeReader) -> SweepAxis? {
        guard let m = r.mapping(allowed: axisKeys) else { return nil }
        let kinds = ["values", "range", "log", "zip", "seeds"].filter { m[$0] != nil }
        guard kinds.count == 1 else {
            r.error(kinds.isEmpty
                    ? "`\(r.path)` needs one of `values`, `range`, `log`, `zip` or `seeds`"
                    : "`\(r.path)` has \(kinds.map { "`\($0)`" }.joined(separator: " and ")); give exactly one")
            return nil
        }
        switch kinds[0] {
        case "seeds":
            if let k = m["key"] { k.error("a `seeds` axis varies `seed`; it takes no `key`") }
            guard let values = seeds(m["seeds"]!) else { return nil }
            let column = AxisColumn(name: m["name"]?.string() ?? "seed", path: ["seed"], values: values, keyLocation: r.location)
            return SweepAxis(columns: [column], isSeeds: true, location: r.location)
        case "zip":
            if let k = m["key"] { k.error("a `zip` axis takes its keys from its members; move `key` into each member") }
            guard let items = m["zip"]!.sequence() else { return nil }
            if items.count < 2 { m["zip"]!.error("`\(r.path).zip` needs at least two members (keys that vary together)") }
            let columns = items.compactMap { item -> AxisColumn? in
                guard let mm = item.mapping(allowed: ["key", "name", "values", "range", "log"]) else { return nil }
                return column(item, mm)
            }
            guard columns.count == items.count, !columns.isEmpty else { return nil }
            let lengths = columns.map(\.values.count)
            if Set(lengths).count > 1 {
                r.error("the members of `\(r.path).zip` must have equal lengths to vary together; got \(zip(columns, lengths).map { "`\($0.key)` \($1)" }.joined(separator: ", "))")
                return nil
            }
            return SweepAxis(columns: columns, isSeeds: false, location: r.location)
        default:
            guard let c = column(r, m) else { return nil }
            return SweepAxis(columns: [c], isSeeds: false, location: r.location)
        }
    }

    /// One key with `values`, `range` or `log`.
    static func column(_ r: NodeReader, _ m: [String: NodeReader]) -> AxisColumn? {
        guard let keyReader = m.required("key", in: r), let key = keyReader.string() else { return nil }
        guard let path = keyPath(key) else {
            keyReader.error("`\(keyReader.path)` must be a dotted scenario key path like `drive.0.poisson.rate`; got \"\(key)\"")
            return nil
        }
        var values: [AxisValue]?
        if let v = m["values"] {
            if let items = v.sequence() {
                if items.isEmpty { v.error("`\(v.path)` is empty; an axis needs at least one value") }
                values = items.map { AxisValue(text: valueText($0.node), location: $0.location) }
            }
        } else if let g = m["range"] {
            values = AxisRanges.linear(g)
        } else if let g = m["log"] {
            values = AxisRanges.logarithmic(g)
        } else {
            r.error("`\(r.path)` needs `values`, `range` or `log`")
        }
        guard let values, !values.isEmpty else { return nil }
        return AxisColumn(name: m["name"]?.string() ?? key, path: path, values: values, keyLocation: keyReader.location)
    }

    static func seeds(_ r: NodeReader) -> [AxisValue]? {
        if case .sequence = r.node {
            guard let items = r.sequence() else { return nil }
            if items.isEmpty { r.error("`\(r.path)` is empty; give at least one seed") }
            let v = items.compactMap { i in i.uint64().map { AxisValue(text: String($0), location: i.location) } }
            return v.count == items.count && !v.isEmpty ? v : nil
        }
        guard let m = r.mapping(allowed: ["from", "count"]) else { return nil }
        let from = m["from"]?.uint64() ?? 1
        guard let count = m.required("count", in: r)?.int(min: 1, max: 10_000) else { return nil }
        guard from <= UInt64.max - UInt64(count) else { r.error("`\(r.path)`: seeds overflow"); return nil }
        return (0..<UInt64(count)).map { AxisValue(text: String(from + $0), location: r.location) }
    }

    // MARK: helpers

    static func keyPath(_ key: String) -> [String]? {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if key.isEmpty || parts.contains(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) { return nil }
        return parts
    }

    static func isFolderName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 100 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// YAML text of a value: a scalar's text, or a section serialised as YAML.
    static func valueText(_ n: Node) -> String {
        if case let .scalar(s) = n { return s.string }
        let text = (try? Yams.serialize(node: n)) ?? ""
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    static func location(of n: Node, file: String, fallback: SourceLocation) -> SourceLocation {
        n.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? fallback
    }

    static func kind(_ n: Node) -> String {
        switch n {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case let .scalar(s): return "\"\(s.string)\""
        case .alias: return "an alias"
        }
    }

    /// A key may be varied or set in one place only.
    static func checkDuplicates(axes: [SweepAxis], fixed: [Override], sink: DiagnosticSink) {
        var seenKeys: [String: SourceLocation] = [:], seenNames: Set<String> = []
        for o in fixed { seenKeys[o.path.joined(separator: ".")] = o.origin }
        for c in axes.flatMap(\.columns) {
            if let first = seenKeys[c.key] {
                sink.error(c.keyLocation, "`\(c.key)` is already varied or set at \(first); a key may appear once")
            } else { seenKeys[c.key] = c.keyLocation }
            if !seenNames.insert(c.name).inserted {
                sink.error(c.keyLocation, "axis name `\(c.name)` is used twice; give each axis a distinct `name`")
            }
        }
    }
}
