// ScenarioLoader: the one entry point from a file (plus overrides) to a validated
// `Scenario`. Reads, parses YAML keeping source marks, applies `--set`, decodes, and
// throws `ScenarioErrors` listing every fault with file:line:column.

import Foundation
import Yams

public enum ScenarioLoader {
    /// Loads and validates a scenario file.
    /// - Parameters:
    ///   - path: the YAML file.
    ///   - overrides: `--set` overrides, applied in order.
    ///   - memoryLimit: bytes a network may use (default: 80% of physical memory).
    public static func load(path: String, overrides: [Override] = [], memoryLimit: Double? = nil) throws -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions, or not UTF-8 text)" : "does not exist"
            throw ScenarioErrors([Diagnostic(SourceLocation(file: path, line: 1, column: 1),
                                             "the scenario file \(reason); expected a readable YAML scenario file")], isUsage: true)
        }
        return try load(text: text, file: path, overrides: overrides, memoryLimit: memoryLimit)
    }

    /// Loads a scenario from text (tests, sweeps).
    public static func load(text: String, file: String, overrides: [Override] = [], memoryLimit: Double? = nil) throws -> Scenario {
        let root = try parse(text: text, file: file)
        let sink = DiagnosticSink()
        let resolved = OverrideApplier.apply(overrides, to: root, sink: sink)
        try sink.throwIfAny(isUsage: true)
        let yaml = (try? Yams.serialize(node: resolved)) ?? text
        let limit = memoryLimit ?? Double(ProcessInfo.processInfo.physicalMemory) * 0.8
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

    /// Parses YAML, turning libyaml's errors into located diagnostics.
    public static func parse(text: String, file: String) throws -> Node {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ScenarioErrors([Diagnostic(SourceLocation(file: file, line: 1, column: 1), "the file is empty; expected a scenario mapping (schema, name, time, sheet, populations, …)")])
            }
            return node
        } catch let e as YamlError {
            throw ScenarioErrors([located(e, file: file)])
        }
    }

    static func located(_ e: YamlError, file: String) -> Diagnostic {
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let ctx = context.map { " (\($0.text))" } ?? ""
            return Diagnostic(SourceLocation(file: file, line: mark.line, column: mark.column),
                              "YAML syntax error: \(problem)\(ctx); expected well-formed YAML (check indentation, colons and quotes)")
        case let .reader(problem, offset, _, _):
            return Diagnostic(SourceLocation(file: file, line: 1, column: (offset ?? 0) + 1), "the file cannot be read as text: \(problem)")
        default:
            return Diagnostic(SourceLocation(file: file, line: 1, column: 1), "YAML error: \(e)")
        }
    }
}
