// AxisRanges: the values of `range: {start, stop, step}` (stop included when a whole
// number of steps reaches it) and `log: {start, stop, count}` (geometric, both ends
// included) axes, as override text. Numbers may carry a unit ("10 nS") or share one
// given as `unit:`; values are printed with 12 (linear) or 6 (log) significant digits so
// that 0.1 + 0.2 prints as 0.3.

import Foundation
import InputReading

enum AxisRanges {
    static let maxValues = 10_000

    static func linear(_ r: NodeReader) -> [AxisValue]? {
        guard let m = r.mapping(allowed: ["start", "stop", "step", "unit"]) else { return nil }
        guard let (nums, unit) = numbers(r, m, ["start", "stop", "step"]) else { return nil }
        let (start, stop, step) = (nums[0], nums[1], nums[2])
        if step == 0 { m["step"]?.error("`\(r.path).step` must not be zero"); return nil }
        if (stop - start) * step < 0 {
            m["step"]?.error("`\(r.path).step` goes away from `stop`: from \(text(start)) to \(text(stop)) needs a \(step > 0 ? "negative" : "positive") step; got \(text(step))")
            return nil
        }
        // Counted in Double first: a span of 1e300 or a step of 1e-320 is far beyond an Int.
        let count = ((stop - start) / step + 1e-9).rounded(.down) + 1
        guard count <= Double(maxValues) else {
            r.error("`\(r.path)` has \(text(count)) values, more than \(maxValues); check `step`"); return nil
        }
        let n = Int(count)
        return (0..<n).map { i in
            AxisValue(text: join(significant(start + Double(i) * step, digits: 12), unit), location: r.location)
        }
    }

    static func logarithmic(_ r: NodeReader) -> [AxisValue]? {
        guard let m = r.mapping(allowed: ["start", "stop", "count", "unit"]) else { return nil }
        guard let (nums, unit) = numbers(r, m, ["start", "stop"]) else { return nil }
        guard let count = m.required("count", in: r)?.int(min: 1, max: maxValues) else { return nil }
        let (start, stop) = (nums[0], nums[1])
        guard start > 0, stop > 0 else {
            (start <= 0 ? m["start"] : m["stop"])?.error("`\(r.path)` needs positive `start` and `stop` for a logarithmic axis; got \(text(start)) and \(text(stop))")
            return nil
        }
        return (0..<count).map { i in
            let v = count == 1 ? start : start * pow(stop / start, Double(i) / Double(count - 1))
            return AxisValue(text: join(significant(v, digits: 6), unit), location: r.location)
        }
    }

    /// The named numbers and their common unit; every fault is reported.
    static func numbers(_ r: NodeReader, _ m: [String: NodeReader], _ keys: [String]) -> ([Double], String)? {
        var values: [Double] = [], units: [(String, NodeReader)] = [], ok = true
        let declared = m["unit"]?.string()
        for k in keys {
            guard let e = m.required(k, in: r) else { ok = false; continue }
            guard let s = e.string(), let q = Quantity.parse(s) else {
                if case .scalar = e.node { e.error("`\(e.path)` must be a number, optionally with a unit (e.g. 10 or \"10 nS\"); got \"\(e.node.string ?? "")\"") }
                ok = false; continue
            }
            values.append(q.value)
            if !q.unit.isEmpty { units.append((q.unit, e)) }
        }
        guard ok else { return nil }
        var unit = declared ?? units.first?.0 ?? ""
        if let d = declared, !d.isEmpty, UnitTable.units[d] == nil {
            m["unit"]?.error("`\(r.path).unit`: unknown unit `\(d)`\(Suggest.hint(d, Array(UnitTable.units.keys)))")
            return nil
        }
        for (u, e) in units where u != unit {
            e.error("`\(e.path)` is in `\(u)` but the axis is in `\(unit)`; use one unit for start, stop and step")
            ok = false
        }
        if declared == nil, let first = units.first, units.count < keys.count {
            // Mixed bare numbers and numbers with units: the bare ones are read in that unit.
            unit = first.0
        }
        return ok ? (values, unit) : nil
    }

    static func significant(_ v: Double, digits: Int) -> String {
        let rounded = Double(String(format: "%.\(digits)g", v)) ?? v
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(saturating: rounded)) }
        return "\(rounded)"
    }

    static func join(_ number: String, _ unit: String) -> String { unit.isEmpty ? number : number + " " + unit }
    static func text(_ v: Double) -> String { significant(v, digits: 12) }
}
