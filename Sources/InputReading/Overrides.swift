// `--set key.path=value` overrides, applied to the YAML tree before decoding so that an
// override is checked exactly like the file's own value. Paths use the file's keys;
// list items are chosen by index (`populations.0.count`) or by their `name`
// (`populations.pyr.count`). The same paths are the axes of sweep files.

import Yams

/// One `--set` override.
public struct Override: Sendable, Equatable {
    public var path: [String]
    public var value: String
    /// Where the override came from, e.g. "--set #1" or a sweep file location.
    public var origin: SourceLocation

    public init(path: [String], value: String, origin: SourceLocation) {
        self.path = path; self.value = value; self.origin = origin
    }

    /// Parses "a.b.c=value".
    public static func parse(_ text: String, index: Int) throws -> Override {
        let origin = SourceLocation(file: "--set #\(index + 1)", line: 1, column: 1)
        guard let eq = text.firstIndex(of: "=") else {
            throw ScenarioErrors([Diagnostic(origin, "`--set` needs key.path=value; got \"\(text)\"")], isUsage: true)
        }
        let key = String(text[..<eq]), value = String(text[text.index(after: eq)...])
        let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if key.isEmpty || path.contains(where: \.isEmpty) {
            throw ScenarioErrors([Diagnostic(origin, "`--set` has an empty key path in \"\(text)\"; expected e.g. populations.pyr.count=1000")], isUsage: true)
        }
        return Override(path: path, value: value, origin: origin)
    }
}

/// Marks of override values. A value given on the command line is composed from its own
/// text, so its marks are lines and columns of that text; they are rewritten to a line
/// number no file has, −k for the k-th override, keeping the column, and `SourceLocation`
/// turns such a mark back into `--set #k:1:column` — so a bad value is reported where it
/// was typed, not at line 1 of the scenario file.
enum OverrideMarks {
    /// A mark for (line, column). Yams does not export an initialiser for `Mark`, a struct of
    /// two `Int`s; the bit cast is checked, and nil is returned if the layout ever differs.
    static func make(line: Int, column: Int) -> Mark? {
        guard MemoryLayout<Mark>.size == MemoryLayout<(Int, Int)>.size else { return nil }
        // SAFETY: same size checked above; the result is used only if both fields read back
        // as written (otherwise the layout differs and the value is discarded).
        let m = unsafeBitCast((line, column), to: Mark.self)
        return m.line == line && m.column == column ? m : nil
    }

    /// `node` with each mark moved to line −(index + 1), its column kept.
    static func tag(_ node: Node, index: Int) -> Node {
        OverrideApplier.mapMarks(node) { m in m.flatMap { make(line: -(index + 1), column: $0.column) } ?? m }
    }
}

extension SourceLocation {
    /// Where `mark` points: in `file`, or, for an override's value (negative line), in the
    /// command line's `--set #k`.
    package init(mark m: Mark, file: String) {
        if m.line < 0 { self.init(file: "--set #\(-m.line)", line: 1, column: m.column) }
        else { self.init(file: file, line: m.line, column: m.column) }
    }
}

package enum OverrideApplier {
    /// `node` with every mark replaced by `mark`.
    package static func remark(_ node: Node, _ mark: Mark) -> Node { mapMarks(node) { _ in mark } }

    /// `node` with every mark (of the node, its keys, values and items) replaced by `f(mark)`.
    package static func mapMarks(_ node: Node, _ f: (Mark?) -> Mark?) -> Node {
        switch node {
        case var .scalar(s): s.mark = f(s.mark); return .scalar(s)
        case let .mapping(m):
            var out = Node.Mapping(m.map { (mapMarks($0.key, f), mapMarks($0.value, f)) }, m.tag, m.style)
            out.mark = f(m.mark)
            return .mapping(out)
        case let .sequence(q):
            var out = Node.Sequence(q.map { mapMarks($0, f) }, q.tag, q.style)
            out.mark = f(q.mark)
            return .sequence(out)
        default: return node
        }
    }

    /// Applies overrides in order, reporting bad paths to `sink` (at the override's origin).
    /// - Parameter marks: where each override's value sits in a file (arms), so that a fault
    ///   in it is reported there; without one, the value keeps the marks of its own text.
    package static func apply(_ overrides: [Override], to root: Node, sink: DiagnosticSink, marks: [Mark?] = []) -> Node {
        var root = root
        for (k, o) in overrides.enumerated() {
            var valueNode: Node
            do {
                valueNode = try Yams.compose(yaml: o.value) ?? Node("")
                if k < marks.count, let m = marks[k] { valueNode = remark(valueNode, m) }
                else if o.origin.file.hasPrefix("--set") { valueNode = OverrideMarks.tag(valueNode, index: k) }
            } catch {
                sink.error(o.origin, "the value of `\(o.path.joined(separator: "."))` is not valid YAML: \"\(o.value)\"")
                continue
            }
            if let updated = set(root, path: o.path[...], value: valueNode, override: o, sink: sink, walked: []) {
                root = updated
            }
        }
        return root
    }

    private static func set(_ node: Node, path: ArraySlice<String>, value: Node, override o: Override,
                            sink: DiagnosticSink, walked: [String]) -> Node? {
        guard let head = path.first else { return value }
        let rest = path.dropFirst()
        let here = (walked + [head]).joined(separator: ".")
        switch node {
        case var .mapping(m):
            let keys: [String] = m.keys.compactMap(\.string)
            if let child = m[head] {
                guard let updated = set(child, path: rest, value: value, override: o, sink: sink, walked: walked + [head]) else { return nil }
                m[head] = updated
                return .mapping(m)
            }
            if rest.isEmpty {
                // A new leaf key: the decoder checks whether it is allowed.
                m[head] = value
                return .mapping(m)
            }
            sink.error(o.origin, "`--set` path `\(here)` does not exist\(Suggest.hint(head, keys))")
            return nil
        case var .sequence(s):
            var idx: Int? = Int(head)
            if idx == nil {
                idx = s.firstIndex { $0["name"]?.string == head }
            }
            guard let i = idx, i >= 0, i < s.count else {
                let names = s.compactMap { $0["name"]?.string }
                sink.error(o.origin, "`--set` path `\(here)`: no list item `\(head)`\(Suggest.hint(head, names)); use an index 0..<\(s.count) or a name\(names.isEmpty ? "" : " (" + names.joined(separator: ", ") + ")")")
                return nil
            }
            guard let updated = set(s[i], path: rest, value: value, override: o, sink: sink, walked: walked + [head]) else { return nil }
            s[i] = updated
            return .sequence(s)
        default:
            sink.error(o.origin, "`--set` path `\(here)`: `\(walked.joined(separator: "."))` is a single value, not a section")
            return nil
        }
    }
}
