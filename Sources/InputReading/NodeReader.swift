// NodeReader: typed, located access to a YAML node. Every accessor reports a problem to
// the shared DiagnosticSink with the node's file:line:column and returns nil, so a decoder
// keeps going and finds every fault of a file in one pass.

import Yams

/// A YAML node together with where it came from.
public struct NodeReader {
    public let node: Node
    public let file: String
    /// Dotted path from the document root, for messages ("populations[1].params.C").
    public let path: String
    public let sink: DiagnosticSink
    /// Location of the key that introduced this node, used when the node has no mark.
    let fallback: SourceLocation

    public init(node: Node, file: String, path: String, sink: DiagnosticSink, fallback: SourceLocation? = nil) {
        self.node = node; self.file = file; self.path = path; self.sink = sink
        self.fallback = fallback ?? SourceLocation(file: file, line: 1, column: 1)
    }

    /// This node's location.
    public var location: SourceLocation {
        if let m = node.mark { return SourceLocation(mark: m, file: file) }
        return fallback
    }

    public func error(_ message: String) { sink.error(location, message) }

    // MARK: mappings

    /// The keys of a mapping, checking each against `allowed` (unknown keys are errors with a
    /// suggestion) and rejecting duplicates. Returns nil (with an error) if not a mapping.
    @discardableResult
    public func mapping(allowed: [String]) -> [String: NodeReader]? {
        guard case let .mapping(m) = node else {
            error("\(path.isEmpty ? "the document" : "`\(path)`") must be a mapping of keys to values; got \(describeKind())")
            return nil
        }
        var out: [String: NodeReader] = [:]
        for (k, v) in m {
            let keyLoc = k.mark.map { SourceLocation(mark: $0, file: file) } ?? location
            guard let key = k.string else { sink.error(keyLoc, "keys must be plain names"); continue }
            if !allowed.contains(key) {
                if sink.isFull { sink.error(keyLoc, ""); continue }  // counted; no suggestion to compute
                sink.error(keyLoc, "unknown key `\(key)` in \(path.isEmpty ? "the document" : "`\(path)`")\(Suggest.hint(key, allowed)); expected one of: \(allowed.joined(separator: ", "))")
                continue
            }
            if out[key] != nil { sink.error(keyLoc, "duplicate key `\(key)`"); continue }
            out[key] = NodeReader(node: v, file: file, path: path.isEmpty ? key : "\(path).\(key)", sink: sink, fallback: keyLoc)
        }
        return out
    }

    /// The items of a sequence, or nil with an error.
    public func sequence() -> [NodeReader]? {
        guard case let .sequence(s) = node else {
            error("`\(path)` must be a list; got \(describeKind())")
            return nil
        }
        return s.enumerated().map { i, n in
            NodeReader(node: n, file: file, path: "\(path)[\(i)]", sink: sink, fallback: location)
        }
    }

    // MARK: scalars

    package var scalarText: String? {
        if case let .scalar(s) = node { return s.string }
        return nil
    }

