// ScenarioLoader: the one entry point from a file (plus overrides) to a validated
// `Scenario`. Reads, parses YAML keeping source marks, applies `--set`, decodes, and
// throws `ScenarioErrors` listing every fault with file:line:column.

import Foundation
import InputReading
import Yams

public enum ScenarioLoader {
    /// Loads and validates a scenario file.
    /// - Parameters:
    ///   - path: the YAML file.
    ///   - overrides: `--set` overrides, applied in order.
    ///   - memoryLimit: bytes a network may use (default: `MemoryBudget.process`).
    public static func load(path: String, overrides: [Override] = [], memoryLimit: Double? = nil) throws -> Scenario {
        let text = try readText(path, what: "scenario")
        return try load(text: text, file: path, overrides: overrides, memoryLimit: memoryLimit)
    }

    /// The text of a scenario or sweep file, refused (a usage error naming the file) when it
    /// is missing, a folder, larger than `YAMLLimits.maxBytes`, unreadable or not UTF-8.
    public static func readText(_ path: String, what: String) throws -> String {
        func refuse(_ reason: String) -> ScenarioErrors {
            ScenarioErrors([Diagnostic(SourceLocation(file: path, line: 1, column: 1),
                                       "the \(what) file \(reason); expected a readable YAML \(what) file")], isUsage: true)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw refuse("does not exist") }
        if isDirectory.boolValue { throw refuse("is a folder") }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
           size.intValue > YAMLLimits.maxBytes {
            throw refuse("has \(size.intValue) bytes, more than the \(YAMLLimits.maxBytes) (4 MiB) read")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw refuse("cannot be read (permissions)") }
        guard let text = String(data: data, encoding: .utf8) else { throw refuse("is not UTF-8 text") }
        return text
    }

    /// Loads a scenario from text (tests, sweeps).
    public static func load(text: String, file: String, overrides: [Override] = [], memoryLimit: Double? = nil) throws -> Scenario {
        let root = try parse(text: text, file: file)
        let sink = DiagnosticSink()
        let resolved = OverrideApplier.apply(overrides, to: root, sink: sink)
        try sink.throwIfAny(isUsage: true)
        if !overrides.isEmpty, let n = YAMLLimits.overExpanded(resolved) {
            throw ScenarioErrors([Diagnostic(n.mark.map { SourceLocation(mark: $0, file: file) } ?? SourceLocation(file: file, line: 1, column: 1),
                                             "with the `--set` overrides the document expands to more than \(YAMLLimits.maxNodes) nodes (aliases counted at every use)")], isUsage: true)
        }
        let yaml = (try? Yams.serialize(node: resolved)) ?? text
        let limit = memoryLimit ?? MemoryBudget.process.bytes
        let decoder = ScenarioDecoder(root: NodeReader(node: resolved, file: file, path: "", sink: sink), memoryLimit: limit)
        var scenario = decoder.decode(resolvedYAML: yaml)
        if case let .mapping(top) = resolved, let a = top["arms"] {
            let arms = decodeArms(NodeReader(node: a, file: file, path: "arms", sink: sink), root: resolved, file: file,
                                  sink: sink, memoryLimit: limit)
            scenario?.arms = arms
        }
        try sink.throwIfAny()
        guard let scenario else {
            throw ScenarioErrors([Diagnostic(SourceLocation(file: file, line: 1, column: 1), "the scenario could not be read")])
        }
        return scenario
    }

    /// Parses YAML, turning libyaml's errors into located diagnostics, within `YAMLLimits`.
    public static func parse(text: String, file: String) throws -> Node {
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard text.utf8.count <= YAMLLimits.maxBytes else {
            throw ScenarioErrors([Diagnostic(start, "the file has \(text.utf8.count) bytes; at most \(YAMLLimits.maxBytes) (4 MiB) are read — expected a scenario or sweep file, not data")])
        }
        let node: Node
        do {
            guard let n = try Yams.compose(yaml: text) else {
                throw ScenarioErrors([Diagnostic(start, "the file is empty; expected a scenario mapping (schema, name, time, sheet, populations, …)")])
            }
            node = n
        } catch let e as YamlError {
            throw ScenarioErrors([located(e, file: file, text: text)])
        }
        if let n = YAMLLimits.overExpanded(node) {
            let at = n.mark.map { SourceLocation(mark: $0, file: file) } ?? start
            throw ScenarioErrors([Diagnostic(at, "the document expands to more than \(YAMLLimits.maxNodes) nodes with its aliases counted at every use (this node is reached through aliases too often); expected a scenario without nested alias expansion")])
        }
        return node
    }

    static func located(_ e: YamlError, file: String, text: String = "") -> Diagnostic {
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let ctx = context.map { " (\($0.text))" } ?? ""
            return Diagnostic(SourceLocation(file: file, line: mark.line, column: mark.column),
                              "YAML syntax error: \(problem)\(ctx); expected well-formed YAML (check indentation, colons and quotes)")
        case let .reader(problem, offset, _, _):
            return Diagnostic(SourceLocation(file: file, line: 1, column: (offset ?? 0) + 1), "the file cannot be read as text: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            // Yams names the mapping's start; point at the second occurrence of the key.
            let key = duplicates.first ?? ""
            let at = duplicateKeyLocation(key, in: text, from: context.mark.line) ?? (context.mark.line, context.mark.column)
            return Diagnostic(SourceLocation(file: file, line: at.0, column: at.1),
                              "duplicate key `\(key)`; each key may appear once in a mapping")
        default:
            return Diagnostic(SourceLocation(file: file, line: 1, column: 1), "YAML error: \(e)")
        }
    }

    /// The line and column of the second `key:` at the indentation of the first one, from
    /// line `from` (1-based) on: where a block mapping repeats `key`.
    static func duplicateKeyLocation(_ key: String, in text: String, from: Int) -> (Int, Int)? {
        var firstIndent: Int?
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where i + 1 >= from {
            let body = line.drop { $0 == " " || $0 == "-" }
            let indent = line.count - body.count
            guard body.hasPrefix(key), body.dropFirst(key.count).drop(while: { $0 == " " }).first == ":" else { continue }
            if let f = firstIndent {
                if f == indent { return (i + 1, indent + 1) }
            } else {
                firstIndent = indent
            }
        }
        return nil
    }
}