    package func describeKind() -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case let .scalar(s): return "\"\(s.string)\""
        case .alias: return "an alias"
        }
    }

    /// A string scalar.
    public func string() -> String? {
        guard let s = scalarText else { error("`\(path)` must be text; got \(describeKind())"); return nil }
        return s
    }

    /// A string that must be one of `choices`.
    public func choice(_ choices: [String]) -> String? {
        guard let s = string() else { return nil }
        guard choices.contains(s) else {
            error("`\(path)` must be one of \(choices.joined(separator: ", "))\(Suggest.hint(s, choices)); got \"\(s)\"")
            return nil
        }
        return s
    }

    /// An integer, optionally bounded.
    public func int(min: Int? = nil, max: Int? = nil) -> Int? {
        guard let s = scalarText, let v = Int(s.replacingUnderscores()) else {
            error("`\(path)` must be a whole number; got \(describeKind())"); return nil
        }
        if let lo = min, v < lo { error("`\(path)` must be at least \(lo); got \(v)"); return nil }
        if let hi = max, v > hi { error("`\(path)` must be at most \(hi); got \(v)"); return nil }
        return v
    }

    /// A non-negative integer as UInt64 (seeds).
    public func uint64() -> UInt64? {
        guard let s = scalarText, let v = UInt64(s.replacingUnderscores()) else {
            error("`\(path)` must be a non-negative whole number; got \(describeKind())"); return nil
        }
        return v
    }

    /// A boolean.
    public func bool() -> Bool? {
        switch scalarText?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: error("`\(path)` must be true or false; got \(describeKind())"); return nil
        }
    }

    /// A plain number, optionally bounded (inclusive).
    public func number(min: Double? = nil, max: Double? = nil) -> Double? {
        guard let s = scalarText else { error("`\(path)` must be a number; got \(describeKind())"); return nil }
        guard let q = Quantity.parse(s), q.unit.isEmpty else {
            error("`\(path)` must be a plain number (no unit); got \"\(s)\""); return nil
        }
        guard practical(q.value, .dimensionless, original: s) else { return nil }
        return bounded(q.value, min: min, max: max, unitText: "")
    }

    /// Whether `v` (kernel units) is finite and within the dimension's practical range;
    /// reports the value as written otherwise.
    private func practical(_ v: Double, _ dim: Dimension, original: String) -> Bool {
        guard !v.isFinite || v.magnitude > dim.practicalLimit else { return true }
        error("`\(path)` is beyond the practical range of \(dim.noun) (at most \(dim.practicalLimitText) either way); got \"\(original)\"")
        return false
    }

    /// A quantity of the given dimension, converted to the kernel unit.
    public func quantity(_ dim: Dimension, min: Double? = nil, max: Double? = nil,
                         exclusiveMin: Bool = false) -> Double? {
        if dim == .dimensionless { return number(min: min, max: max) }
        guard let s = scalarText else {
            error("`\(path)` must be \(dim.noun) with a unit, e.g. \(dim.example); got \(describeKind())"); return nil
        }
        guard let q = Quantity.parse(s) else {
            error("`\(path)` must be \(dim.noun) with a unit, e.g. \(dim.example); got \"\(s)\""); return nil
        }
        if q.unit.isEmpty {
            error("`\(path)` needs a unit: \(dim.noun), e.g. \(dim.example); got \"\(s)\""); return nil
        }
        guard let (d, f) = UnitTable.units[q.unit] else {
            error("`\(path)`: unknown unit `\(q.unit)`\(Suggest.hint(q.unit, UnitTable.symbols(of: dim))); expected \(dim.noun), e.g. \(dim.example)")
            return nil
        }
        guard d == dim else {
            error("`\(path)` must be \(dim.noun), e.g. \(dim.example); got \"\(s)\", which is \(d.noun)"); return nil
        }
        let v = q.value * f
        guard practical(v, dim, original: s) else { return nil }
        if exclusiveMin, let lo = min, v <= lo {
            error("`\(path)` must be greater than \(format(lo)) \(dim.kernelUnit); got \"\(s)\""); return nil
        }
        return bounded(v, min: exclusiveMin ? nil : min, max: max, unitText: dim.kernelUnit, original: s)
    }

    private func bounded(_ v: Double, min: Double?, max: Double?, unitText: String, original: String? = nil) -> Double? {
        let got = original.map { "\"\($0)\"" } ?? format(v)
        if let lo = min, v < lo { error("`\(path)` must be at least \(format(lo))\(unitText.isEmpty ? "" : " " + unitText); got \(got)"); return nil }
        if let hi = max, v > hi { error("`\(path)` must be at most \(format(hi))\(unitText.isEmpty ? "" : " " + unitText); got \(got)"); return nil }
        return v
    }

    private func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}

extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}

extension Dictionary where Key == String, Value == NodeReader {
    /// A required entry; reports "missing required key" at the parent's location.
    public func required(_ key: String, in parent: NodeReader) -> NodeReader? {
        if let r = self[key] { return r }
        parent.error("`\(parent.path.isEmpty ? "the document" : parent.path)` is missing the required key `\(key)`")
        return nil
    }
}
